"""Speed never costs correctness: after a seeded random sequence of edits, each followed by an
incremental rebuild, the published site is byte for byte what a cold build of the same content
writes; and the published site is never written into while a rebuild runs."""

from __future__ import annotations

import json
import random
import re

import pytest
from conftest import run_build, tree

from tools.corpus import generate, to_yaml

pytestmark = pytest.mark.slow


def _edit_title(content, rnd):
    path = rnd.choice(sorted((content / "cases").glob("*.yml")))
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: 改过的标题第{rnd.randint(1, 999)}次", text, count=1), encoding="utf-8")


def _edit_newest_date(content, rnd):
    """A later date moves the build's SOURCE_DATE_EPOCH (sitemap) and reorders the lists."""
    path = rnd.choice(sorted((content / "cases").glob("*.yml")))
    text = path.read_text(encoding="utf-8")
    if "rectified_on:" in text:
        path.write_text(re.sub(r"(?m)^rectified_on: .*$", "rectified_on: 2026-07-15", text), encoding="utf-8")


def _add_case(content, rnd):
    n = rnd.randint(100, 999)
    (content / "cases" / f"added-{n}.yml").write_text(
        to_yaml(
            {
                "title": f"新增的案例{n}",
                "found_on": "2026-06-30",
                "place": "共建区某企业",
                "hazard": "飞线充电",
                "risk": "中",
                "status": "整改中",
                "summary": "窗口拉线充电，已要求整改。",
                "aliases": [f"old-added-{n}"],
            }
        ),
        encoding="utf-8",
    )


def _remove_added_case(content, rnd):
    added = sorted((content / "cases").glob("added-*.yml"))
    if added:
        rnd.choice(added).unlink()


def _edit_page(content, rnd):
    path = content / "pages" / "about.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n补充说明第{rnd.randint(1, 99)}条。\n", encoding="utf-8")


def _edit_site(content, rnd):
    """Every page shows the site's name: a clean build of the whole tree."""
    path = content / "site.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: 共建区安全充电{rnd.randint(1, 9)}", text, count=1), encoding="utf-8")


EDITS = [_edit_title, _edit_title, _edit_newest_date, _add_case, _remove_added_case, _edit_page, _edit_site]


