"""Issue 13: print a lecturer and a patrol can rely on. Every test reads the PDFs themselves
(pypdf text and structure, pikepdf objects, the independent `pdfua` checker, pdftoppm pixels).

Most tests read the sample build made once per session (`sample_build`, slow); a few render a
single handout from a scratch content folder.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import re
import statistics
import subprocess
from dataclasses import replace
from pathlib import Path

import pdf_structure
import pdfua
import pikepdf
import print_limits
import pytest
from conftest import PROJECT
from fontTools.cffLib import CFFFontSet
from pypdf import PdfReader
from test_handouts import MEDIA_CACHE, TEMPLATES, flat, public_campaign

from campaignkit.build.pipeline import PRIVATE_DIR
from campaignkit.common.problems import BuildError
from campaignkit.content.enums import HAZARD, STATUS
from campaignkit.handouts import kinds as handout_kinds
from campaignkit.handouts import pdf_font_subsets as pdf_fonts
from campaignkit.handouts import pdf_render as handouts
from campaignkit.handouts import pdf_stylesheets
from campaignkit.view import presentation

pytestmark = pytest.mark.slow
ARTIFACTS = PROJECT / "test-artifacts" / "print"


@pytest.fixture(scope="session")
def campaign():
    return public_campaign()


@pytest.fixture(scope="session")
def built(sample_build):
    site, result = sample_build
    return site, site.parent / PRIVATE_DIR, result


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def all_pdfs(built) -> list[Path]:
    site, private, _ = built
    return sorted(site.rglob("*.pdf")) + sorted(private.rglob("*.pdf"))


def kind_of(built, rel: str) -> str:
    for kind in sorted(handout_kinds.KINDS, key=lambda k: -len(k.path)):  # x-sign-in.pdf before {id}.pdf
        pattern = re.escape(kind.path).replace(re.escape("{id}"), "[^/]+")
        if re.fullmatch(pattern, rel):
            return kind.kind
    raise AssertionError(rel)


# ---- every kind, public and private, where it belongs ---------------------------------------------


def test_every_declared_kind_is_made_public_ones_in_site_private_ones_beside_it(built):
    site, private, result = built
    public = {kind_of(built, str(p.relative_to(site))) for p in site.rglob("*.pdf")}
    hidden = {kind_of(built, str(p.relative_to(private))) for p in private.rglob("*.pdf")}
    assert public == {k.kind for k in handout_kinds.KINDS if k.public}
    assert hidden == {k.kind for k in handout_kinds.KINDS if not k.public}
    assert private.parent == site.parent and private.stat().st_mode & 0o077 == 0
    assert "内部文书" in result.stdout + result.stderr and "隐患整改通知书 1 份" in result.stdout + result.stderr


def test_private_paperwork_never_reaches_the_published_site(built):
    site, private, _ = built
    notice = next(private.glob("notices/*.pdf"))
    name = flat(text_of(notice)[0]).split("隐患整改通知书")[1]
    number = re.search(r"[^\s：]*〔\d{4}〕\d+号", name).group(0)  # the notice's document number
    assert "〔" in number
    published = [p for p in site.rglob("*") if p.is_file()]
    for path in published:
        data = path.read_bytes()
        if path.suffix != ".pdf":  # no link to a private folder
            assert b"notices/" not in data and b"answers/" not in data, path
        if path.suffix in (".html", ".json", ".xml", ".txt", ".md"):
            text = data.decode("utf-8", "replace")
            assert "隐患整改通知书" not in text and number not in text, path
        if path.suffix == ".pdf":
            assert number not in flat("".join(text_of(path))), path
    assert not list(site.rglob("*-answers.pdf")) and not list(site.rglob("notices"))


def test_downloads_page_lists_every_public_kind_with_pages_and_size(built):
    site, _, _ = built
    page = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    for kind in handout_kinds.KINDS:
        if kind.public:
            assert f"<strong>{kind.label}</strong>" in page, kind.label
        else:
            assert kind.label not in page, kind.label
    for pdf in (site / "downloads").rglob("*.pdf"):
        pages = len(PdfReader(pdf).pages)
        assert re.search(
            rf'href="[^"]*{re.escape(pdf.name)}"[^>]*>.*?{pages} 页(?:</span>)? · (?:<span[^>]*>)?\d', page, re.DOTALL
        ), pdf.name


# ---- PDF/UA: the independent checker and the rules it leaves out ----------------------------------


def test_independent_pdfua_checker_passes_every_handout(built):
    for path in all_pdfs(built):
        report = pdfua.validate(str(path))
        assert [f"{f.rule_id}: {f.message}" for f in report.findings] == [], path


def test_pdfua_rules_the_checker_does_not_cover(built):
    """Artifacts for running headers and footers, TH scope, link annotations for printed URLs, XMP."""
    for path in all_pdfs(built):
        with pikepdf.open(path) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert 'pdfuaid:part="1"' in xmp and "<dc:title>" in xmp and str(pdf.docinfo["/Title"]) in xmp, path
            tree = pdf.Root.StructTreeRoot
            parents = {int(k): v for k, v in zip(tree.ParentTree.Nums[::2], tree.ParentTree.Nums[1::2])}
            marked = 0
            for page in pdf.pages:
                artifacts = 0
                for operands, operator in pikepdf.parse_content_stream(page):
                    if str(operator) == "BDC":
                        if operands[0] == pikepdf.Name.Artifact:
                            artifacts += 1
                        else:
                            mcid = int(operands[1].MCID)
                            entry = parents[int(page.StructParents)][mcid]
                            assert isinstance(entry, pikepdf.Dictionary), (path, mcid)  # in the tree
                            marked += 1
                assert artifacts >= 3, path  # header left/right, page number, footer (a blank verso has only these)
                assert page.Tabs == "/S"
                for annot in page.get("/Annots", []):
                    if annot.Subtype == "/Link":
                        assert str(annot.get("/Contents", "")).strip(), path  # its alternate description
            assert marked, path
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH":
                    assert obj.A.Scope in ("/Column", "/Row"), path
    lesson = built[0] / "downloads/lessons/feixian-chongdian.pdf"
    with pikepdf.open(lesson) as pdf:
        uris = [str(a.A.URI) for p in pdf.pages for a in p.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert "https://www.119.gov.cn/" in uris and any(u.endswith("lessons/feixian-chongdian/") for u in uris)


# ---- black-and-white laser: solid black, nothing under 8 pt ------------------------------------------


def _text_runs(page: pikepdf.Page):
    """(effective size in pt, fill colour) of every text-showing operator on a page."""
    ctm, fill, size, tm_scale = [1.0, 0, 0, 1.0], (0.0,), 0.0, 1.0
    stack = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append((list(ctm), fill))
        elif op == "Q":
            ctm, fill = stack.pop()
        elif op == "cm":
            a, b, c, d = (float(x) for x in operands[:4])
            ctm = [a * ctm[0] + b * ctm[2], a * ctm[1] + b * ctm[3], c * ctm[0] + d * ctm[2], c * ctm[1] + d * ctm[3]]
        elif op in ("rg", "g", "k", "sc", "scn"):
            fill = tuple(float(x) for x in operands if not isinstance(x, pikepdf.Name))
        elif op == "Tf":
            size = float(operands[1])
        elif op == "Tm":
            tm_scale = math.sqrt(abs(float(operands[0]) * float(operands[3])))
        elif op in ("Tj", "TJ", "'", '"'):
            scale = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]))
            yield size * tm_scale * scale, fill


def test_small_text_is_solid_black_and_at_least_8pt(built):
    for path in all_pdfs(built):
        with pikepdf.open(path) as pdf:
            for n, page in enumerate(pdf.pages, 1):
                for size, fill in _text_runs(page):
                    assert size >= 7.95, (path, n, size)
                    grey = (len(fill) == 3 and len(set(fill)) == 1) or len(fill) == 1
                    if grey and size < 12:
                        assert fill[0] in (0.0, 1.0), (path, n, size, fill)  # black, or white on black


# ---- what a reader needs: where to charge, whom to call ---------------------------------------------


def test_handouts_say_where_to_charge_and_whom_to_call(built, campaign):
    site, _, _ = built
    points = handout_kinds.charging_points(campaign)
    phone = campaign.site["contact"]["phone"]
    for rel in [
        "downloads/lessons/feixian-chongdian.pdf",
        "downloads/events/qishou-jiangzuo-2023-09.pdf",
        "downloads/cases/wuliu-bangonglou-feixian.pdf",
        "downloads/charging-points.pdf",
    ]:
        text = flat("".join(text_of(site / rel)))
        assert "119" in text and flat(phone) in text, rel
        for f in points:
            assert flat(f["name"]) in text and flat(f["address"]) in text and flat(f["hours"]) in text, (rel, f.id)
    for path in all_pdfs(built):
        assert "在本站" not in flat("".join(text_of(path))), path


def test_facility_posters_cards_and_the_charging_list(built, campaign):
    site, _, _ = built
    for f in handout_kinds.charging_points(campaign):
        poster = site / f"downloads/facilities/{f.id}.pdf"
        text = flat(text_of(poster)[0])
        assert len(PdfReader(poster).pages) == 1
        for value in (f["name"], f["address"], f["hours"], f["fee"], f"{f['capacity']}个"):
            assert flat(value) in text, (f.id, value)
        cards = PdfReader(site / f"downloads/cards/{f.id}.pdf")
        assert len(cards.pages) == 1
        card_text = flat(cards.pages[0].extract_text())
        assert card_text.count("骑手安全充电卡") == 8 and card_text.count("着火拨119") == 8
        assert card_text.count(flat(f["name"])) >= 8 and flat(campaign.site["contact"]["phone"]) in card_text
        with pikepdf.open(site / f"downloads/cards/{f.id}.pdf") as pdf:
            qrs = [x for x in pdf.objects if isinstance(x, pikepdf.Dictionary) and x.get("/S") == "/Figure"]
            assert len(qrs) == 8 and all(str(q.Alt).startswith("二维码") for q in qrs)
    listing = text_of(site / "downloads/charging-points.pdf")
    assert len(listing) == 1
    for f in campaign.facilities:
        assert flat(f["name"]) in flat(listing[0])


# ---- events: sign-in sized to attendance, separate sheets, duplex ---------------------------------------


def test_sign_in_sheet_has_a_row_for_everyone_numbered_across_sheets(built, campaign):
    site, _, _ = built
    for event in campaign.events:
        rows = handout_kinds.sign_rows(event)
        assert rows >= (event["attendance"] or 0) and rows % handout_kinds.SIGN_ROWS_PER_SHEET == 0
        pages = text_of(site / f"downloads/events/{event.id}-sign-in.pdf")
        numbers = [int(m) for page in pages for m in re.findall(r"^\s*(\d+)\s*$", page, re.MULTILINE)]
        assert numbers == list(range(1, rows + 1)), event.id
        assert len(pages) == rows // handout_kinds.SIGN_ROWS_PER_SHEET


def test_parts_handed_out_separately_start_on_a_right_hand_page(built, campaign):
    site, _, _ = built
    for event in campaign.events:
        pages = [flat(p) for p in text_of(site / f"downloads/events/{event.id}.pdf")]
        for title in ("签到表", "随堂小测验"):
            starts = [n for n, p in enumerate(pages, 1) if re.match(rf"^\S*?{title}活动", p)]
            assert starts and starts[0] % 2 == 1, (event.id, title, starts)
            if pages[starts[0] - 2 if starts[0] > 1 else 0].find("本页空白") >= 0:
                assert "签到表" not in pages[starts[0] - 2]
        quiz = text_of(site / f"downloads/events/{event.id}-quiz.pdf")
        assert "随堂小测验" in flat(quiz[0]) and "答案：" not in flat("".join(quiz))


def test_answer_key_is_one_private_page_with_every_answer(built, campaign):
    _, private, _ = built
    for event in campaign.events:
        if not handout_kinds.has_quiz(event):
            continue
        key = private / f"answers/{event.id}.pdf"
        pages = text_of(key)
        assert len(pages) == 1, event.id
        text = flat(pages[0])
        for lesson in event["lessons"]:
            for q in lesson["quiz"]:
                assert flat(presentation.question_text(q))[:20] in text


# ---- the patrol form records what the site counts -----------------------------------------------------


def test_patrol_form_records_counts_deadlines_and_rechecks(built):
    site, _, _ = built
    path = site / "downloads/patrol-form.pdf"
    pages = text_of(path)
    assert len(pages) == 2  # one sheet, printed on both sides
    text = flat("".join(pages))
    for label in (
        "检查企业数",
        "发现隐患数",
        "移交职能部门数",
        "巡查队伍",
        "共人",
        "整改期限",
        "复查",
        "当场整改",
        "限期整改",
        "本张合计",
    ):
        assert flat(label) in text, label
    assert "＿" not in text  # every blank is a ruled space a pen fits, not a character or two of underscores
    front, back = handouts.PATROL_ROWS
    numbers = [int(m) for page in pages for m in re.findall(r"^\s*(\d+)\s", page, re.MULTILINE)]
    assert [n for n in numbers if n <= front + back] == list(range(1, front + back + 1))
    # a round of the park's 81 enterprises and its findings (the sample's busiest rounds: ~30) on a few sheets
    assert math.ceil((81 + 30) / (front + back)) <= 6
    with pdfplumber_words(path) as words:
        head = next(w for w in words if w["text"].startswith("企业名称"))
        after = min((w for w in words if w["top"] == head["top"] and w["x0"] > head["x1"]), key=lambda w: w["x0"])
        assert (after["x0"] - head["x0"]) / 72 * 25.4 > 30  # the column is wide (58 mm), not 7-8 characters


class pdfplumber_words:
    """Word boxes from pdftotext -bbox (poppler), as dicts with x0, x1, top."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        out = subprocess.run(["pdftotext", "-bbox", str(self.path), "-"], capture_output=True, text=True, check=True).stdout
        return [
            {"text": m[4], "x0": float(m[0]), "top": round(float(m[1])), "x1": float(m[2])}
            for m in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
        ]

    def __exit__(self, *exc):
        return False


