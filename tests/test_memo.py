"""Remembered page renders (campaignkit/render/memo.py): after an edit of any kind, the pages written
with the memo are byte for byte the pages written without it, and a local edit renders again
only the pages that show it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import tree

from campaignkit.build import pipeline
from campaignkit.render import memo
from campaignkit.website import markdown_pages as pages
from campaignkit.website.linked_files import SiteFiles
from campaignkit.website.share_cards import ShareImages
from tools.corpus import generate

PROJECT = Path(__file__).resolve().parents[1]


def _first(folder: Path, must: str = "") -> Path:
    return next(p for p in sorted(folder.glob("*.yml")) if must in p.read_text(encoding="utf-8"))


def _sub(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert new != text, (path, pattern)
    path.write_text(new, encoding="utf-8")


# Each edit: (what it changes, how). Named enterprise, person, lesson, patrol round and event
# edits show on other items' pages, through relations the pages read.
EDITS = {
    "case title": lambda c: _sub(_first(c / "cases"), r"^title: .*$", "title: 改过的案例标题"),
    "case status": lambda c: _sub(
        _first(c / "cases", "status: 已发现"), r"^status: .*$", "status: 已整改\nrectified_on: 2026-06-30"
    ),
    "enterprise name": lambda c: _sub(_first(c / "enterprises", "model: true"), r"^name: .*$", "name: 示例·改名后的物流公司"),
    "person name": lambda c: _sub(_first(c / "people"), r"^name: .*$", "name: 改名的志愿者"),
    "lesson title": lambda c: _sub(_first(c / "lessons"), r"^title: .*$", "title: 改过的课程标题"),
    "patrol note": lambda c: _sub(_first(c / "patrols", "note:"), r"^note: .*$", "note: 改过的巡查说明"),
    "event title": lambda c: _sub(_first(c / "events"), r"^title: .*$", "title: 改过的活动标题"),
    "facility name": lambda c: _sub(_first(c / "facilities"), r"^name: .*$", "name: 改名的集中充电处"),
    "site title": lambda c: _sub(c / "site.yml", r"^title: .*$", "title: 改过的网站名称"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("memo")
    generate(root / "content", cases=24, seed=5)
    return root


def _write(project: Path, out: Path, memo_file: Path | None) -> None:
    content = project / "content"
    loaded = pipeline.load_and_validate(content, False)
    campaign, _ = pipeline.public_view(project, content, False, loaded)
    pages.write_docs(
        campaign,
        out,
        PROJECT / "templates",
        [],
        ShareImages(campaign.site, SiteFiles(out)),
        {},
        project / ".cache" / "qr",
        memo_file,
    )


def _bodies(folder: Path) -> dict[str, str]:
    """Each page's Markdown after its front matter (the front matter is written every build)."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in folder.rglob("*.md")}


