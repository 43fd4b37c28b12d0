"""Issue 4: the PDF handouts are complete, print-quality, reproducible and private.

Most tests read the PDFs of the sample build made once per session (`sample_site`):
their text (pdftotext), structure and metadata (pypdf), a rasterised first page
(pdftoppm) for the QR code (pyzbar) and a not-blank check. A few render single
handouts in-process, to see WeasyPrint's log and to compare bytes.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from conftest import PROJECT, SAMPLE_CONTENT, run_build
from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import decode as decode_qr

from campaignkit.build.pipeline import public_view
from campaignkit.common.problems import BuildError
from campaignkit.content.enums import STATUS
from campaignkit.handouts import font_check as fonts
from campaignkit.handouts import kinds as handout_kinds
from campaignkit.handouts import pdf_render as handouts
from campaignkit.render.templating import cn_date
from campaignkit.view import presentation

TEMPLATES = PROJECT / "templates"
MEDIA_CACHE = PROJECT / ".cache" / "media"
A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
ALLOWED_FONTS = {"Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"}


# ---- what the sample content says the handouts must be ------------------------------------------


def public_campaign(content_root: Path = SAMPLE_CONTENT):
    return public_view(PROJECT, content_root)[0]


@pytest.fixture(scope="session")
def campaign():
    return public_campaign()


@pytest.fixture(scope="session")
def expected(campaign) -> dict[str, dict]:
    """Every handout the sample must produce: path → kind, title, QR target, page rule, date."""
    site = campaign.site
    base = site["base_url"].rstrip("/") + "/"
    out = {}
    for lesson in campaign.lessons:
        out[f"downloads/lessons/{lesson.id}.pdf"] = dict(
            kind="课程讲义", title=lesson["title"], qr=base + lesson.url, item=lesson, date=handout_kinds.lesson_date(lesson)
        )
    for event in campaign.events:
        out[f"downloads/events/{event.id}.pdf"] = dict(
            kind="讲座资料包", title=event["title"], qr=base + event.url, item=event, date=handout_kinds.event_date(event)
        )
    for case in campaign.cases:
        out[f"downloads/cases/{case.id}.pdf"] = dict(
            kind="案例警示单", title=case["title"], qr=base + case.url, item=case, date=case["rectified_on"] or case["found_on"]
        )
    out["downloads/honor-roll.pdf"] = dict(
        kind="光荣榜", title=f"{site['title']}光荣榜", qr=base + "enterprises/", item=None, heading="光荣榜"
    )
    out["downloads/patrol-form.pdf"] = dict(kind="巡查记录表", title="电动车充电安全巡查记录表", qr=base + "patrols/", item=None)
    return out


def hidden_enterprise_names() -> dict[str, str]:
    """Case id → the name of its enterprise, for each anonymous case (the default), read straight from the content files."""
    import yaml

    def load(path):
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    hidden = {}
    for path in (SAMPLE_CONTENT / "cases").glob("*.yml"):
        case = load(path)
        if case.get("enterprise") and case.get("anonymous", True) is not False:
            hidden[path.stem] = load(SAMPLE_CONTENT / "enterprises" / f"{case['enterprise']}.yml")["name"]
    return hidden


def draft_people_names() -> list[str]:
    import yaml

    names = []
    for path in (SAMPLE_CONTENT / "people").glob("*.yml"):
        person = yaml.safe_load(path.read_text(encoding="utf-8"))
        if person.get("draft") or not person.get("consent"):
            names.append(person["name"])
    return names


# ---- reading PDFs ----------------------------------------------------------------------------------


@cache
def pages_text(path: Path) -> tuple[str, ...]:
    """The text of each page in drawing order (pypdf): a table cell or a side box stays in one piece."""
    return tuple(page.extract_text() for page in reader(path).pages)


def flat(text: str) -> str:
    """Text without any whitespace: titles that wrap, or 第 1 页, still match."""
    return re.sub(r"\s+", "", text)


@cache
def reader(path: Path) -> PdfReader:
    return PdfReader(path)


def rasterise(path: Path, page: int = 1, dpi: int = 150, gray: bool = False, top_mm: float | None = None) -> Image.Image:
    """One page as pdftoppm draws it; `top_mm` keeps only the top of the page (where the QR code is)."""
    args = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
    if gray:
        args.append("-gray")
    if top_mm:
        args += ["-x", "0", "-y", "0", "-W", str(round(420 / 25.4 * dpi)), "-H", str(round(top_mm / 25.4 * dpi))]
    out = subprocess.run([*args, str(path)], capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(out))


def rasterise_all(path: Path, folder: Path, dpi: int) -> list[Image.Image]:
    """Every page of a PDF, in grayscale, with one pdftoppm run."""
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(dpi), str(path), str(folder / path.stem)], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob(f"{path.stem}-*.png"))]


def in_parallel(function, items):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(function, items))


def outline_titles(pdf: PdfReader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(pdf.outline)
    return titles


def embedded_fonts(pdf: PdfReader) -> set[str]:
    names = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


@pytest.fixture(scope="session")
def pdfs(sample_site, expected) -> dict[str, Path]:
    return {rel: sample_site / rel for rel in expected}


def by_kind(expected, kind):
    return [rel for rel, e in expected.items() if e["kind"] == kind]


# ---- every kind is made, with its title, sections and page count --------------------------------


def test_every_kind_is_produced_for_the_sample(sample_site, expected):
    made = sorted(str(p.relative_to(sample_site)) for p in (sample_site / "downloads").rglob("*.pdf"))
    assert set(expected) <= set(made)  # the issue-13 kinds are checked in test_print.py
    kinds = {e["kind"] for e in expected.values()}
    assert kinds == {"课程讲义", "讲座资料包", "案例警示单", "光荣榜", "巡查记录表"}


def test_every_handout_has_its_chinese_title_header_footer_and_page_numbers(pdfs, expected, campaign):
    site = campaign.site
    for rel, path in pdfs.items():
        pages = pages_text(path)
        assert flat(expected[rel].get("heading", expected[rel]["title"])) in flat(pages[0]), rel
        total = len(pages)
        assert total == len(reader(path).pages)
        for n, text in enumerate(pages, 1):
            t = flat(text)
            assert flat(site["org"]) in t, (rel, n)  # running header
            assert expected[rel]["kind"] in t, (rel, n)
            assert f"第{n}页/共{total}页" in t, (rel, n)  # footer
            assert f"供稿：{site['credits']['contributor']}" in t, (rel, n)
            assert f"审核：{site['credits']['reviewer']}" in t and f"发布：{site['credits']['publisher']}" in t


def test_lesson_handouts_have_every_section_and_the_quiz_alone_on_the_last_page(pdfs, expected):
    for rel in by_kind(expected, "课程讲义"):
        lesson = expected[rel]["item"]
        pages = [flat(p) for p in pages_text(pdfs[rel])]
        body = "".join(pages[:-1])
        assert len(pages) >= 2
        for section in (
            "学习目标",
            "一定要记住",
            "应该与禁止",
            "✓应该这样做",
            "×禁止这样做",
            "课程内容",
            "身边的案例",
            "依据与参考",
        ):
            assert section in body, (rel, section)
        assert f"对象{lesson['audience']}" in pages[0] and f"时长{lesson['minutes']}分钟" in pages[0]
        for x in lesson["objectives"] + lesson["key_points"] + lesson["dos"] + lesson["donts"]:
            assert flat(x) in body, (rel, x)
        for case in lesson.related_cases[:2]:
            assert flat(case["title"]) in body
        for ref in lesson["references"]:
            assert flat(ref["title"]) in body
        # the quiz: its own page (the last), every question, no answers
        assert "随堂小测验" in pages[-1] and "随堂小测验" not in body
        for q in lesson["quiz"]:
            assert flat(presentation.question_text(q)) in pages[-1]
        assert "答案：" not in pages[-1] and "✓正确" not in pages[-1] and "■" not in pages[-1]


def test_event_pack_cover_agenda_lessons_sign_in_sheet_and_quiz(pdfs, expected, campaign):
    for rel in by_kind(expected, "讲座资料包"):
        event = expected[rel]["item"]
        pages = [flat(p) for p in pages_text(pdfs[rel])]
        cover = pages[0]
        for label, value in (
            ("时间", cn_date(event["date"])),
            ("地点", event["venue"]),
            ("主讲", event["speaker"]),
            ("主办", campaign.site["org"]),
        ):
            assert f"{label}{flat(value)}" in cover, (rel, label)
        # agenda built from the lessons and their minutes, with cumulative time slots
        assert "讲座议程" in cover
        start = 0
        for n, lesson in enumerate(event["lessons"], 1):
            end = start + lesson["minutes"]
            assert f"{n}{start // 60}:{start % 60:02d}–{end // 60}:{end % 60:02d}{flat(lesson['title'])}" in cover
            assert f"{lesson['minutes']}分钟" in cover
            start = end
        assert f"{start}分钟" in cover  # the total
        # each lesson starts a page; the sign-in sheet is one full page; the quiz sheet comes last
        for n, lesson in enumerate(event["lessons"], 1):
            assert any(p.startswith(f"课程{handouts.cn_number(n)}{flat(lesson['title'])}") for p in pages), lesson.id
        sign = [i for i, p in enumerate(pages) if p.startswith("签到表")]
        assert len(sign) == 1, rel
        sheet = "".join(pages_text(pdfs[rel])[sign[0] :])
        assert flat("序号 企业 姓名 岗位 签名") in flat(sheet)
        rows = handout_kinds.sign_rows(event)
        numbers = [int(m) for m in re.findall(r"^\s*(\d+)\s*$", sheet, re.M)]
        assert numbers[:rows] == list(range(1, rows + 1)) and rows >= (event["attendance"] or 0), numbers
        quiz = [i for i, p in enumerate(pages) if p.startswith("随堂小测验")]
        assert quiz and quiz[0] > sign[0]  # then the quiz, to the end
        assert "答案：" not in "".join(pages[sign[0] :]) and "■" not in "".join(pages)


def test_answer_keys_give_every_answer_with_its_explanation(sample_site, campaign):
    for event in campaign.events:
        if not handout_kinds.has_quiz(event):
            continue
        text = flat("".join(pages_text(sample_site.parent / "private" / "answers" / f"{event.id}.pdf")))
        assert "请勿随测验卷发给学员" in text
        questions = [q for lesson in event["lessons"] for q in lesson["quiz"]]
        for _n, q in enumerate(questions):  # one row each: number, answer, question, explanation
            answer = "、".join(handouts.right_answers(q))
            assert f"{answer}{flat(presentation.question_text(q))}" in text and flat(q["explanation"]) in text, q


def test_case_sheets_are_one_page_with_before_after_photos_what_was_done_and_the_lesson(pdfs, expected):
    for rel in by_kind(expected, "案例警示单"):
        case = expected[rel]["item"]
        pages = pages_text(pdfs[rel])
        assert len(pages) == 1, rel
        text = flat(pages[0])
        shown = case.shown  # the words every output uses for this case (view/presentation.py)
        before = flat(shown.photos.before_stage.caption)
        for part in (before, "发现了什么问题", shown.actions_heading, "记住这一条", case["status"], case["hazard"]):
            assert part in text, (rel, part)
        assert ("整改后✓" in text) == (case["status"] == STATUS.fixed.text), rel  # no tick on what is not fixed
        assert ("整改前" in before) == (case["status"] in (STATUS.fixed.text, STATUS.in_progress.text)), rel
        for action in case["actions"]:
            assert flat(action) in text
        point = handouts.lesson_point(case)
        assert flat(point["text"]) in text
        images = [img for page in reader(pdfs[rel]).pages for img in page.images]
        stages = [p.stage for p in case.photos]
        assert len(images) == min(1, stages.count("before")) + min(1, stages.count("after"))


def test_poster_is_one_a3_page_with_models_and_people(pdfs, campaign):
    path = pdfs["downloads/honor-roll.pdf"]
    pdf = reader(path)
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A3, abs=1)
    text = flat(pages_text(path)[0])
    assert "光荣榜" in text and "安全生产示范企业" in text and "亮群像" in text
    for e in campaign.models:
        assert flat(e["name"]) in text
    for team, members in campaign.teams():
        assert flat(team) in text
        for p in members:
            assert p["name"] in text


def test_patrol_form_is_a_landscape_a4_blank_form_with_the_hazard_checklist(pdfs):
    path = pdfs["downloads/patrol-form.pdf"]
    pdf = reader(path)
    assert len(pdf.pages) == 2  # one sheet, both sides
    for page in pdf.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4[::-1], abs=1)
    text = flat(pages_text(path)[0])
    for column in ("企业名称", "时间", "发现的问题", "处置措施", "巡查人"):
        assert column in text
    for _code, name, _what in handouts.PATROL_HAZARDS:
        assert name in text
    assert [int(m) for m in re.findall(r"^\s*(\d+)\s", pages_text(path)[0], re.M)][-1] >= 6


def test_other_handouts_are_portrait_a4(pdfs):
    for rel, path in pdfs.items():
        if rel.endswith(("honor-roll.pdf", "patrol-form.pdf")):
            continue
        for page in reader(path).pages:
            assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1), rel


# ---- metadata, bookmarks, QR codes, fonts, size -------------------------------------------------


def test_pdf_metadata(pdfs, expected, campaign):
    site = campaign.site
    for rel, path in pdfs.items():
        pdf = reader(path)
        info = pdf.metadata
        assert info["/Title"] == expected[rel]["title"], rel
        assert info["/Author"] == site["org"]
        assert info["/Subject"].startswith(expected[rel]["kind"] + "：")
        assert "飞线充电" in info["/Keywords"] and site["area"]["name"] in info["/Keywords"]
        assert info["/Creator"] == site["title"]
        assert pdf.trailer["/Root"]["/Lang"] == "zh-CN"
        assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in pdf.trailer["/Root"]  # tagged
        date = expected[rel].get("date")
        if date:  # dates come from the content, never from the clock
            assert info["/CreationDate"] == info["/ModDate"] == "D:" + date.replace("-", ""), rel


def test_bookmarks_follow_the_headings(pdfs, expected):
    for rel, path in pdfs.items():
        titles = outline_titles(reader(path))
        first = expected[rel].get("heading", expected[rel]["title"])
        assert titles and flat(titles[0]) == flat(first), (rel, titles[:1])
    lesson = outline_titles(reader(pdfs[by_kind(expected, "课程讲义")[0]]))
    assert {"一、学习目标", "二、应该与禁止", "三、课程内容"} <= set(lesson)
    event_rel = by_kind(expected, "讲座资料包")[0]
    event = outline_titles(reader(pdfs[event_rel]))
    assert "签到表" in event and "随堂小测验" in event and "讲座议程" in event
    for lesson in expected[event_rel]["item"]["lessons"]:
        assert lesson["title"] in event


def test_each_qr_code_opens_the_items_page_and_no_page_is_blank(pdfs, expected):
    def check(rel):
        image = rasterise(pdfs[rel], dpi=150, top_mm=90)  # the masthead, where every handout has its code
        codes = {c.data.decode() for c in decode_qr(image)}
        gray = image.convert("L")
        return rel, codes, sum(gray.histogram()[:200]) / (gray.width * gray.height)

    for rel, codes, dark in in_parallel(check, sorted(pdfs)):
        assert codes == {expected[rel]["qr"]}, rel
        assert dark > 0.01, (rel, dark)


def test_every_page_has_ink(pdfs, tmp_path):
    def check(rel):
        folder = tmp_path / rel.replace("/", "_")
        folder.mkdir()
        pages = rasterise_all(pdfs[rel], folder, dpi=20)
        return rel, len(pages), [sum(g.histogram()[:200]) / (g.width * g.height) for g in pages]

    for rel, count, darkness in in_parallel(check, sorted(pdfs)):
        assert count == len(reader(pdfs[rel]).pages)
        blank = [n for n, text in enumerate(pages_text(pdfs[rel])) if "本页空白" in text]  # duplex versos
        assert all(d > 0.01 for n, d in enumerate(darkness) if n not in blank), (rel, darkness)
        assert all(darkness[n] > 0.002 for n in blank), (rel, darkness)


def test_grayscale_print_keeps_the_banner_title_readable(pdfs):
    """The poster's white title sits on the campaign red: in grayscale it must stay dark behind white."""
    gray = rasterise(pdfs["downloads/honor-roll.pdf"], dpi=30, gray=True).convert("L")
    banner = gray.crop((int(gray.width * 0.1), int(gray.height * 0.06), int(gray.width * 0.6), int(gray.height * 0.16)))
    colours = sorted(banner.getcolors(maxcolors=100_000), reverse=True)
    background = colours[0][1]
    assert background < 110  # dark enough that white text stands out (contrast well above 4.5:1)