# ---- cases: no tick on what is not fixed; the lesson point matching the hazard ---------------------------


def test_unfixed_cases_print_their_status_not_a_tick(built, campaign):
    site, _, _ = built
    for case in campaign.cases:
        text = flat(text_of(site / f"downloads/cases/{case.id}.pdf")[0])
        if case["status"] == STATUS.fixed.text:
            assert "整改后✓" in text, case.id
        else:
            assert "整改后" not in text and flat(STATUS[case["status"]].tag) in text, case.id


def test_remember_this_picks_the_point_about_the_case_hazard(campaign):
    chosen = {c["hazard"]: handouts.lesson_point(c)["text"] for c in campaign.cases}
    assert len(set(chosen.values())) == len(chosen)  # a different point for each hazard
    for hazard, point in chosen.items():
        others = {w for h in HAZARD if h.text != hazard for w in h.words} - set(HAZARD[hazard].words)
        assert not any(w in point for w in others), (hazard, point)


# ---- typesetting and dates -----------------------------------------------------------------------------


def test_titles_have_no_widows_and_few_paragraphs_end_in_one_or_two_characters(built):
    short = []
    for path in all_pdfs(built):
        for page in text_of(path):
            lines = [ln.strip() for ln in page.splitlines()]
            short += [(path.name, ln) for ln in lines if 0 < len(ln) <= 2 and re.search(r"[。？！；：，、）”]$", ln)]
            assert not any(ln.startswith("（本") and len(ln) < 5 for ln in lines), path  # the blank-page note
    assert len(short) <= 5, short  # the sample had 39 before
    for kind in ("lessons/qishou-dianchi", "cases/kuaidi-sanlunche-gaizhuang"):
        first = text_of(built[0] / f"downloads/{kind}.pdf")[0]
        title = [ln for ln in first.splitlines() if ln.strip()][2:5]
        assert not any(len(ln.strip()) <= 2 for ln in title), title