@pytest.mark.parametrize("edit", list(EDITS))
def test_remembered_pages_equal_fresh_pages_after_each_kind_of_edit(corpus, tmp_path, edit, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(corpus, project)
    memo_file = tmp_path / "pages.memo"
    _write(project, tmp_path / "first", memo_file)

    EDITS[edit](project / "content")
    rendered = []
    real_remember = memo.Memo.remember
    monkeypatch.setattr(memo.Memo, "remember", lambda self, name, *a: (rendered.append(name), real_remember(self, name, *a))[1])
    _write(project, tmp_path / "remembered", memo_file)
    monkeypatch.undo()
    _write(project, tmp_path / "fresh", None)

    remembered, fresh = tree(tmp_path / "remembered"), tree(tmp_path / "fresh")
    assert remembered == fresh, [k for k in fresh if remembered.get(k) != fresh[k]][:10]
    changed = {k for k in _bodies(tmp_path / "fresh") if _bodies(tmp_path / "first").get(k) != _bodies(tmp_path / "fresh")[k]}
    assert changed, f"{edit}: the edit changed no page (the test edits nothing)"
    # Every page whose body changed was rendered again (not merely still equal by luck) …
    assert changed <= set(rendered), changed - set(rendered)
    # … and a local edit renders a small part of the site again (a site-wide one, all of it).
    pages_total = sum(1 for k in fresh if k.endswith(".md"))
    if edit != "site title":
        assert len(rendered) < pages_total / 2, (edit, len(rendered), pages_total)


def test_a_second_build_with_nothing_changed_renders_no_page(corpus, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(corpus, project)
    memo_file = tmp_path / "pages.memo"
    _write(project, tmp_path / "a", memo_file)
    monkeypatch.setattr(memo.Memo, "remember", lambda *a: pytest.fail("a page was rendered again"))
    _write(project, tmp_path / "b", memo_file)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_changed_template_renders_every_page_again(corpus, tmp_path):
    """The memo's key covers the templates and the kit's code: a new template is never answered
    with a page rendered by the old one."""
    key = memo.code_key(PROJECT / "templates" / "pages")
    copy = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates" / "pages", copy)
    (copy / "case.md.j2").write_text((copy / "case.md.j2").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert memo.code_key(copy) != key


def test_an_unknown_value_never_compares_equal():
    class Opaque:
        pass

    assert memo.digest(Opaque()) != memo.digest(Opaque())


def _articles(project: Path, memo_file: Path | None) -> dict[str, str]:
    from campaignkit.wechat import articles as wechat

    content = project / "content"
    loaded = pipeline.load_and_validate(content, False)
    campaign, _ = pipeline.public_view(project, content, False, loaded)
    writer = wechat.ArticleWriter(campaign, PROJECT / "templates", memo_file)
    articles = wechat.render_articles(campaign, PROJECT / "templates", writer)
    if writer.memo is not None:
        writer.memo.save()
    return {a.key: a.html for a in articles}


@pytest.mark.parametrize("edit", [e for e in EDITS if e != "site title"])
def test_remembered_articles_equal_fresh_articles_after_each_kind_of_edit(corpus, tmp_path, edit, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(corpus, project)
    memo_file = tmp_path / "articles.memo"
    first = _articles(project, memo_file)
    EDITS[edit](project / "content")
    rendered = []
    real_remember = memo.Memo.remember
    monkeypatch.setattr(memo.Memo, "remember", lambda self, name, *a: (rendered.append(name), real_remember(self, name, *a))[1])
    remembered = _articles(project, memo_file)
    monkeypatch.undo()
    fresh = _articles(project, None)
    assert remembered == fresh
    changed = {k for k in fresh if first.get(k) != fresh[k] and k != "report"}
    assert changed <= set(rendered), changed - set(rendered)
    assert len(rendered) < len(fresh) / 2, (edit, len(rendered), len(fresh))


def test_the_downloads_page_lists_a_list_pages_worth_of_case_sheets_and_says_where_the_rest_are(corpus, tmp_path):
    """At 1,000 cases the page listed 1,000 case sheets (650 KB); each case page has its own."""
    from campaignkit.handouts.pdf_render import Handout

    content = corpus / "content"
    campaign, _ = pipeline.public_view(corpus, content, False, pipeline.load_and_validate(content, False))
    sheets = [
        Handout("case", "案例警示单", "cases", f"c{n}", f"警示单{n}", f"downloads/cases/c{n}.pdf", 1, 9000)
        for n in range(pages.PAGE_SIZE + 7)
    ]
    lesson = Handout("lesson", "课程讲义", "lessons", "l1", "讲义一", "downloads/lessons/l1.pdf", 4, 90000)
    docs = tmp_path / "docs"
    pages.write_docs(campaign, docs, PROJECT / "templates", [lesson, *sheets], ShareImages(campaign.site, SiteFiles(docs)))
    text = (docs / "downloads" / "index.md").read_text(encoding="utf-8")
    assert "讲义一" in text
    assert f"警示单{pages.PAGE_SIZE - 1}<" in text and f"警示单{pages.PAGE_SIZE}<" not in text
    assert f"共 {pages.PAGE_SIZE + 7} 份，这里列出前 {pages.PAGE_SIZE} 份" in text
    assert '<a href="../cases/">隐患案例</a>' in text
