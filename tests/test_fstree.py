"""fstree walks the built trees the way pathlib would: the same files, in the same order, for
every pattern the kit's outputs declare; and its links and manifest describe the tree exactly."""

from __future__ import annotations

import os

import pytest

from campaignkit.build import pipeline
from campaignkit.common import fstree
from campaignkit.website import theme_css

FILES = [
    "index.html",
    "a/index.html",
    "a-b/index.html",
    "a/b/c.html",
    "a/b.html",
    "assets/qr/x.svg",
    "assets/qr/cases/y/qr.svg",
    "assets/qr/cases/y/qr.png",
    "search/search_index.json",
    "sitemap.xml",
    "assets/stylesheets/main.0123abcd.min.css",
    "assets/javascripts/lunr/min/x.js",
    ".hidden/z.html",
    "cases/x.md",
    "cases/index.md",
    "长文件名/页面.html",
]
PATTERNS = sorted(
    {p for p, _rule in pipeline.audit_rules()}
    | set(theme_css.WORD_SOURCES)
    | set(theme_css.STYLESHEETS)
    | {"**/*.css", "**/*.md", "*", "**/*", "assets/*/x.svg", "a?b/*.html"}
)


@pytest.fixture
def tree(tmp_path):
    for rel in FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    return tmp_path


@pytest.mark.parametrize("pattern", PATTERNS)
def test_glob_finds_what_pathlib_finds_in_its_order(tree, pattern):
    expected = [p.relative_to(tree).as_posix() for p in sorted(tree.glob(pattern)) if p.is_file()]
    assert fstree.glob(tree, pattern) == expected


def test_files_are_every_file_in_pathlib_order(tree):
    assert fstree.files(tree) == [p.relative_to(tree).as_posix() for p in sorted(tree.rglob("*")) if p.is_file()]


def test_a_skipped_folder_is_left_out_whole_and_nothing_else(tree):
    skip = ("assets/qr", "a/b")
    assert fstree.files(tree, skip) == [rel for rel in fstree.files(tree) if not rel.startswith(("assets/qr/", "a/b/"))]
    assert "a/b.html" in fstree.files(tree, skip) and "a-b/index.html" in fstree.files(tree, skip)


def test_sync_links_into_a_new_folder_links_every_file_and_the_manifest_sees_any_change(tree, tmp_path_factory):
    copy = tmp_path_factory.mktemp("copy") / "site"
    fstree.sync_links(tree, copy)
    assert fstree.files(copy) == fstree.files(tree)
    assert all(os.path.samefile(tree / rel, copy / rel) for rel in FILES)
    before = fstree.manifest(tree)
    assert fstree.manifest(tree) == before
    (tree / "a/b.html").unlink()
    (tree / "a/b.html").write_text("changed", encoding="utf-8")  # a new file where the old one was
    assert fstree.manifest(tree) != before


def test_sync_links_turns_an_older_link_tree_into_the_current_one(tree, tmp_path_factory):
    spare = tmp_path_factory.mktemp("spare") / "site"
    fstree.sync_links(tree, spare)
    kept_inode = (spare / "a/index.html").stat().st_ino
    (tree / "a/b.html").unlink()
    (tree / "a/b.html").write_text("a new version", encoding="utf-8")
    for rel in ("a/b/c.html", "长文件名/页面.html"):  # a page removed, its folder with it
        (tree / rel).unlink()
        (tree / rel).parent.rmdir()
    (tree / "new/deep/page.html").parent.mkdir(parents=True)
    (tree / "new/deep/page.html").write_text("new", encoding="utf-8")
    fstree.sync_links(tree, spare)
    folders = lambda root: sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())  # noqa: E731
    assert fstree.files(spare) == fstree.files(tree)
    assert folders(spare) == [f for f in folders(tree) if f != "empty"]  # no folder left empty
    assert all(os.path.samefile(tree / rel, spare / rel) for rel in fstree.files(tree))
    assert (spare / "a/index.html").stat().st_ino == kept_inode  # what did not change is not relinked