def test_dates_and_copyright_year_come_from_what_the_handout_cites(built):
    site, _, _ = built
    reader = PdfReader(site / "downloads/lessons/qishou-dianchi.pdf")
    assert reader.metadata["/CreationDate"] >= "D:20250401"
    text = flat("".join(p.extract_text() for p in reader.pages))
    assert "©2025" in text and "©2023" not in text


# ---- sizes: compact fonts, median ≤ 250 KB, images at the configured resolution --------------------------


def median_size(paths) -> float:
    """The benchmark's figure: median file size of the handouts, in KB."""
    return statistics.median(p.stat().st_size for p in paths) / 1024


def test_compact_fonts_keep_the_text_and_make_handouts_small(built):
    pdfs = all_pdfs(built)
    assert median_size(pdfs) <= 250
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                    stream = obj.FontFile3
                    assert stream.Subtype == "/CIDFontType0C" and len(stream.read_bytes()) < 200_000, path


def test_compacting_changes_neither_text_nor_pixels(planned_lesson, tmp_path):
    from weasyprint import HTML

    raw = tmp_path / "raw.pdf"
    document = HTML(string=planned_lesson.html, base_url=str(TEMPLATES / "handouts")).render(**handouts.RENDER_OPTIONS)
    document.write_pdf(raw, **handouts.RENDER_OPTIONS)
    small = tmp_path / "small.pdf"
    with pikepdf.open(raw) as pdf:
        assert pdf_fonts.compact_fonts(pdf) == 2
        pdf.save(small)
    assert small.stat().st_size < raw.stat().st_size * 0.6
    assert (
        subprocess.run(["pdftotext", raw, "-"], capture_output=True, check=True).stdout
        == subprocess.run(["pdftotext", small, "-"], capture_output=True, check=True).stdout
    )
    from PIL import Image, ImageChops

    for name in ("raw", "small"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-gray", "-png", "-f", "1", "-l", "1", tmp_path / f"{name}.pdf", tmp_path / name], check=True
        )
    a, b = (Image.open(next(tmp_path.glob(f"{n}-*.png"))).convert("L") for n in ("raw", "small"))
    diff = ImageChops.difference(a, b)
    assert sum(diff.histogram()[40:]) < 0.005 * a.width * a.height  # anti-aliasing only
    with pikepdf.open(small) as pdf:  # and every glyph drawn is in the compact font, under its CID
        for font in pdf.objects:
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == "/CIDFontType0":
                cff = CFFFontSet()
                cff.decompile(io.BytesIO(font.FontDescriptor.FontFile3.read_bytes()), None)
                kept = {int(name[3:]) for name in cff[0].charset if name.startswith("cid")}
                assert pdf_fonts.used_cids(font.W) <= kept


