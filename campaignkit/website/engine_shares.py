"""The site engine's page building spread over the machine's cores: each process builds a share.

MkDocs reads, renders and writes one page after another in one process; with a thousand cases
that is most of a build, and the second core of the editors' PCs sits idle. The kit runs one
dirty build per share of the same configuration at the same time, each told (by engine.py,
through `File.is_modified`, the rule the engine's own dirty builds use to skip files) that only
the files of its share need building. Nothing here touches the engine itself. Every process still sees every file and the whole navigation, so each
page it builds is the page a single build writes (tests/test_incremental.py compares the trees
byte for byte). Every share writes its pages and files straight into the site folder (share 0
in this process, the others in forked workers); what every MkDocs build writes whatever it builds
(404 page, sitemap, search index) goes into each worker's own folder: the 404 page and the
sitemap are the same in every share and are taken from share 0; the search index lists only the
pages each share built, so the indexes are merged in MkDocs' page order.
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaignkit.common import workers
from campaignkit.common.problems import BuildError
from campaignkit.website import search_index

# Below this many pages to build, a second process's start (configuration, theme, navigation,
# jieba's dictionary: about half a second) costs more than it saves.
MIN_PAGES = 150

# Written by every MkDocs build, whatever it builds: the same bytes in each share.
WRITTEN_BY_EVERY_BUILD = ("404.html", "sitemap.xml", "sitemap.xml.gz", search_index.PATH)


class MkDocsProblems(BuildError):
    """MkDocs' strict mode refused the build: a heading and the messages, so shares can be joined."""

    def __init__(self, heading: str, details: list[str]):
        self.heading, self.details = heading, details
        super().__init__(heading + "\n" + "\n".join(f"  - {m}" for m in details))


def share_of(src_uri: str, shares: int) -> int:
    return zlib.crc32(src_uri.encode()) % shares


@dataclass(frozen=True)
class Share:
    """Share `index` of `shares`: the engine builds only its files (engine.py, through the rule its
    own dirty builds use) that are missing or older in `site_dir`, the real site folder, where it
    writes them also when this share's engine writes elsewhere."""

    index: int
    shares: int
    site_dir: Path


def in_worker(
    worker: workers.Warm, run: Callable[[Path], list[str]], site_dir: Path, meanwhile: Callable[[], None] = lambda: None
) -> list[str]:
    """`run(site_dir)` in a worker that got ready while the pages were written; `meanwhile()` here
    while it runs."""
    worker.submit(_run_reporting, run, site_dir)
    meanwhile()
    found = worker.result()
    if isinstance(found, tuple):
        raise MkDocsProblems(*found)
    return found


def _run_reporting(run, site_dir: Path):
    try:
        return run(site_dir)
    except MkDocsProblems as exc:  # an exception with two arguments does not cross a pipe whole
        return exc.heading, exc.details


def build(run: Callable[..., list[str]], site_dir: Path, shares: int, ready: workers.Warm | None = None) -> list[str]:
    """`run(target, share=...)` is one dirty build of a share into `target` returning the engine's
    page order; run it in `shares` processes at once and put the results together in `site_dir`.
    `ready`: a worker that got ready ahead (engine.warm_up), which takes share 1."""
    parts = [site_dir.with_name(f"{site_dir.name}.share{k}") for k in range(1, shares)]
    pool = workers.pool(len(parts) - (ready is not None))
    failures: list[MkDocsProblems] = []
    try:
        futures: list[Any] = [ready.submit(_share_in_worker, run, parts[0], 1, shares, site_dir)] if ready is not None else []
        futures += [
            pool.submit(_share_in_worker, run, part, k, shares, site_dir)
            for k, part in enumerate(parts, 1)
            if not (ready is not None and k == 1)
        ]
        order: list[str] = []
        try:
            order = run(site_dir, share=Share(0, shares, site_dir))
        except MkDocsProblems as exc:
            failures.append(exc)
        for future in futures:
            failure = future.result()
            if failure is not None:
                failures.append(MkDocsProblems(*failure))
    except BaseException:
        workers.kill(pool)
        raise
    finally:
        pool.shutdown(wait=False)
    if failures:
        details = list(dict.fromkeys(m for f in failures for m in f.details))  # each message once
        raise MkDocsProblems(failures[0].heading, details)
    _merge_search_indexes(site_dir / search_index.PATH, [p / search_index.PATH for p in parts], order)
    for part in parts:
        shutil.rmtree(part, ignore_errors=True)
    return order


def _share_in_worker(run, target: Path, share: int, shares: int, site_dir: Path):
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        run(target, share=Share(share, shares, site_dir))
    except MkDocsProblems as exc:
        return exc.heading, exc.details
    return None


def _merge_search_indexes(target: Path, others: list[Path], order: list[str]) -> None:
    data = json.loads(target.read_text(encoding="utf-8"))
    entries = search_index.entries_by_page(data["docs"])
    for other in others:
        entries.update(search_index.entries_by_page(json.loads(other.read_text(encoding="utf-8"))["docs"]))
    data["docs"] = [entry for url in order for entry in entries.get(url, [])]
    target.unlink()  # a new file, never one shared with the published tree
    target.write_text(json.dumps(data), encoding="utf-8")