def test_only_the_two_noto_cjk_faces_are_embedded_and_subset(pdfs):
    for rel, path in pdfs.items():
        names = embedded_fonts(reader(path))
        assert names <= ALLOWED_FONTS, (rel, names)  # no fallback font: no tofu, no extra megabytes
    out = subprocess.run(["pdffonts", str(pdfs["downloads/patrol-form.pdf"])], capture_output=True, text=True).stdout
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in out.splitlines()[2:])  # emb sub uni


def test_handouts_are_small(pdfs):
    for rel, path in pdfs.items():
        size, pages = path.stat().st_size, len(reader(path).pages)
        if pages <= 4:  # a typical handout: under 600 KB
            assert size < 600 * 1024, (rel, pages, size)
        assert size < 1024 * 1024, (rel, pages, size)


# ---- privacy ---------------------------------------------------------------------------------------


def test_no_anonymous_cases_enterprise_and_no_unpublished_person_in_any_pdf(pdfs):
    hidden = hidden_enterprise_names()
    assert len(set(hidden.values())) >= 3
    drafts = draft_people_names()
    assert "赵小丽" in drafts
    for rel, path in pdfs.items():
        text = flat("".join(pages_text(path)))
        info = " ".join(str(v) for v in reader(path).metadata.values())
        for case_id, name in hidden.items():
            if rel != f"downloads/cases/{case_id}.pdf":
                continue  # the enterprise itself is public (events, lists); only the case's own sheet may not name it
            assert flat(name) not in text and name not in info, (rel, name)
            short = name.removeprefix("示例·")[:2]  # e.g. 速达: not even the short name
            assert short not in text, (rel, short)
        for name in drafts:
            assert name not in text, (rel, name)


