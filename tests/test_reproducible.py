"""Reproducible builds (issue 5): the same content built twice, in different folders, at
different times, gives byte-identical site/ trees.

The two builds differ in everything that must not matter: the output folder, the content
folder (a fresh copy with new file times), the clock (more than a second apart), the time
zone, the hash seed, and the caches (the second build starts with
none, so every photo and PDF is made again rather than copied from the first).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from conftest import PROJECT, SAMPLE_CONTENT, run_build


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fresh_copy(target: Path) -> Path:
    shutil.copytree(SAMPLE_CONTENT, target)
    now = time.time()
    for path in target.rglob("*"):
        os.utime(path, (now, now))  # new file times: nothing may depend on them
    return target


def test_two_builds_in_different_folders_at_different_times_are_byte_identical(tmp_path):
    project = tmp_path / "project"  # the build's inputs with a cache of its own
    project.mkdir()
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", project / "templates")
    clean = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}

    first_out = tmp_path / "one" / "site"
    first = run_build(
        "--content",
        str(fresh_copy(tmp_path / "a" / "content")),
        "--output",
        str(first_out),
        "--jobs",
        "2",
        cwd=project,
        env={**clean, "TZ": "UTC", "PYTHONHASHSEED": "1"},
    )
    assert first.returncode == 0, first.stderr

    shutil.rmtree(project / ".cache")  # photos and PDFs are made again, not copied
    time.sleep(1.5)
    second_out = tmp_path / "two" / "deeper" / "public"
    second = run_build(
        "--content",
        str(fresh_copy(tmp_path / "b" / "elsewhere" / "content")),
        "--output",
        str(second_out),
        "--jobs",
        "2",
        cwd=project,
        env={**clean, "TZ": "Asia/Shanghai", "PYTHONHASHSEED": "2"},
    )
    assert second.returncode == 0, second.stderr
    assert "新生成 0 份" not in second.stderr, second.stderr  # the PDFs really were rendered again

    one, two = tree(first_out), tree(second_out)
    assert sorted(one) == sorted(two), set(one) ^ set(two)
    differing = sorted(rel for rel in one if one[rel] != two[rel])
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:10]}"
    # the comparison covers what tends to differ: compressed sitemap, search index, PDFs, photos
    for must in ("sitemap.xml.gz", "search/search_index.json", "feed.xml", "downloads/honor-roll.pdf", "assets/share/wide.jpg"):
        assert must in one, must
    assert any(rel.startswith("media/") for rel in one) and sum(rel.endswith(".pdf") for rel in one) >= 10