def test_one_pass_subsets_make_the_same_finished_handout(planned_lesson, tmp_path, monkeypatch):
    """The kit's renders let WeasyPrint subset the CJK fonts in one pass, without the padding the
    compaction removes anyway (pdf_fonts.one_pass_subsets): the PDF written is byte for byte the
    one WeasyPrint's own subsets give, and the subset WeasyPrint embeds is really the small one."""
    from weasyprint import HTML

    base = str(TEMPLATES / "handouts")
    document = HTML(string=planned_lesson.html, base_url=base).render(**handouts.RENDER_OPTIONS)
    with pdf_fonts.one_pass_subsets():
        raw = document.write_pdf(**handouts.RENDER_OPTIONS)
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        embedded = [
            obj.FontFile3 for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"
        ]
        assert len(embedded) == 2 and all(len(stream.read_bytes()) < 200_000 for stream in embedded)
    fast, usual = tmp_path / "one-pass.pdf", tmp_path / "weasyprint.pdf"
    handouts._render(planned_lesson.html, base, str(fast), planned_lesson.epoch)
    monkeypatch.setattr(pdf_fonts, "one_pass_subsets", contextlib.nullcontext)
    handouts._render(planned_lesson.html, base, str(usual), planned_lesson.epoch)
    assert fast.read_bytes() == usual.read_bytes()


def test_reused_stylesheets_make_the_same_handouts(campaign, tmp_path, monkeypatch):
    """A worker parses a kind's <style> once (pdf_stylesheets.reused): the second case sheet, laid
    out with the stylesheet WeasyPrint made for the first, is byte for byte the PDF WeasyPrint's
    own parsing gives."""
    from weasyprint import CSS

    first, second = [job for job in handouts.plan(campaign, TEMPLATES, MEDIA_CACHE) if job.kind == "case"][:2]
    style = re.search(r"<style>(.*?)</style>", second.html, re.S).group(1)
    assert style == re.search(r"<style>(.*?)</style>", first.html, re.S).group(1)
    parsed = []
    real_init = CSS.__init__
    monkeypatch.setattr(
        CSS,
        "__init__",
        lambda sheet, *args, **kwargs: (parsed.append(kwargs.get("string")), real_init(sheet, *args, **kwargs))[1],
    )
    base = str(TEMPLATES / "handouts")

    def render(job, name):
        path = tmp_path / f"{name}.pdf"
        handouts._render(job.html, base, str(path), job.epoch, job.max_pages, job.fallbacks)
        return path.read_bytes()

    render(first, "first")
    parsed.clear()
    reused = render(second, "reused")
    assert style not in parsed  # laid out with the first sheet's stylesheet
    monkeypatch.setattr(pdf_stylesheets, "reused", contextlib.nullcontext)
    assert render(second, "parsed") == reused and style in parsed


def test_images_are_embedded_at_the_configured_dpi(built):
    site, _, _ = built
    with pikepdf.open(site / "downloads/cases/cangku-silai-dianxian.pdf") as pdf:
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        assert images and all(int(img.Width) < 960 for img in images)  # 960 px renditions, downsampled to 200 dpi


@pytest.fixture(scope="session")
def planned_lesson(campaign):
    return next(j for j in handouts.plan(campaign, TEMPLATES, MEDIA_CACHE) if j.kind == "lesson")


# ---- one-page formats with too much content -----------------------------------------------------------


def _long_content(scratch):
    text = scratch.read("cases/wuliu-bangonglou-feixian.yml")
    more = "".join(
        f"\n  第{n}段补充：巡查队再次上门，发现门厅的电线仍未完全拆除，企业表示正在协调场地建设员工充电点。\n"
        for n in range(1, 4)
    )
    text = text.replace("巡查队将在下一轮回头看。\n", "巡查队将在下一轮回头看。\n" + more)
    text = text.replace(
        "actions:\n", "actions:\n" + "".join(f"  - 第{n}次复查：督促企业落实整改，拍照留存\n" for n in range(1, 4))
    )
    scratch.write("cases/wuliu-bangonglou-feixian.yml", text)
    person = scratch.read("people/sun-haibo.yml")
    for n in range(5):
        body = re.sub(r"^name: .*$", f"name: 测试{'甲乙丙丁戊'[n]}", person, flags=re.MULTILINE)
        scratch.write(f"people/extra-{n}.yml", re.sub(r"^photo:(\n  .*)*\n", "", body, flags=re.MULTILINE))


def test_one_page_formats_fit_a_long_case_and_twelve_people(scratch, tmp_path):
    _long_content(scratch)
    campaign = public_campaign(scratch.content)
    assert len(campaign.people) >= 12
    jobs = {j.path: j for j in handouts.plan(campaign, TEMPLATES, MEDIA_CACHE)}
    for rel in ("downloads/cases/wuliu-bangonglou-feixian.pdf", "downloads/honor-roll.pdf", "downloads/honor-roll-a4.pdf"):
        job = jobs[rel]
        target = tmp_path / rel.replace("/", "_")
        pages, warnings = handouts._render(
            job.html, str(TEMPLATES / "handouts"), str(target), job.epoch, job.max_pages, job.fallbacks
        )
        assert warnings == [] and pages == 1, (rel, pages)
        text = flat(text_of(target)[0])
        if "cases" in rel:
            assert "第3次复查" in text and "第3段补充" in text
        else:
            assert all(p["name"] in text for p in campaign.people), rel


