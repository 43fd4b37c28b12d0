"""Rebuilds that redo only what an edit touched, and publish the same bytes a cold build would.

Every build still loads and validates everything and makes every page's text (remembered unless
what it shows changed: memo.py), in memory; what is kept between builds, per output folder, in
`.build/incremental/<name>/` (beside the memo files of pages, articles and the CSS cut):

- `docs/`: the generated Markdown and files of the last published build. A page or file whose
  bytes differ replaces its copy (`sync_docs`), so an unchanged page keeps its mtime and
  MkDocs' dirty build (`build(config, dirty=True)`: a page is built when its source is newer
  than its output) rebuilds just the pages whose Markdown changed.
- the published `site/` itself: the new tree starts as hard links to it. Before MkDocs runs,
  every file it (or an output after it) is going to write is unlinked from the new tree, so
  nothing is ever written into a file the published site shares: `site/` stays exactly as it
  was until the atomic swap.
- `state.json`: what the last build depended on beyond the Markdown (mkdocs.yml, the theme
  overrides, the navigation, site.yml's values, the kit's and MkDocs' versions), a manifest of
  the published tree, and the files written after MkDocs. Anything different, a published tree
  touched by someone else, or a build that failed half-way (the state is removed before the
  docs folder changes) makes the next build a clean one.
- `audit.json`: the files the audit found clean, by rule, path and file identity (device, inode,
  size, mtime): only files written in this build are read and parsed again; and the search
  index's fragments found clean, by digest (the index is written anew every build, but holds
  the last one's fragments except for the pages MkDocs rebuilt).

MkDocs' search index of a dirty build lists only the pages it rebuilt; the entries of the
others are taken from the published index, in MkDocs' page order, so the index is the one a
clean build writes. `tests/test_incremental.py` checks, after random edits, that an
incremental build and a cold build of the same content give byte-identical trees.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from campaignkit.common import fstree
from campaignkit.render import memo
from campaignkit.render import output_audit as safety
from campaignkit.website import engine, search_index
from campaignkit.website import markdown_pages as pages
from campaignkit.website.engine_shares import WRITTEN_BY_EVERY_BUILD


def folder_for(base: Path, site_dir: Path) -> Path:
    """What is kept between builds of one output folder (also the remembered renders, memo.py)."""
    return base / ".build" / "incremental" / site_dir.name


class Incremental:
    """One build's use of the kept state (see the module docstring)."""

    def __init__(self, base: Path, site_dir: Path, inputs: dict, beside: tuple[str, ...] = ()):
        """`beside`: the site's folders of files linked in beside MkDocs (pipeline.FILE_FOLDERS,
        site_files.py), which that linking keeps equal to what the build declares: the tree's
        bookkeeping here leaves them out."""
        self.folder = folder_for(base, site_dir)
        self.beside = beside
        self.docs = self.folder / "docs"
        # The tree published before the current one, kept after the swap: the next build starts
        # from it and relinks only what differs from site/ (fstree.sync_links), instead of
        # linking 9,000 files anew and deleting the old tree.
        self.spare = self.folder / "spare"
        self.site_dir = site_dir
        self.key = _digest(json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str).encode())
        self.state = self._valid_state()
        self.rebuilt: set[str] = set()  # page URLs MkDocs builds in this run
        self._docs_files: list[str] | None = None  # the kept docs folder's files, once sync_docs made it
        kept_audit = self._read_json(self.folder / "audit.json", {}).get(memo.kit_digest(), {})
        self._audit_cache = kept_audit.get("files", {})
        self._audit_used: dict[str, list] = {}
        # The search index's fragments found clean (safety.search_index), under the same key.
        self.clean_fragments = safety.KnownClean(kept_audit.get("fragments", {}).get(self.key, ()))

    @property
    def dirty(self) -> bool:
        """True when MkDocs may build only what changed (a valid state and a published site)."""
        return self.state is not None

    # ---- before MkDocs ------------------------------------------------------------------------

    def sync_docs(self, fresh: Path, staged: dict[str, str]) -> None:
        """Make the kept docs folder equal to the freshly rendered one plus the `staged` pages
        (path → text), touching only what changed."""
        (self.folder / "state.json").unlink(missing_ok=True)  # from here on a failure means a clean next build
        if not self.dirty:  # nothing to compare with: the fresh folder becomes the kept one
            pages.write_files(staged, fresh)
            shutil.rmtree(self.docs, ignore_errors=True)
            self.docs.parent.mkdir(parents=True, exist_ok=True)
            os.replace(fresh, self.docs)
            fresh.mkdir()
            return
        self.docs.mkdir(parents=True, exist_ok=True)
        wanted = set()
        folders: set[Path] = set()
        for rel, text in staged.items():
            kept = self.docs / rel
            if kept.parent not in folders:
                kept.parent.mkdir(parents=True, exist_ok=True)
                folders.add(kept.parent)
            wanted.add(rel)
            data = text.encode("utf-8")
            if not _holds(kept, data):
                kept.unlink(missing_ok=True)  # a new file (new mtime: MkDocs' dirty build builds it)
                kept.write_bytes(data)
        for rel, _entry in fstree.entries(fresh):
            path, kept = fresh / rel, self.docs / rel
            if kept.parent not in folders:
                kept.parent.mkdir(parents=True, exist_ok=True)
                folders.add(kept.parent)
            wanted.add(rel)
            if not _same_file(path, kept):
                kept.unlink(missing_ok=True)
                os.replace(path, kept)
                # Newer than its output, so MkDocs' dirty build copies it: a file linked from a
                # cache (photo, share card, QR code) keeps the mtime of when it was first made,
                # which may be older than the output of the version it replaces.
                os.utime(kept)
        gone = [rel for rel in fstree.files(self.docs) if rel not in wanted]
        for rel in gone:
            (self.docs / rel).unlink()
        fstree.remove_empty(os.fspath(self.docs), {os.path.dirname(rel) for rel in gone})
        self._docs_files = sorted(wanted)

    def prepare_site(self, out: Path) -> None:
        """The new tree: hard links to the published one, minus every file this build writes."""
        if not self.dirty:
            return
        if self.spare.is_dir() and not (out.exists() and any(out.iterdir())):
            if out.exists():
                out.rmdir()
            os.replace(self.spare, out)
        fstree.sync_links(self.site_dir, out, skip=self.beside)
        assert self.state is not None, "a spare is kept only with a valid state"
        for rel in self.state["after_mkdocs"]:
            (out / rel).unlink(missing_ok=True)
        for name in WRITTEN_BY_EVERY_BUILD:
            (out / name).unlink(missing_ok=True)
        published = set()
        for rel, src in fstree.entries(self.docs):
            dest = out / _output_of(rel)
            published.add(_output_of(rel))
            # MkDocs' own rule (File.is_modified): built when the output is missing or older.
            if not dest.exists() or dest.stat().st_mtime < src.stat().st_mtime:
                dest.unlink(missing_ok=True)
                if rel.endswith(".md"):
                    self.rebuilt.add(_url_of(rel))
        gone = [rel for rel in self.state["from_docs"] if rel not in published]  # outputs of files no longer in docs
        for rel in gone:
            (out / rel).unlink(missing_ok=True)
        fstree.remove_empty(os.fspath(out), {os.path.dirname(rel) for rel in gone})

    # ---- after MkDocs -------------------------------------------------------------------------

    def complete_search_index(self, out: Path, order: list[str]) -> None:
        """Put back the index entries of the pages MkDocs did not rebuild, in its page order."""
        if not self.dirty:
            return
        path = out / search_index.PATH
        new = json.loads(path.read_text(encoding="utf-8"))
        old = json.loads((self.site_dir / search_index.PATH).read_text(encoding="utf-8"))
        groups = search_index.entries_by_page(old["docs"])
        fresh = search_index.entries_by_page(new["docs"])
        new["docs"] = [e for url in order for e in (fresh.get(url, []) if url in self.rebuilt else groups.get(url, []))]
        path.unlink()  # a new file, never one shared with the published tree
        search_index.write(path, new)

    def note_mkdocs_output(self, files: list[str]) -> None:
        """`files`: what the new tree holds when MkDocs is done (fstree.files, but `beside`)."""
        self._after_mkdocs_start = set(files)

    # ---- audit and commit ----------------------------------------------------------------------

    def audited(self, rule_name: str, rel: str, path: Path, audit) -> list[str]:
        """The audit's findings for one file, from the cache when the same file was audited before:
        the same path and identity (device, inode, size, mtime). An incremental build publishes the
        files it did not write again as links to the very files audited last time, and nothing
        the kit writes is ever written in place, so their bytes need not even be read."""
        # self.key: the kit's code (the audit's rules among it) and everything else the pages depend on.
        key = _digest(f"{self.key}\0{rule_name}\0{rel}\0{fstree.identity(path)}".encode())
        if key in self._audit_cache:
            found = self._audit_cache[key]
        else:
            found = audit()
        self._audit_used[key] = found
        return found

    def commit(self) -> None:
        """After the swap: remember what the published tree now is."""
        # The manifest leaves out the folders of declared files: the next build makes them from
        # the caches whatever site/ holds there (site_files.py), so a change there changes nothing.
        entries = fstree.entries(self.site_dir, skip=self.beside)
        everything = {rel for rel, _entry in entries}
        after = sorted(everything - getattr(self, "_after_mkdocs_start", everything))
        state = {
            "kit": memo.kit_digest(),
            "key": self.key,
            "manifest": fstree.manifest(self.site_dir, entries),
            "after_mkdocs": after,
            "from_docs": sorted(_output_of(rel) for rel in self.docs_files()),
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_json(
            self.folder / "audit.json",
            {
                memo.kit_digest(): {
                    "files": {k: v for k, v in self._audit_used.items() if not v},
                    "fragments": {self.key: sorted(self.clean_fragments.used or self.clean_fragments.known)},
                }
            },
        )
        _write_json(self.folder / "state.json", state)

    def docs_files(self) -> list[str]:
        """The kept docs folder's files (as sync_docs left it)."""
        return fstree.files(self.docs) if self._docs_files is None else self._docs_files

    # ---- helpers -------------------------------------------------------------------------------

    def _valid_state(self) -> dict | None:
        state = self._read_json(self.folder / "state.json", None)
        if not state or state.get("kit") != memo.kit_digest() or state.get("key") != self.key:
            return None
        if (
            not self.site_dir.is_dir()
            or not self.docs.is_dir()
            or fstree.manifest(self.site_dir, fstree.entries(self.site_dir, skip=self.beside)) != state["manifest"]
        ):
            return None  # the published tree is not the one this state describes
        return state

    @staticmethod
    def _read_json(path: Path, default):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return default


def inputs(project: Path, site: dict, nav: list) -> dict:
    """What every page MkDocs builds depends on besides its own Markdown."""
    overrides = project / "templates" / "overrides"
    return {
        "mkdocs.yml": _digest((project / "mkdocs.yml").read_bytes()),
        "overrides": {
            p.relative_to(overrides).as_posix(): _digest(p.read_bytes()) for p in sorted(overrides.rglob("*")) if p.is_file()
        },
        "kit": memo.kit_digest(),
        "versions": [engine.versions(), sys.version],
        "site": site,
        "nav": nav,
    }


def _output_of(rel: str) -> str:
    """Where MkDocs (use_directory_urls) writes a docs file: x.md → x/index.html, x/index.md → x/index.html."""
    if not rel.endswith(".md"):
        return rel
    if rel == "index.md" or rel.endswith("/index.md"):
        return rel[: -len(".md")] + ".html"
    return rel[: -len(".md")] + "/index.html"


def _url_of(rel: str) -> str:
    out = _output_of(rel)
    return out[: -len("index.html")]


def _holds(kept: Path, data: bytes) -> bool:
    try:
        with open(kept, "rb") as f:
            return f.read(len(data) + 1) == data
    except FileNotFoundError:
        return False


def _same_file(new: Path, kept: Path) -> bool:
    try:
        a, b = new.stat(), kept.stat()
    except FileNotFoundError:
        return False
    if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
        return True  # both links to one cached photo or PDF
    if a.st_size != b.st_size:
        return False
    return new.read_bytes() == kept.read_bytes()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_json(path: Path, data) -> None:
    fstree.replace_file(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