# ---- WeasyPrint's log, reproducibility and the cache ------------------------------------------------


@pytest.fixture(scope="session")
def planned(campaign) -> dict[str, handouts.Job]:
    return {job.path: job for job in handouts.plan(campaign, TEMPLATES, MEDIA_CACHE)}


def test_rendering_logs_no_warning_and_is_byte_identical(planned, tmp_path, caplog, monkeypatch):
    paths = [
        "downloads/lessons/feixian-chongdian.pdf",
        "downloads/cases/wuliu-bangonglou-feixian.pdf",
        "downloads/honor-roll.pdf",
    ]
    for n, rel in enumerate(paths):
        job = planned[rel]
        outputs = []
        for run, epoch in enumerate(("1", "1700000000")):  # a different build epoch changes nothing
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
            target = tmp_path / f"{n}-{run}.pdf"
            with caplog.at_level(logging.DEBUG, logger="weasyprint"):
                _pages, warnings = handouts._render(job.html, str(TEMPLATES / "handouts"), str(target), job.epoch)
            assert warnings == [], (rel, warnings)
            outputs.append(target.read_bytes())
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
        assert outputs[0] == outputs[1], rel


def test_second_build_renders_nothing_and_gives_identical_files(sample_build, tmp_path):
    first, result = sample_build
    assert re.search(r"讲义：共 \d+ 份", result.stderr)
    assert "生成讲义:" not in result.stderr and "it/s" not in result.stderr  # no progress bar outside a terminal
    again = tmp_path / "site"
    second = run_build("--output", str(again))
    assert second.returncode == 0, second.stderr
    assert re.search(r"讲义：共 (\d+) 份，新生成 0 份，\1 份未变化沿用缓存。", second.stderr), second.stderr
    for path in (first / "downloads").rglob("*.pdf"):
        assert (again / path.relative_to(first)).read_bytes() == path.read_bytes(), path