def test_a_case_too_long_for_its_page_prints_its_digest_and_says_where_the_rest_is(scratch, tmp_path):
    """2,000 characters of description (a 255-character one stopped the whole site before): the
    case sheet is one page, the description's beginning with 详见网页 beside the QR code."""
    para = "企业多次承诺整改但未落实，巡查队逐次记录了现场情况和企业的答复。" * 6
    text = scratch.read("cases/wuliu-bangonglou-feixian.yml")
    scratch.write(
        "cases/wuliu-bangonglou-feixian.yml",
        text.replace("巡查队将在下一轮回头看。\n", "巡查队将在下一轮回头看。\n" + f"\n  {para}\n" * 8),
    )
    job = next(
        j
        for j in handouts.plan(public_campaign(scratch.content), TEMPLATES, MEDIA_CACHE)
        if j.item_id == "wuliu-bangonglou-feixian" and j.kind == "case"
    )
    target = tmp_path / "case.pdf"
    pages, warnings, level = handouts._render_layout(
        job.html, str(TEMPLATES / "handouts"), str(target), job.epoch, job.max_pages, job.fallbacks
    )
    assert warnings == [] and pages == 1 and level == handout_kinds.DIGEST
    page = flat(text_of(target)[0])
    assert "详见网页" in page and "巡查队发现" in page and para[:20] not in page.split("详见网页")[1]
    # A public one-page handout that overflowed even its digest would be the kit's bug: the build stops
    # naming the item (never a half-made site).
    real_plan = handouts.plan
    try:
        handouts.plan = lambda *args, **kw: [replace(job, fallbacks=())]
        with pytest.raises(BuildError) as error:
            handouts.render_all(public_campaign(scratch.content), TEMPLATES, tmp_path / "docs", tmp_path / "cache", MEDIA_CACHE)
    finally:
        handouts.plan = real_plan
    assert "content/cases/wuliu-bangonglou-feixian.yml" in error.value.message and "只能 1 页" in error.value.message


# ---- content at every limit the format allows (issue 26) ------------------------------------------------


@pytest.mark.parametrize("folder", sorted(print_limits.FULL_ITEM))
def test_content_at_every_limit_builds_every_handout_on_its_pages(folder, scratch):
    """One item of the kind with every text at its maxLength and every list at its maxItems (read
    from the schema): check passes, the full build succeeds, every declared kind is made and every
    one-page handout is one page. Unchanged handouts come from the shared cache."""
    print_limits.fill_item(scratch.content, folder)
    assert scratch.check().returncode == 0
    result = scratch.build()
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    site, private = scratch.root / "site", scratch.root / PRIVATE_DIR
    made = {}
    for root in (site, private):
        for pdf in root.rglob("*.pdf"):
            made[str(pdf.relative_to(root))] = pdf
    kinds = {kind_of((site, private, None), rel) for rel in made}
    assert kinds == {k.kind for k in handout_kinds.KINDS}
    for rel, pdf in made.items():
        kind = handout_kinds.BY_KIND[kind_of((site, private, None), rel)]
        if kind.max_pages:
            assert len(PdfReader(pdf).pages) <= kind.max_pages, rel


# ---- private paperwork never blocks anything public -------------------------------------------------------


def test_a_private_notice_that_fails_is_named_and_the_site_is_published(scratch, monkeypatch, capsys):
    """The notice's template breaks (any reason would do): the site and the articles are published,
    the summary names the notice, the exit status says something was not made."""
    from campaignkit.commandline import main as cli

    broken = [replace(k, template="quiz.html.j2") if k.kind == "notice" else k for k in handout_kinds.KINDS]
    monkeypatch.setattr(handouts, "KINDS", broken)
    out = scratch.root / "site"
    monkeypatch.chdir(PROJECT)
    status = cli.main(["--content", str(scratch.content), "--output", str(out)])
    said = capsys.readouterr()
    assert status == 1, said.err
    assert (out / "index.html").exists() and (out / "downloads/cases/wuliu-bangonglou-feixian.pdf").exists()
    assert (scratch.root / "wechat" / "index.html").exists()
    assert "隐患整改通知书" in said.out and "没有生成" in said.out and "content/cases/wuliu-bangonglou-feixian.yml" in said.out
    assert "已生成网站" in said.out
    private = scratch.root / PRIVATE_DIR
    assert (private / "letters/all.pdf").exists() and not list(private.glob("notices/*.pdf"))


# ---- paperwork a committee can send ------------------------------------------------------------------------


def _open_case(scratch, case_id: str, found_on: str, enterprise: str = "anjie-peisong") -> None:
    text = scratch.read("cases/wuliu-bangonglou-feixian.yml")
    text = re.sub(r"^found_on: .*$", f"found_on: {found_on}", text, flags=re.M)
    text = re.sub(r"^enterprise: .*$", f"enterprise: {enterprise}", text, flags=re.M)
    text = re.sub(r"^notice_no: .*\n", "", text, flags=re.M)
    text = re.sub(r"^patrol: .*\n", "", text, flags=re.M)
    scratch.write(f"cases/{case_id}.yml", text)


def _notices(private: Path) -> dict[str, str]:
    return {p.stem: flat("".join(text_of(p))) for p in private.glob("notices/*.pdf")}


def test_notice_numbers_run_per_year_are_kept_and_never_renumbered(scratch):
    """A case added mid-year gets the next number; the existing notice keeps its own, build after build."""
    site_text = scratch.read("site.yml")
    assert "notice_prefix: 孙唐社安" in site_text
    first = scratch.build()
    assert first.returncode == 0, first.stderr
    before = _notices(scratch.root / PRIVATE_DIR)
    assert "孙唐社安〔2023〕1号" in before["wuliu-bangonglou-feixian"]
    _open_case(scratch, "zhongjian-feixian", "2023-08-15")  # earlier in 2023 than the existing one
    scratch.replace("cases/zhongjian-feixian.yml", "status: 整改中\n", "status: 整改中\nnotice_date: 2023-08-20\n")
    second = scratch.build()
    assert second.returncode == 0, second.stderr
    assert "notice_no: 2" in scratch.read("cases/zhongjian-feixian.yml")  # assigned once, written into its file
    after = _notices(scratch.root / PRIVATE_DIR)
    assert "孙唐社安〔2023〕1号" in after["wuliu-bangonglou-feixian"]
    assert "孙唐社安〔2023〕2号" in after["zhongjian-feixian"]
    third = scratch.build()
    assert third.returncode == 0 and _notices(scratch.root / PRIVATE_DIR) == after
    # the issue date (in the 发出 row): its own field, else the day the hazard was found
    assert "日期：2023年8月20日" in after["zhongjian-feixian"] and "2023年8月15日" in after["zhongjian-feixian"]
    assert "日期：2023年11月9日" in after["wuliu-bangonglou-feixian"]


