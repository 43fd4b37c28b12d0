"""Shared fixtures (Lektor's habit): the sample site is built once per session and many
tests read it; `scratch` copies the sample content into a temp folder for each bad-input case."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples on every run (a failure there is reproducible and blocks no one
# by chance); developers' runs keep exploring new random examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_CONTENT = PROJECT / "content"


def run_build(*args: str, cwd: Path = PROJECT, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run build.py as an editor would; returns the finished process (stdout/stderr as text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with the SHA-256 of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def project_copy(root: Path) -> Path:
    """The build's inputs (mkdocs.yml, templates/, the sample content) in `root`, with a cache of its own."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(SAMPLE_CONTENT, root / "content")
    return root


def pdf_workers(pid: int, settle: float = 0.1) -> list[int]:
    """A build's forked PDF workers: children running its own command line that are still there
    `settle` seconds later. Not fc-match or the compiler ctypes runs to find a library (children
    too, and for a moment after their fork they carry the build's command line)."""

    def cmdline(p: int) -> bytes:
        try:
            return Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            return b""

    def forked() -> set[int]:
        try:
            kids = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return set()
        return {k for k in kids if cmdline(k) == cmdline(pid)}

    first = forked()
    if not first:
        return []
    time.sleep(settle)
    return sorted(first & forked())


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("sample") / "site"
    result = run_build("--output", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="session")
def sample_site(sample_build) -> Path:
    """The sample content built into a temporary site/ folder."""
    return sample_build[0]


class Scratch:
    """A copy of the sample content to break on purpose."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        shutil.copytree(SAMPLE_CONTENT, self.content)

    def path(self, rel: str) -> Path:
        return self.content / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> Path:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, 1))

    def line_of(self, rel: str, needle: str) -> int:
        """1-based line number of the first line containing `needle`."""
        for n, line in enumerate(self.read(rel).splitlines(), 1):
            if needle in line:
                return n
        raise AssertionError(f"{needle!r} not in {rel}")

    def check(self) -> subprocess.CompletedProcess:
        # Its own output folder (none yet): a project site/ left by an earlier build is not the last
        # published site of this content (continuity.py compares URLs with it).
        return run_build("check", "--content", str(self.content), "--output", str(self.root / "site"))

    def build(self, *args: str, output: Path | None = None) -> subprocess.CompletedProcess:
        return run_build("--content", str(self.content), "--output", str(output or self.root / "site"), *args)


@pytest.fixture
def scratch(tmp_path) -> Scratch:
    return Scratch(tmp_path)


# Fixtures that build a whole site (with PDFs) or render handouts: a test using one is slow.
SLOW_FIXTURES = {
    "sample_build",
    "sample_site",
    "pdfs",
    "tricky",
    "poisoned",
    "private_build",
    "built_output",
    "previous_site",
    "reaper",
}
# Modules whose every test runs full builds (kills, reproducibility, scale, random builds) or a browser.
SLOW_MODULES = {"test_publish", "test_reproducible", "test_scale", "test_properties"}
SLOW_CALLS = ("run_build(", ".build(", "pipeline.build(", "render_all(", "_render(")


def pytest_collection_modifyitems(config, items):
    """Mark slow what builds a site, renders PDFs or drives a browser, so `pytest -m "not slow"`
    is the quick everyday run (CI runs everything). Tests may also carry @pytest.mark.slow."""
    import inspect

    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if (
            "browser" in item.nodeid.split("/")[1:2]
            or module in SLOW_MODULES
            or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(pytest.mark.slow)
            continue
        try:
            source = inspect.getsource(item.function)
        except (OSError, TypeError):
            continue
        if any(call in source for call in SLOW_CALLS):
            item.add_marker(pytest.mark.slow)