def test_cache_key_follows_content_and_templates_and_nothing_else(scratch, tmp_path, planned, monkeypatch):
    before = {path: job.digest() for path, job in planned.items()}
    # the global build epoch (the newest content date) does not touch any handout
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert {path: job.digest() for path, job in planned.items()} == before
    # an edited case changes its own sheet (and what shows it), not the others
    scratch.replace("cases/cangku-silai-dianxian.yml", "title: ", "title: 修改后：")
    edited = {job.path: job.digest() for job in handouts.plan(public_campaign(scratch.content), TEMPLATES, MEDIA_CACHE)}
    changed = {path for path in before if edited[path] != before[path]}
    assert "downloads/cases/cangku-silai-dianxian.pdf" in changed
    assert "downloads/cases/hengshun-cangku-feixian.pdf" not in changed
    assert "downloads/patrol-form.pdf" not in changed and "downloads/honor-roll.pdf" not in changed
    # a template or stylesheet change changes every handout
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "handouts", templates / "handouts")
    with (templates / "handouts" / "handout.css").open("a") as css:
        css.write("\n/* changed */\n")
    restyled = {job.path: job.digest() for job in handouts.plan(public_campaign(), templates, MEDIA_CACHE)}
    assert all(restyled[path] != before[path] for path in before)