def test_a_notice_number_given_twice_is_refused_by_check(scratch):
    _open_case(scratch, "zhongjian-feixian", "2023-08-15")
    scratch.replace("cases/zhongjian-feixian.yml", "status: 整改中\n", "status: 整改中\nnotice_no: 1\n")
    result = scratch.check()
    line = scratch.line_of("cases/zhongjian-feixian.yml", "notice_no")
    assert result.returncode == 1
    assert f"cases/zhongjian-feixian.yml:{line}: notice_no: 整改通知书文号 2023 年第 1 号已经给了" in result.stderr


def test_letters_are_dated_by_hand_and_no_printed_document_shows_an_item_id(built, campaign):
    _site, private, _ = built
    letters = flat("".join(text_of(private / "letters/all.pdf")))
    assert re.search(r"＿+年＿+月＿+日$", letters.split("回执")[0].split("沿此线剪下")[0])  # the sign-off date: a blank
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", letters)
    ids = {item.id for kind in campaign.items.values() for item in kind if len(item.id) >= 5}
    for path in all_pdfs(built):
        text = re.sub(r"https?://[A-Za-z0-9./_#?=&%-]+", "", flat("".join(text_of(path))))
        assert not [i for i in ids if i in text], path


# ---- paper a patrol writes on, cards cut on the marks (measured at 300 dpi) ------------------------------


