"""MkDocs as the kit runs it (campaignkit/website/engine.py): what the kit does in MkDocs' place gives what
MkDocs itself would."""

from __future__ import annotations

from conftest import PROJECT
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files

from campaignkit.website import engine as site


def _files(config, docs: list[File]) -> list[tuple]:
    files = Files(list(docs))
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted((f.src_uri, f.abs_src_path, f.abs_dest_path, f.url) for f in files)


def test_theme_files_listed_ahead_are_the_ones_mkdocs_lists(tmp_path, monkeypatch):
    """warm_up lists the theme's files while the pages are written; the build's MkDocs adds those,
    and a docs file still wins over a theme file of the same path."""
    monkeypatch.setattr(site, "_theme_files", None)
    docs, out = tmp_path / "docs", tmp_path / "out"
    docs.mkdir()
    (docs / "assets").mkdir()
    (docs / "assets" / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    config = load_config(config_file=str(PROJECT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(out))
    own = [File("assets/favicon.svg", str(docs), str(out), True)]
    theirs = _files(config, own)

    site._list_theme_files_ahead(PROJECT / "mkdocs.yml")
    assert site._theme_files is not None and len(site._theme_files[1]) > 20
    with site._theme_files_listed_ahead():
        ours = _files(config, own)
    assert ours == theirs
    assert [f for f in ours if f[0] == "assets/favicon.svg"] == [f for f in theirs if f[0] == "assets/favicon.svg"]

    # Another theme (here: other static templates) is listed by MkDocs itself.
    monkeypatch.setattr(site, "_theme_files", (("elsewhere",), []))
    with site._theme_files_listed_ahead():
        assert _files(config, own) == theirs