def test_qr_targets_and_kind_labels(planned, campaign):
    base = campaign.site["base_url"]
    labels = {job.kind: job.kind_label for job in planned.values()}
    assert {k: labels[k] for k in ("lesson", "event", "case", "poster", "form")} == {
        "lesson": "课程讲义",
        "event": "讲座资料包",
        "case": "案例警示单",
        "poster": "光荣榜",
        "form": "巡查记录表",
    }
    assert planned["downloads/honor-roll.pdf"].item_id == "" and planned["downloads/patrol-form.pdf"].item_kind == ""
    assert handouts.qr_svg(base + "enterprises/") in planned["downloads/honor-roll.pdf"].html
    assert handouts.qr_svg(base + "patrols/") in planned["downloads/patrol-form.pdf"].html


def test_a_weasyprint_warning_fails_the_build_and_is_not_cached(campaign, tmp_path, monkeypatch):
    job = handouts.Job(
        "case",
        "案例警示单",
        "cases",
        "x",
        "坏图片",
        "downloads/cases/x.pdf",
        '<html lang="zh-CN"><body><p>图</p><img src="file:///nonexistent/photo.jpg"></body></html>',
    )
    monkeypatch.setattr(handouts, "plan", lambda *args, **kwargs: [job])
    with pytest.raises(BuildError) as error:
        handouts.render_all(campaign, TEMPLATES, tmp_path / "docs", tmp_path / "cache", MEDIA_CACHE, jobs=1)
    assert "downloads/cases/x.pdf" in error.value.message and "技术人员" in error.value.message
    assert list((tmp_path / "cache").iterdir()) == []