def _rules(png: Path, axis: str, at: float) -> list[float]:
    """Positions (mm) of the dark rules crossing a line at `at` (0-1 of the page) across `axis`."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    px = image.load()
    if axis == "rows":
        x = int(width * at)
        dark = [y for y in range(height) if px[x, y] < 128]
    else:
        y = int(height * at)
        dark = [x for x in range(width) if px[x, y] < 128]
    runs: list[list[int]] = []
    for p in dark:
        if runs and p - runs[-1][-1] <= 2:
            runs[-1].append(p)
        else:
            runs.append([p])
    return [sum(r) / len(r) / 300 * 25.4 for r in runs if len(r) <= 8]  # rules, not text or filled areas


def test_patrol_form_rows_columns_and_headers_measured_at_300_dpi(built, tmp_path):
    site, _, _ = built
    path = site / "downloads/patrol-form.pdf"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(path), str(tmp_path / "form")], check=True)
    with pdfplumber_words(path) as words:
        pages = sorted(tmp_path.glob("form-*.png"))
        assert len(pages) == 2
        head = next(w for w in words if w["text"].startswith("发现的问题"))
        page_width = 297
        x_mm = (head["x0"] + head["x1"]) / 2 / 842 * page_width  # the finding column's middle
    for png in pages:
        rows = _rules(png, "rows", (x_mm + 15) / page_width)  # down the finding column, right of its heading
        gaps = [b - a for a, b in itertools.pairwise(rows) if b - a > 5]
        # the table's rows: the longest run of (nearly) equal gaps
        runs = [list(g) for _k, g in itertools.groupby(gaps, key=lambda g: round(g))]
        body = max(runs, key=len)
        assert len(body) >= 9 and min(body) >= 10, (png.name, [round(g, 1) for g in gaps])
        columns = _rules(png, "columns", 0.5)
        widths = [b - a for a, b in itertools.pairwise(columns)]
        finding = next(w for a, w in zip(columns, widths, strict=False) if a < x_mm < a + w)
        assert finding >= 60, (png.name, [round(w, 1) for w in widths])
    header_lines = [
        ln.strip()
        for ln in subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    ]
    for cell in re.findall(r"\S+", " ".join(header_lines)):
        assert not re.fullmatch(r"[^（(]{1,2}[）)]", cell), cell  # never 量） or 果） alone


def _thin_rules(page: pikepdf.Page) -> list[tuple[float, float, float, float]]:
    """Filled thin rectangles (crop marks, rules) on a page: (x0, top, x1, bottom) in pt from the top left."""
    height = float(page.mediabox[3])
    ctm, stack, out = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], []
    pending = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(list(ctm))
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            m = ctm
            ctm = [
                a * m[0] + b * m[2],
                a * m[1] + b * m[3],
                c * m[0] + d * m[2],
                c * m[1] + d * m[3],
                e * m[0] + f * m[2] + m[4],
                e * m[1] + f * m[3] + m[5],
            ]
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            xs = [ctm[0] * px + ctm[2] * py + ctm[4] for px, py in ((x, y), (x + w, y + h))]
            ys = [ctm[1] * px + ctm[3] * py + ctm[5] for px, py in ((x, y), (x + w, y + h))]
            pending = (min(xs), height - max(ys), max(xs), height - min(ys))
        elif op in ("f", "f*", "F") and pending:
            x0, top, x1, bottom = pending
            if min(x1 - x0, bottom - top) < 1.5 < max(x1 - x0, bottom - top):
                out.append(pending)
            pending = None
        elif op in ("n", "W", "W*", "S", "B"):
            pending = None
    return out


def test_crop_marks_lie_outside_every_card_and_clear_of_all_text(built, tmp_path):
    from PIL import Image

    site, _, _ = built
    mm = 72 / 25.4
    grid = (19.4 * mm, 40.5 * mm, (19.4 + 171.2) * mm, (40.5 + 216) * mm)  # 2 × 4 cards of 85.6 × 54 mm, centred
    for path in sorted(site.glob("downloads/cards/*.pdf")):
        with pikepdf.open(path) as pdf:
            marks = _thin_rules(pdf.pages[0])
        assert len(marks) == 16, (path.name, len(marks))  # 2 per cut line end: 3 vertical + 5 horizontal lines
        with pdfplumber_words(path) as words:
            text = [(w["x0"], w["top"], w["x1"], w["top"] + 10) for w in words]
        for x0, top, x1, bottom in marks:
            # outside the printed cards: beyond the grid on the side it marks, nothing over a card
            assert not (grid[0] + 1 < (x0 + x1) / 2 < grid[2] - 1 and grid[1] + 1 < (top + bottom) / 2 < grid[3] - 1)
            assert bottom <= grid[1] + 0.5 or top >= grid[3] - 0.5 or x1 <= grid[0] + 0.5 or x0 >= grid[2] - 0.5
            for tx0, ttop, tx1, tbottom in text:  # clear of every word by a millimetre
                assert x1 + mm < tx0 or x0 - mm > tx1 or bottom + mm < ttop or top - mm > tbottom, (path.name, (x0, top))
        # and printed: at 300 dpi each mark is ink, the paper around it blank
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(path), str(tmp_path / path.stem)], check=True
        )
        image = Image.open(tmp_path / f"{path.stem}.png").convert("L")
        scale = 300 / 72
        for x0, top, x1, bottom in marks:
            cx, cy = int((x0 + x1) / 2 * scale), int((top + bottom) / 2 * scale)
            assert min(image.getpixel((cx + d, cy)) for d in (-2, -1, 0, 1, 2)) < 160, (path.name, cx, cy)


# ---- accessibility: our own structural checks beside pdfua ---------------------------------------------


def test_structure_of_every_pdf_kind(built):
    """Language, heading nesting, figure alternative text, table headers, artifacts and every
    marked content in the tree (tests/pdf_structure.py says which PDF/UA-1 rule each is)."""
    seen = set()
    for path in all_pdfs(built):
        root = built[0] if built[0] in path.parents else built[1]
        seen.add(kind_of(built, str(path.relative_to(root))))
        assert pdf_structure.check(path) == [], path
    assert seen == {k.kind for k in handout_kinds.KINDS}


def test_two_column_layouts_read_column_by_column(built):
    site, _, _ = built
    case = pdf_structure.reading_text(site / "downloads/cases/wuliu-bangonglou-feixian.pdf")
    first_action, last_action = case.index("①巡查队现场提醒"), case.index("④巡查队跟踪整改进度")
    assert case.index("整改前") < case.index("尚未整改到位") < first_action  # the photos side by side, left first
    assert first_action < last_action < case.index("记住这一条")  # the actions column before the box beside it
    lesson = pdf_structure.reading_text(site / "downloads/lessons/feixian-chongdian.pdf")
    dos, donts = lesson.index("✓应该这样做"), lesson.index("×禁止这样做")
    first_do = lesson.index("✓把车停到集中充电处")
    first_dont = lesson.index("×不要从窗口")
    assert dos < donts < first_do < first_dont  # the 应该 column whole, then the 禁止 column


# ---- what a person checks by eye: first pages in colour and in grayscale --------------------------------


def test_first_page_of_every_kind_in_colour_and_grayscale(built):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seen = {}
    site, private, _ = built
    for path in all_pdfs(built):
        root = site if site in path.parents else private
        seen.setdefault(kind_of(built, str(path.relative_to(root))), path)
    assert set(seen) == {k.kind for k in handout_kinds.KINDS}
    for kind, path in seen.items():
        for mode in ("colour", "gray"):
            out = ARTIFACTS / f"{kind}-{mode}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "50",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    *(["-gray"] if mode == "gray" else []),
                    str(path),
                    str(out),
                ],
                check=True,
            )
            assert out.with_suffix(".png").stat().st_size > 2000


# ---- pledges: a content kind of their own, printed as forms to sign ------------------------------------


def test_pledges_print_every_promise_with_signature_blocks(built, campaign):
    site, _, _ = built
    pledges = campaign.items["pledges"]
    assert {p["audience"] for p in pledges} >= {"企业", "员工和骑手"}
    for p in pledges:
        pages = text_of(site / f"downloads/pledges/{p.id}.pdf")
        assert len(pages) == 1
        text = flat(pages[0])
        assert flat(p["title"]) in text and f"{p['signer']}（签名）" in text and "年月日" in text
        for promise in p["promises"]:
            assert flat(promise) in text, promise
        assert "119" in text
        page = (site / "pledges" / p.id / "index.html").read_text(encoding="utf-8")
        assert f"downloads/pledges/{p.id}.pdf" in page


def test_content_registry_names_the_handouts_each_kind_feeds(campaign):
    from campaignkit.content.kinds import KINDS as CONTENT_KINDS

    fed: dict[str, set[str]] = {}
    for job in handouts.plan(campaign, TEMPLATES, MEDIA_CACHE, handout_kinds.Private()):
        if job.item_kind:
            fed.setdefault(job.item_kind, set()).add(job.kind)
    for folder, kinds in fed.items():
        assert kinds <= set(CONTENT_KINDS[folder].handouts), (folder, kinds)


def test_one_page_sheets_name_three_charging_points_and_refer_to_the_list_for_more(scratch, tmp_path):
    """A district with a dozen charging points: the case sheet and the notice still fit on their
    page, naming the first three and where to find all of them."""
    from campaignkit.build import pipeline

    point = scratch.read("facilities/beiqu-chongdian.yml")
    for n in range(9):
        scratch.write(f"facilities/extra-{n}.yml", point.replace("共建区北区集中充电处", f"共建区第{n + 1}号集中充电处"))
    loaded = pipeline.load_and_validate(scratch.content, False)
    campaign = pipeline.public_view(PROJECT, scratch.content, loaded=loaded)[0]
    points = handout_kinds.charging_points(campaign)
    assert len(points) == 12
    jobs = handouts.plan(campaign, TEMPLATES, MEDIA_CACHE, handout_kinds.private_view(*loaded))
    for kind in ("case", "notice"):
        job = next(j for j in jobs if j.kind == kind and j.item_id == "wuliu-bangonglou-feixian")
        target = tmp_path / f"{kind}.pdf"
        pages, warnings = handouts._render(
            job.html, str(TEMPLATES / "handouts"), str(target), job.epoch, job.max_pages, job.fallbacks
        )
        assert warnings == [] and pages == 1, (kind, pages)
        text = flat(" ".join(text_of(target)))
        assert all(p.name in text for p in points[: handout_kinds.CHARGING_ON_ONE_PAGE]), kind
        assert points[handout_kinds.CHARGING_ON_ONE_PAGE].name not in text, kind
        assert "等12处，全部地址见“充电去哪儿”清单" in text.replace(" ", ""), kind


# ---- the preview says what will not print whole ------------------------------------------------------------


def test_the_preview_shows_a_print_notice_on_the_edited_case_page(tmp_path):
    """An editor lengthens a case's description past what its one-page sheet holds: the preview
    draws the sheet in the background and the case's page says so, in the form's words; while
    the content has a problem, the error page says it too."""
    import socket
    import time
    import urllib.request

    from conftest import project_copy

    from campaignkit.editing import preview_server as serve

    project = project_copy(tmp_path / "project")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = serve.start(project, project / "content", port=port)

    def page(path: str) -> str:
        with urllib.request.urlopen(server.url + path, timeout=120) as response:
            return response.read().decode("utf-8")

    def until(condition, what: str, seconds: float = 300):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            time.sleep(0.5)
        raise AssertionError(what)

    try:
        assert "打印提示" not in page("cases/wuliu-bangonglou-feixian/")
        case = project / "content/cases/wuliu-bangonglou-feixian.yml"
        para = "企业多次承诺整改但未落实，巡查队逐次记录了现场情况和企业的答复。" * 6
        case.write_text(
            case.read_text(encoding="utf-8").replace(
                "巡查队将在下一轮回头看。\n", "巡查队将在下一轮回头看。\n" + f"\n  {para}\n" * 8
            ),
            encoding="utf-8",
        )
        shown = until(
            lambda: (lambda text: text if "打印提示" in text else None)(page("cases/wuliu-bangonglou-feixian/")),
            "no print notice on the case page",
        )
        assert "案例警示单一页印不下全部文字" in shown and "“发现了什么、为什么危险”（description）" in shown
        assert "打印提示" not in page("cases/cangku-silai-dianxian/")  # only the edited item's page
        bad = project / "content/cases/cangku-silai-dianxian.yml"
        bad.write_text(bad.read_text(encoding="utf-8").replace("risk:", "risx:", 1), encoding="utf-8")
        error = until(
            lambda: (lambda text: text if "内容有问题" in text else None)(page("cases/cangku-silai-dianxian/")),
            "no error page",
        )
        assert "打印提示" in error and "案例警示单一页印不下全部文字" in error
    finally:
        serve.stop(server)


# ---- one-page lists of whole items: as many as fit, the rest on the web page --------------------------------


def test_lists_of_many_people_and_charging_points_print_what_fits_and_say_how_many_more(scratch, tmp_path):
    """60 consented people with long roles and stories, 30 charging points with long addresses (no
    list of items has a limit): the 光荣榜 and 充电去哪儿 are each one page, the first items in their
    order, then 另有 N 位 / 另有 N 处，详见网页 with N the ones left out."""
    from campaignkit.build import pipeline
    from campaignkit.content.kinds import KINDS as CONTENT_KINDS

    limits = {kind: CONTENT_KINDS[kind].schema["properties"] for kind in ("people", "facilities")}
    alphabet = print_limits.ALPHABETS["default"]
    for n in range(60):
        role = print_limits.text_of_length(limits["people"]["role"]["maxLength"], alphabet, n)
        story = print_limits.text_of_length(2000, alphabet, n)
        scratch.write(
            f"people/many-{n:02d}.yml",
            f"name: 队员{'甲乙丙丁戊己庚辛壬癸'[n // 10]}{'子丑寅卯辰巳午未申酉'[n % 10]}\nrole: {role}\n"
            f"party_member: {'true' if n % 3 == 0 else 'false'}\nteam: 第{'一二三四'[n % 4]}巡查组\nconsent: true\n"
            f"story: {story}\n",
        )
    point = scratch.read("facilities/beiqu-chongdian.yml")
    address = print_limits.text_of_length(limits["facilities"]["address"]["maxLength"], alphabet)
    for n in range(27):
        text = point.replace("共建区北区集中充电处", f"共建区第{n + 1}号集中充电处")
        scratch.write(f"facilities/many-{n:02d}.yml", re.sub(r"^address: .*$", f"address: {address}", text, flags=re.M))
    assert scratch.check().returncode == 0
    loaded = pipeline.load_and_validate(scratch.content, False)
    campaign = pipeline.public_view(PROJECT, scratch.content, loaded=loaded)[0]
    people = [p.name for _team, members in campaign.teams() for p in members]
    points = [f.name for f in handout_kinds.charging_points(campaign)]
    assert len(people) >= 60 and len(points) == 30
    jobs = {j.kind: j for j in handouts.plan(campaign, TEMPLATES, MEDIA_CACHE)}
    for kind, names, unit in (("poster", people, "位"), ("poster-a4", people, "位"), ("charging", points, "处")):
        job = jobs[kind]
        target = ARTIFACTS / f"many-{kind}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        pages, warnings, level = handouts._render_layout(
            job.html, str(TEMPLATES / "handouts"), str(target), job.epoch, job.max_pages, job.fallbacks
        )
        assert warnings == [] and level == handout_kinds.DIGEST, kind
        assert pages == len(PdfReader(target).pages) == 1, (kind, pages)
        text = flat(text_of(target)[0])
        shown = [name for name in names if name in text]
        assert 0 < len(shown) < len(names) and shown == names[: len(shown)], kind  # the first ones, in order
        assert f"另有{len(names) - len(shown)}{unit}，详见网页" in text, kind
        if kind != "charging":  # a team none of whose people fit is left out whole, heading and all
            for team, members in campaign.teams():
                if team.startswith("第"):
                    assert (team in text) == any(p.name in shown for p in members), (kind, team)
