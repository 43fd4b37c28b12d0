"""Walking the built trees: the site has 9,000 files at 1,000 cases, and a build walks it a dozen
times (the incremental state, the CSS cut, the audit, the progress counts).

pathlib's rglob and glob build a Path object per entry and stat it again for is_file(): about
25 µs a file, a quarter of a second a walk. os.scandir hands each entry's type over with the
directory listing, so a walk of the whole site costs some 30 ms. Paths are given relative to the
root, POSIX style, in the order sorted(Path.rglob(...)) would give them (by their parts).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from functools import lru_cache
from pathlib import Path


def entries(root: Path, skip: tuple[str, ...] = ()) -> list[tuple[str, os.DirEntry]]:
    """Every file under `root` (not the folders) as (relative path, its directory entry), but
    none inside the folders `skip` names (relative paths: "media", "assets/qr")."""
    found: list[tuple[str, os.DirEntry]] = []
    _walk(os.fspath(root), "", found, frozenset(skip))
    return found


def _walk(folder: str, prefix: str, found: list, skip: frozenset) -> None:
    try:
        with os.scandir(folder) as listing:
            items = sorted(listing, key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in items:
        if entry.is_dir():
            if prefix + entry.name not in skip:
                _walk(entry.path, f"{prefix}{entry.name}/", found, skip)
        else:
            found.append((prefix + entry.name, entry))


def files(root: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """The relative paths of every file under `root` (but inside the folders `skip` names)."""
    return [rel for rel, _entry in entries(root, skip)]


def glob(root: Path, pattern: str) -> list[str]:
    """The files under `root` matching a pathlib-style pattern ("**/*.html", "assets/qr/**/*.svg")."""
    return select(files(root), pattern)


def select(rels: list[str], pattern: str) -> list[str]:
    """The paths of a walk (files()) that match `pattern`: several patterns, one walk."""
    match = _pattern(pattern).fullmatch
    return [rel for rel in rels if match(rel)]


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> re.Pattern:
    """pathlib's glob rules: `**/` is any number of folders (none too), `*` and `?` stay inside one name."""
    out = []
    for part in re.split(r"(\*\*/|\*|\?)", pattern):
        out.append({"**/": "(?:[^/]+/)*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part)))
    return re.compile("".join(out))


def identity(path: Path) -> tuple[int, int, int, int]:
    """(device, inode, size, mtime): the kit never writes into a file in place (it writes a new one
    and renames or links it), so the same identity at the same path means the same bytes."""
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def manifest(root: Path, walked: list[tuple[str, os.DirEntry]] | None = None) -> str:
    """A digest of every file's path, inode, size and mtime: any change to the tree changes it.
    `walked`: entries(root), when the caller has them."""
    h = hashlib.sha256()
    for rel, entry in entries(root) if walked is None else walked:
        info = entry.stat()
        h.update(f"{rel}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return h.hexdigest()


def sync_links(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    """Make `target` a tree of hard links to the files of `source`: from nothing (a missing or
    empty folder), or from a tree of links to an earlier version of `source`, where a file that
    is already the same file (same inode) stays, the others are unlinked or linked anew, and
    folders left empty go. The kit never writes into a file a tree shares, so the same inode
    means the same bytes. The folders `skip` names are left as they are in `target`."""
    want = dict(entries(source, skip))
    have = dict(entries(target, skip))
    target_root = os.fspath(target)
    os.makedirs(target_root, exist_ok=True)
    emptied: set[str] = set()
    for rel, entry in have.items():
        wanted = want.get(rel)
        if wanted is None or wanted.inode() != entry.inode():
            os.unlink(entry.path)
            emptied.add(os.path.dirname(rel))
    made: set[str] = set()
    for rel, entry in want.items():
        had = have.get(rel)
        if had is not None and had.inode() == entry.inode():
            continue
        folder = os.path.dirname(rel)
        if folder and folder not in made:
            os.makedirs(os.path.join(target_root, folder), exist_ok=True)
            made.add(folder)
        os.link(entry.path, os.path.join(target_root, rel))
    remove_empty(target_root, emptied)


def remove_empty(root: str, folders: set[str]) -> None:
    """Remove each of `folders` (relative to `root`) and its parents, as far as they are empty."""
    for folder in sorted(folders, key=len, reverse=True):  # deepest first
        while folder:
            try:
                os.rmdir(os.path.join(root, folder))  # only when empty
            except OSError:
                break
            folder = os.path.dirname(folder)


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` by rename: a reader never sees half a file, and a file some tree links (a
    cached photo, card or QR code) is replaced, never written into."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def link_or_copy(cached: Path | str, target: Path | str) -> None:
    """A cached file (written once, replaced by rename, never in place) into another tree: a hard
    link is free, and lets the incremental build see an unchanged file without reading it."""
    try:
        os.link(cached, target)
    except OSError:  # another file system, or links not supported
        shutil.copyfile(cached, target)