def test_fonts_are_checked_before_anything_is_rendered(campaign, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "check_pdf_environment", lambda: ["找不到中文字体“Noto Sans CJK SC”"])
    monkeypatch.setattr(handouts, "_render", lambda *args: pytest.fail("rendered without fonts"))
    with pytest.raises(BuildError, match="找不到中文字体"):
        handouts.render_all(campaign, TEMPLATES, tmp_path / "docs", tmp_path / "cache", MEDIA_CACHE, jobs=1)


def test_css_strings_cannot_break_out_of_the_stylesheet():
    assert str(handouts.css_string('孙唐"社区</style><script>')) == '"孙唐\\22 社区\\3c /style\\3e \\3c script\\3e "'
    assert handouts.cn_number(1) == "一" and handouts.cn_number(10) == "十" and handouts.cn_number(23) == "二十三"


def test_thin_content_still_makes_clean_handouts(scratch, tmp_path):
    """An event without lessons, a case without photos, a person without a photo: no warning, no empty section."""
    scratch.write("events/xuanchuan-2023-12.yml", "title: 入企发放安全宣传单\ndate: 2023-12-05\nkind: 其他\n")
    text = scratch.read("cases/kuaidi-sanlunche-gaizhuang.yml")
    scratch.write("cases/kuaidi-sanlunche-gaizhuang.yml", text[: text.index("photos:")] + text[text.index("lessons:") :])
    text = scratch.read("people/xu-lei.yml")
    scratch.write("people/xu-lei.yml", text[: text.index("photo:")] + text[text.index("story:") :])
    jobs = {job.path: job for job in handouts.plan(public_campaign(scratch.content), TEMPLATES, MEDIA_CACHE)}
    assert "downloads/events/xuanchuan-2023-12.pdf" in jobs
    assert "answers/xuanchuan-2023-12.pdf" not in jobs  # nothing to answer
    counts = {}
    for rel in (
        "downloads/events/xuanchuan-2023-12.pdf",
        "downloads/cases/kuaidi-sanlunche-gaizhuang.pdf",
        "downloads/honor-roll.pdf",
    ):
        target = tmp_path / rel.replace("/", "_")
        counts[rel], warnings = handouts._render(jobs[rel].html, str(TEMPLATES / "handouts"), str(target))
        assert warnings == [], (rel, warnings)
        text = flat("".join(pages_text(target)))
        assert "讲座议程" not in text and "整改前" not in text.replace("整改前：", "")
    # the event: cover, blank verso, sign-in sheet on a right-hand page
    assert counts == {
        "downloads/events/xuanchuan-2023-12.pdf": 3,
        "downloads/cases/kuaidi-sanlunche-gaizhuang.pdf": 1,
        "downloads/honor-roll.pdf": 1,
    }


def test_cache_keeps_what_is_used_and_drops_what_no_build_used_for_a_month(tmp_path):
    import os
    import time

    for digest in ("used", "fresh", "stale"):
        (tmp_path / f"{digest}.pdf").write_bytes(b"%PDF")
        (tmp_path / f"{digest}.pages").write_text("1")
    old = time.time() - 40 * 86400
    for digest in ("used", "stale"):
        os.utime(tmp_path / f"{digest}.pages", (old, old))
    assert handouts._cached(tmp_path, "used")  # a hit counts as a use
    handouts._prune(tmp_path, keep=set())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.pages", "fresh.pdf", "used.pages", "used.pdf"]
