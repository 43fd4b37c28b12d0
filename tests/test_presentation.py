"""One presentation model (campaignkit/view/presentation.py) read by every output: a case of each
status, with and without an "after" photo, rendered as its site page, its handout (the case sheet's
HTML, before WeasyPrint), its 公众号 article and its share card. The same facts read the same in
all of them, and a case that was not put right is never told as fixed; a referred one says 移交
and never 整改.

The cases are added to a copy of the sample content, newer than its cases (so their neighbours in
the item navigation are each other), with texts of their own that never say 整改: every 整改 found
in an output was put there by the kit."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from conftest import project_copy

from campaignkit.build import pipeline
from campaignkit.content.enums import RISK, STATUS
from campaignkit.handouts import pdf_render
from campaignkit.wechat import articles

pytestmark = pytest.mark.slow

RISK_BY_STATUS = {STATUS.found: RISK.low, STATUS.in_progress: RISK.mid, STATUS.fixed: RISK.high, STATUS.referred: RISK.high}
# What tells a reader the hazard was put right: never said of a case that was not.
FIXED_CLAIMS = ("已整改", "整改后", "怎么整改的")
OLD_RISK_FORMS = ("风险高", "风险中", "风险低")  # the site's old wording (风险中 read as "at risk now")


def case_yaml(status, with_after: bool, n: int) -> str:
    lines = [
        f"title: 门卫室窗口拉线充电第{n}例",
        f"found_on: 2024-05-0{n}",
        "place: 共建区某加工企业",
        "hazard: 飞线充电",
        f"risk: {RISK_BY_STATUS[status].text}",
        f"status: {status.text}",
        "summary: 门卫室窗口垂下电线，给窗下的电动自行车充电。",
        "description: 巡查队在门卫室外看到一根电线从窗口垂下，连着两辆电动自行车。",
        "actions:",
        "  - 巡查队现场提醒企业负责人",
        "  - 社区跟进这件事",
        "photos:",
        "  - file: cases/jiagong-chejian-feixian-before.jpg",
        "    alt: 窗口垂下一根电线，连着窗下的电动自行车",
        "    stage: before",
    ]
    if with_after:
        lines += ["  - file: cases/jiagong-chejian-feixian-after.jpg", "    alt: 窗下已经没有电线和车辆", "    stage: after"]
    if status is STATUS.fixed:
        lines.append(f"rectified_on: 2024-05-1{n}")
    return "\n".join(lines) + "\n"


CASES = {
    f"presentation-{status.slug}-{'pair' if with_after else 'one'}": (status, with_after)
    for status in STATUS
    for with_after in (True, False)
}


def text(markup: str) -> str:
    """What a reader reads, without any white space (a line may wrap anywhere in a PDF)."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", "", html_lib.unescape(re.sub(r"<[^>]+>", "", markup)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = project_copy(tmp_path_factory.mktemp("presentation") / "project")
    for n, (case_id, (status, with_after)) in enumerate(CASES.items(), start=1):
        (root / "content" / "cases" / f"{case_id}.yml").write_text(case_yaml(status, with_after, n), encoding="utf-8")
    content = root / "content"
    campaign, renditions = pipeline.public_view(root, content)
    build = pipeline.Build(root, content, campaign, renditions, root / "docs", root / "site", pdf=False)
    pipeline.render_docs(build)
    jobs = {job.path: job.html for job in pdf_render.plan(campaign, root / "templates", root / ".cache" / "media")}
    fragments = {a.key: a.html for a in articles.render_articles(campaign, root / "templates")}
    out = {}
    for lesson in campaign.lessons:
        out[lesson.url] = {
            "item": lesson,
            "page": (root / "docs" / f"lessons/{lesson.id}.md").read_text(encoding="utf-8"),
            "handout": jobs[f"downloads/lessons/{lesson.id}.pdf"],
            "article": fragments[f"lessons/{lesson.id}"],
        }
    for case in campaign.cases:
        card = build.share.cards[case.url]
        out[case.id] = {
            "item": case,
            "page": (root / "docs" / f"cases/{case.id}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1],
            "front": (root / "docs" / f"cases/{case.id}.md").read_text(encoding="utf-8").split("\n---\n", 1)[0],
            "handout": jobs[f"downloads/cases/{case.id}.pdf"],
            "article": fragments[f"cases/{case.id}"],
            "card": card,
            "list": (root / "docs" / "cases" / "index.md").read_text(encoding="utf-8"),
            "build": build,
        }
    return out


def test_every_status_is_rendered_by_every_output(rendered):
    cases = [got["item"] for got in rendered.values() if got["item"].folder == "cases"]
    assert {(case.status, bool(case.shown.photos.after)) for case in cases if case.id in CASES} == {
        (s.text, a) for s in STATUS for a in (True, False)
    }


@pytest.mark.parametrize("case_id", list(CASES))
def test_the_same_facts_read_the_same_in_every_output(rendered, case_id):
    got = rendered[case_id]
    case, shown = got["item"], got["item"].shown
    status = STATUS[case.status]
    outputs = {name: text(got[name]) for name in ("page", "handout", "article")}
    photos = shown.photos
    same = {
        "status": status.tag,
        "risk": RISK[case.risk].tag,
        "found on": shown.dates.get("found_on"),
        "before photo": photos.before_stage.caption,
        "actions heading": shown.actions_heading,
    }
    if photos.after:
        same["after photo"] = photos.after_stage.caption
    for name, words in outputs.items():
        for fact, wording in same.items():
            assert wording and re.sub(r"\s+", "", wording) in words, (case_id, name, fact, wording)
        for other in [r.tag for r in RISK if r.text != case.risk] + list(OLD_RISK_FORMS):
            assert re.sub(r"\s+", "", other) not in words, (case_id, name, other)
    assert shown.dates["found_on"] == f"2024年5月{case.found_on[-1]}日"
    # the share card shows the hazard (the "before" photo), as the case list and the handout do
    assert got["card"].photo == got["build"].files.source(photos.before[0].src)
    assert photos.cover is photos.before[0]
    assert re.search(
        rf'href="{re.escape(case.id)}/"[^>]*>\s*<img src="[^"]*{re.escape(photos.cover.src.rsplit("/", 1)[-1])}', got["list"]
    )


@pytest.mark.parametrize("case_id", [c for c, (s, _) in CASES.items() if s is not STATUS.fixed])
def test_a_case_not_put_right_is_never_told_as_fixed(rendered, case_id):
    got = rendered[case_id]
    for name in ("page", "handout", "article", "front"):
        for claim in FIXED_CLAIMS:
            assert claim not in text(got[name]), (case_id, name, claim)
    assert not any(claim in got["card"].title + got["card"].label for claim in FIXED_CLAIMS)
    assert "✓" not in text(got["page"]) + text(got["handout"]) + text(got["article"]), case_id  # no tick either


@pytest.mark.parametrize("case_id", [c for c, (s, _) in CASES.items() if s is STATUS.referred])
def test_a_referred_case_says_referred_never_fixed(rendered, case_id):
    got = rendered[case_id]
    for name in ("page", "handout", "article", "front"):
        words = text(got[name])
        assert "整改" not in words, (case_id, name, re.findall(r".{0,12}整改.{0,12}", words))
    for name in ("page", "handout", "article"):
        words = text(got[name])
        assert "移交前" in words and STATUS.referred.text in words, (case_id, name)
    assert "整改" not in got["card"].title + got["card"].label


def test_a_fixed_case_is_told_as_fixed(rendered):
    got = rendered["presentation-fixed-pair"]
    for name in ("page", "handout", "article"):
        words = text(got[name])
        assert "整改前×" in words and "整改后✓" in words and "怎么整改的" in words, name


def test_a_question_reads_the_same_in_every_output(rendered):
    """The kind is printed once, by the kit: an editor's typed （多选） is not printed again."""
    lessons = [got for got in rendered.values() if got["item"].folder == "lessons"]
    typed = [q for got in lessons for q in got["item"].quiz if re.search(r"[（(](单选|多选|判断)题?[)）]$", q["question"])]
    assert typed  # the sample has questions that end in （多选）
    for got in lessons:
        for q in got["item"].shown.quiz:
            for name in ("page", "handout", "article"):
                words = text(got[name])
                assert text(q.text) in words, (got["item"].id, name, q.text)
                assert f"（{q.kind_label}）（{q.kind_label}）" not in words and f"{q.kind_label}）（" not in words
