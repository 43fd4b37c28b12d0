"""The site's files that are copies of cached files: photos, share cards, QR codes (7,800 at
1,000 cases; pipeline.FILE_FOLDERS).

Each is declared while the pages are written (`link(rel, cached)`: the site's path, the cache's
file) and only linked into the new site tree after MkDocs (`link_into`), where a file the tree
already holds as the same inode stays as it is. An incremental build, whose new tree starts as
links to the published one, so touches only the files that changed: before, every build linked
all of them into a staging folder, compared that folder with the tree, and deleted it again
(a third of a one-case rebuild's bookkeeping).

Given a `folder`, each file is linked into it at once instead (the docs folder, when the docs
are rendered alone: the golden pages, the tests).
"""

from __future__ import annotations

import os
from pathlib import Path

from campaignkit.common import fstree


class SiteFiles:
    """The site's files that are copies of cached files, by their path in the site."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.sources: dict[str, str] = {}  # path in the site → the cached file it is a copy of
        self._made: set[str] = set()  # folders made in `folder` (a thousand QR codes share a few)

    def link(self, rel: str, cached: Path) -> None:
        """The site's file `rel` is a copy of `cached` (written once, replaced by rename, never in place)."""
        self.sources[rel] = os.fspath(cached)
        if self.folder is not None:
            target = os.path.join(self.folder, rel)
            self._makedirs(os.path.dirname(target))
            if not os.path.exists(target):
                fstree.link_or_copy(self.sources[rel], target)

    def write(self, rel: str, data: bytes) -> None:
        """A file drawn without a cache (only with a `folder`: the docs rendered alone)."""
        if self.folder is None:
            raise ValueError(f"{rel}: a file without a cached source needs a folder")
        target = Path(self.folder) / rel
        self._makedirs(os.fspath(target.parent))
        target.write_bytes(data)
        self.sources[rel] = os.fspath(target)

    def source(self, rel: str) -> Path:
        """The file that `rel` will be a copy of (with a `folder`: its place there, declared or not)."""
        found = self.sources.get(rel)
        if found is None and self.folder is not None:
            return Path(self.folder) / rel
        return Path(self.sources[rel])

    def link_into(self, target: Path, within: tuple[str, ...]) -> None:
        """Make `within` (folders of `target`) hold exactly the declared files, as links: a file
        that is already the same inode stays, the others are unlinked or linked anew, folders
        left empty go. The rest of `target` is left as it is."""
        if self.folder is not None:
            return  # they are in the docs folder, and MkDocs copied them
        inside = tuple(f"{folder}/" for folder in within)
        outside = [rel for rel in self.sources if not rel.startswith(inside)]
        assert not outside, f"files outside {within}: {outside[:3]}"
        root = os.fspath(target)
        have = {f"{folder}/{rel}": entry for folder in within for rel, entry in fstree.entries(target / folder)}
        inodes: dict[str, int] = {}

        def inode(source: str) -> int:
            found = inodes.get(source)
            if found is None:
                found = inodes[source] = os.stat(source).st_ino
            return found

        emptied: set[str] = set()
        for rel, entry in have.items():
            source = self.sources.get(rel)
            if source is None or inode(source) != entry.inode():
                os.unlink(entry.path)
                emptied.add(os.path.dirname(rel))
        self._made = set()
        for rel, source in self.sources.items():
            had = have.get(rel)
            if had is not None and inode(source) == had.inode():
                continue
            path = os.path.join(root, rel)
            self._makedirs(os.path.dirname(path))
            fstree.link_or_copy(source, path)
        fstree.remove_empty(root, emptied)

    def _makedirs(self, folder: str) -> None:
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