def test_incremental_builds_equal_cold_builds_after_random_edits(tmp_path):
    content = tmp_path / "content"
    generate(content, cases=30, seed=3)
    site = tmp_path / "site"
    first = run_build("--content", str(content), "--output", str(site), "--no-pdf")
    assert first.returncode == 0, first.stderr
    rnd = random.Random(16)
    for step in range(6):
        edit = rnd.choice(EDITS)
        edit(content, rnd)
        before = {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
        result = run_build("--content", str(content), "--output", str(site), "--no-pdf")
        assert result.returncode == 0, (edit.__name__, result.stderr)
        # The old tree was never written into: each file it had kept its bytes (links may remain).
        for path, (_ino, _mtime, data) in before.items():
            if path.exists() and path.stat().st_ino == _ino:
                assert path.read_bytes() == data and path.stat().st_mtime_ns == _mtime, (edit.__name__, path)
        if step in (2, 5):
            cold = tmp_path / f"cold-{step}" / "site"
            result = run_build("--content", str(content), "--output", str(cold), "--no-pdf")
            assert result.returncode == 0, result.stderr
            assert tree(site) == tree(cold), f"after {edit.__name__} (step {step})"


def test_a_no_op_rebuild_rebuilds_no_page(tmp_path):
    content = tmp_path / "content"
    generate(content, cases=10, seed=1)
    site = tmp_path / "site"
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    pages = {p: p.stat().st_ino for p in site.rglob("*.html")}
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    # Unchanged pages are the very same files (linked into the new tree, not written again) …
    assert all(p.stat().st_ino == ino for p, ino in pages.items() if p.name != "404.html")
    _edit_title(content, random.Random(2))
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    changed = [p for p, ino in pages.items() if p.stat().st_ino != ino]
    # … and an edited case title rewrites its page and the lists that show it, not the site.
    assert 1 < len(changed) < len(pages) // 2, len(changed)


def test_a_changed_share_card_replaces_the_one_of_the_tree_the_build_starts_from(tmp_path):
    """An incremental build starts from the tree published before the current one (the spare):
    an edited title's new share card must replace the spare's, which is two builds old."""
    content = tmp_path / "content"
    generate(content, cases=6, seed=5)
    site = tmp_path / "site"
    for _ in range(2):  # the second build leaves the first one's tree as the spare
        assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    _edit_title(content, random.Random(7))
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    cold = tmp_path / "cold" / "site"
    assert run_build("--content", str(content), "--output", str(cold), "--no-pdf").returncode == 0
    assert tree(site) == tree(cold)


def test_a_site_changed_by_hand_is_put_right_by_the_next_build(tmp_path):
    """A page edited in site/ makes the next build a clean one (the manifest); a photo, share card
    or QR code replaced there is linked from the caches again (site_files.py): either way the
    site is the one a cold build writes."""
    content = tmp_path / "content"
    generate(content, cases=8, seed=4)
    site = tmp_path / "site"
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    cold = tree(site)
    for folder in ("media", "assets/share", "assets/qr"):
        replaced = sorted(p for p in (site / folder).rglob("*") if p.is_file())[0]
        replaced.unlink()  # a new file, as an editor's tool writes one: the cache's stays as it was
        replaced.write_bytes(b"replaced by hand")
    (site / "media" / "extra.jpg").write_bytes(b"dropped in by hand")
    assert tree(site) != cold
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    assert tree(site) == cold
    page = site / "cases" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", "（手改）</h1>"), encoding="utf-8")
    assert tree(site) != cold
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    assert tree(site) == cold


def test_mkdocs_shared_among_processes_writes_the_site_one_process_writes(tmp_path, monkeypatch):
    """MkDocs' pages built by two processes at once (mkdocs_shares.py), cold and after an edit,
    give the tree a single MkDocs process gives."""
    from conftest import PROJECT

    from campaignkit.build import pipeline
    from campaignkit.website import engine_shares as mkdocs_shares

    content = tmp_path / "content"
    generate(content, cases=30, seed=5)
    serial, shared = tmp_path / "serial" / "site", tmp_path / "shared" / "site"
    shares = []
    real_build = mkdocs_shares.build
    monkeypatch.setattr(
        mkdocs_shares, "build", lambda run, site_dir, n, *ready: shares.append(n) or real_build(run, site_dir, n, *ready)
    )
    monkeypatch.setattr(mkdocs_shares, "MIN_PAGES", 2)  # the 30-case corpus is below the real threshold

    pipeline.build(PROJECT, content, serial, pdf=False, jobs=1, incremental_build=False)
    pipeline.build(PROJECT, content, shared, pdf=False, jobs=2)
    assert shares == [2]
    assert tree(shared) == tree(serial)

    _edit_title(content, random.Random(4))
    _add_case(content, random.Random(5))
    pipeline.build(PROJECT, content, serial, pdf=False, jobs=1, incremental_build=False)
    pipeline.build(PROJECT, content, shared, pdf=False, jobs=2)  # incremental: only what changed, in 2 shares
    assert shares == [2, 2]
    assert tree(shared) == tree(serial)


def test_a_rebuild_writes_only_the_articles_that_changed_and_never_into_published_ones(tmp_path):
    """The 公众号 articles' folder starts as links to the published one (3,400 files at 1,000
    cases): an edit writes the articles it changed, never into a published file; a case gone
    takes its article and numbered photos with it; an article edited by hand is put right; and
    the folder is the one a cold build writes, through three builds (the spare tree included)."""
    content = tmp_path / "content"
    generate(content, cases=8, seed=6)
    # A case with a photo that nothing else names, so that it can go without breaking a reference.
    with_photo = next(p for p in sorted((content / "cases").glob("*.yml")) if "photos:" in p.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^(patrol|lessons): .*\n", "", with_photo.read_text(encoding="utf-8"))
    gone = content / "cases" / "zz-goes-later.yml"
    gone.write_text(re.sub(r"(?m)^title: .*$", "title: 后来撤下的案例", text, count=1), encoding="utf-8")
    site = tmp_path / "site"
    wechat = tmp_path / "wechat"
    for _ in range(2):  # the second build leaves the first one's articles as the spare
        assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    cases = sorted((content / "cases").glob("*.yml"))
    edited = cases[0]
    articles = {p: (p.stat().st_ino, p.read_bytes()) for p in wechat.rglob("*.html")}
    held = tmp_path / "held.html"  # a second name for the edited case's published article
    published_edited = wechat / "cases" / f"{edited.stem}.html"
    held.hardlink_to(published_edited)
    assert list((wechat / "photos" / "cases" / gone.stem).iterdir()), "the removed case's article has photos"
    text = re.sub(r"(?m)^title: .*$", "title: 改过标题的案例", edited.read_text(encoding="utf-8"), count=1)
    edited.write_text(re.sub(r"(?m)^summary: .*$", "summary: 改过的摘要。", text, count=1), encoding="utf-8")
    gone.unlink()
    site_yml = content / "site.yml"  # a published page may go only when it is withdrawn (url_continuity.py)
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + f"withdrawn:\n  - cases/{gone.stem}/\n", encoding="utf-8")
    by_hand = wechat / "cases" / f"{next(p for p in cases if p not in (gone, edited)).stem}.html"
    by_hand.unlink()
    by_hand.write_text("<p>手改</p>", encoding="utf-8")
    assert run_build("--content", str(content), "--output", str(site), "--no-pdf").returncode == 0
    assert held.read_bytes() == articles[published_edited][1], "a published article was written into"
    listed = json.loads((wechat / "articles.json").read_text(encoding="utf-8"))["articles"]
    assert "改过标题的案例" in {a["title"] for a in listed}
    assert "改过的摘要" in published_edited.read_text(encoding="utf-8")
    assert not (wechat / "cases" / f"{gone.stem}.html").exists()
    assert not (wechat / "photos" / "cases" / gone.stem).exists()
    kept = [p for p, (ino, _data) in articles.items() if p.exists() and p.stat().st_ino == ino]
    assert len(kept) > len(articles) // 2, "unchanged articles are the published files, not written again"
    cold = tmp_path / "cold" / "site"
    assert run_build("--content", str(content), "--output", str(cold), "--no-pdf").returncode == 0
    assert tree(wechat) == tree(cold.parent / "wechat")
