"""The site engine behind its boundary (campaignkit/website/engine.py): the kit refuses engine,
theme and WeasyPrint versions its replacements were not written for; it puts back what it
replaced; the engine's warnings reach the kit under either engine's loggers; and ProperDocs
1.6.7 (in .venv-properdocs) builds the sample into the site MkDocs builds, but for the
generator line, cold and after a one-case edit."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT, SAMPLE_CONTENT, run_build, tree

from campaignkit.common import replacements
from campaignkit.common.problems import BuildError
from campaignkit.website import engine
from campaignkit.website.engine_shares import MkDocsProblems

SITE = {"title": "测试站", "base_url": "https://example.org/", "description": "测试", "org": "测试社区"}


def _fake_version(monkeypatch, package: str, version: str) -> None:
    real = replacements.installed_version
    monkeypatch.setattr(replacements, "installed_version", lambda p: version if p == package else real(p))


def test_another_engine_version_is_refused_before_anything_is_built(tmp_path, monkeypatch, capsys):
    from campaignkit.commandline.main import main

    wanted = replacements.WRITTEN_FOR[engine.PACKAGE]
    _fake_version(monkeypatch, engine.PACKAGE, "1.6.99")
    monkeypatch.chdir(PROJECT)
    out = tmp_path / "site"
    status = main(["--content", str(SAMPLE_CONTENT), "--output", str(out), "--no-pdf"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"装的是 {engine.PACKAGE} 1.6.99，本工具是按 {engine.PACKAGE} {wanted} 编写的" in err
    assert "File.copy_file" in err and "scripts/setup.sh" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("package", ["mkdocs-material", "weasyprint"])
def test_another_theme_or_weasyprint_version_is_refused(monkeypatch, package):
    _fake_version(monkeypatch, package, "0.1")
    with pytest.raises(
        BuildError, match=re.escape(f"装的是 {package} 0.1，本工具是按 {package} {replacements.WRITTEN_FOR[package]}")
    ):
        engine.check_versions(pdf=True)


def test_a_weasyprint_replacement_refuses_to_go_in_on_another_version(monkeypatch):
    from campaignkit.handouts import pdf_stylesheets

    _fake_version(monkeypatch, "weasyprint", "71.0")
    with pytest.raises(BuildError, match=re.escape("weasyprint.css.CSS")), pdf_stylesheets.reused():
        pass
    import weasyprint
    import weasyprint.css

    assert weasyprint.css.CSS is weasyprint.CSS  # nothing was replaced


def _tiny_docs(tmp_path: Path, text: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(text, encoding="utf-8")
    return docs


def test_the_engines_warnings_become_the_kits_chinese_error_and_its_functions_are_put_back(tmp_path):
    from mkdocs.structure.files import File

    before = (File.copy_file, File.is_modified)
    docs = _tiny_docs(tmp_path, "# 首页\n\n[旧页面](nowhere.md)\n")
    with pytest.raises(MkDocsProblems) as refused:
        engine.run_mkdocs(PROJECT / "mkdocs.yml", docs, tmp_path / "site", SITE, ["index.md"])
    assert f"{engine.NAME} 严格模式" in refused.value.heading
    assert any("'nowhere.md'" in line for line in refused.value.details), refused.value.details
    assert (File.copy_file, File.is_modified) == before


def test_the_theme_files_listed_ahead_are_the_ones_the_engine_lists_and_no_walk_is_made(tmp_path, monkeypatch):
    """warm_up lists the theme's files with the engine's own method while the pages are written;
    the build's add_files_from_theme then adds exactly the files the method adds (a docs file of
    the same path wins), in the same order, without walking the theme's 14,500 files again; a
    build whose theme folders differ (another custom_dir) gets the method itself."""
    import jinja2
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    docs = _tiny_docs(tmp_path, "# 首页\n")
    (docs / "assets" / "images").mkdir(parents=True)
    (docs / "assets" / "images" / "favicon.png").write_bytes(b"own icon")  # the theme has one too
    config = load_config(config_file=str(PROJECT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(tmp_path / "site"))

    def listed(files: Files) -> list[tuple[str, str, str]]:
        return [(f.src_uri, f.src_dir, f.dest_uri) for f in files]

    by_engine = Files([File("assets/images/favicon.png", str(docs), config.site_dir, config.use_directory_urls)])
    by_engine.add_files_from_theme(config.theme.get_env(), config)
    assert len(by_engine) > 20

    monkeypatch.setattr(engine, "_theme_files", None)
    engine.warm_up(PROJECT / "mkdocs.yml")
    walked = []
    real_walk = jinja2.Environment.list_templates
    monkeypatch.setattr(jinja2.Environment, "list_templates", lambda *a, **k: walked.append(1) or real_walk(*a, **k))
    with engine._theme_files_listed_ahead():
        ahead = Files([File("assets/images/favicon.png", str(docs), config.site_dir, config.use_directory_urls)])
        ahead.add_files_from_theme(config.theme.get_env(), config)
    assert listed(ahead) == listed(by_engine)
    assert walked == [], "the theme was walked again"
    assert Files.add_files_from_theme.__qualname__ == "Files.add_files_from_theme", "the engine's method is put back"

    other = tmp_path / "mkdocs.yml"  # another theme folder: the listing ahead is not for this build
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "extra.js").write_text("// 覆盖", encoding="utf-8")
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    other.write_text(re.sub(r"custom_dir: .*", f"custom_dir: {overrides}", text), encoding="utf-8")
    config = load_config(config_file=str(other), docs_dir=str(docs), site_dir=str(tmp_path / "site"))
    with engine._theme_files_listed_ahead():
        own = Files([])
        own.add_files_from_theme(config.theme.get_env(), config)
    assert walked and "extra.js" in {f.src_uri for f in own}


# ---- ProperDocs ------------------------------------------------------------------------------------

PROPERDOCS = PROJECT / ".venv-properdocs" / "bin" / "python"
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.fixture(scope="module")
def properdocs_python() -> Path:
    """.venv-properdocs (scripts/setup.sh --dev makes it; made here when missing, kept after)."""
    subprocess.run([str(PROJECT / "scripts" / "properdocs-venv.sh")], check=True, capture_output=True)
    found = subprocess.run(
        [str(PROPERDOCS), "-c", "import importlib.util as u; print(u.find_spec('properdocs') is not None)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "True"
    return PROPERDOCS


def _properdocs_build(python: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), str(PROJECT / "build.py"), *args], cwd=PROJECT, capture_output=True, text=True, timeout=600
    )


def _without_generator(folder: Path) -> dict[str, str]:
    """tree(), with each page's generator <meta> (the engine's name and version) left out."""
    import hashlib

    out = tree(folder)
    for rel in out:
        if rel.endswith(".html"):
            data = (folder / rel).read_bytes()
            out[rel] = hashlib.sha256(GENERATOR.sub(b"", data)).hexdigest()
    return out


@pytest.mark.slow
def test_properdocs_builds_the_site_mkdocs_builds(tmp_path, properdocs_python):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    mk, pd = tmp_path / "mkdocs" / "site", tmp_path / "properdocs" / "site"

    def both(step: str) -> None:
        made = run_build("--content", str(content), "--output", str(mk), "--no-pdf")
        assert made.returncode == 0, made.stderr
        made = _properdocs_build(properdocs_python, "--content", str(content), "--output", str(pd), "--no-pdf")
        assert made.returncode == 0, made.stderr
        home = (pd / "index.html").read_bytes()
        assert b"ProperDocs 1.6.7" in GENERATOR.search(home).group(0)  # really ProperDocs
        assert b"ProperDocs" not in GENERATOR.search((mk / "index.html").read_bytes()).group(0)
        ours, theirs = _without_generator(mk), _without_generator(pd)
        differ = sorted(rel for rel in ours.keys() | theirs.keys() if ours.get(rel) != theirs.get(rel))
        assert not differ, f"{step}: {differ[:10]}"

    both("cold")
    case = sorted((content / "cases").glob("*.yml"))[0]
    text = case.read_text(encoding="utf-8")
    case.write_text(re.sub(r"(?m)^title: .*$", "title: 改过标题的案例", text, count=1), encoding="utf-8")
    both("after a one-case edit")
    assert "改过标题的案例" in (mk / "cases" / case.stem / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_properdocs_warnings_reach_the_kit(tmp_path, properdocs_python):
    """ProperDocs logs under properdocs.*: the kit still turns a warning into its Chinese error
    with the warning's text (not a bare "Aborted with 1 warnings")."""
    docs = _tiny_docs(tmp_path, "# 首页\n\n[旧页面](nowhere.md)\n")
    script = (
        "import sys; from pathlib import Path; from campaignkit.website import engine\n"
        "from campaignkit.website.engine_shares import MkDocsProblems\n"
        "try:\n"
        f"    engine.run_mkdocs(Path({str(PROJECT / 'mkdocs.yml')!r}), Path({str(docs)!r}), Path({str(tmp_path / 'site')!r}),"
        f" {SITE!r}, ['index.md'])\n"
        "except MkDocsProblems as exc:\n"
        "    print(engine.NAME); print(exc); sys.exit(3)\n"
    )
    ran = subprocess.run([str(properdocs_python), "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 3, ran.stderr
    assert ran.stdout.startswith("ProperDocs\n")
    assert "ProperDocs 严格模式" in ran.stdout and "'nowhere.md'" in ran.stdout
