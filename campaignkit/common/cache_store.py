"""Files the kit keeps between builds: the digest of the kit's own code that every remembered
result depends on, and pickles written by rename and read back only when their stamp matches.

Kept apart from the memo (render/memo.py) because checks (the validation memory) and the build
(the incremental state) use them too, and those layers sit below rendering.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from campaignkit.common import fstree


def _folder_digest(folder: Path) -> bytes:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


@cache
def kit_digest() -> str:
    """The kit's code (every file of campaignkit/), read once a process: the page and article
    memos, the incremental state and the validation memory all depend on it."""
    return _folder_digest(Path(__file__).resolve().parents[1]).hex()


def read_stored(path: Path, expected: dict) -> dict | None:
    """What `store` kept in `path`, if it holds every item of `expected` (version, key); else None."""
    try:
        with open(path, "rb") as f:
            stored = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(stored, dict) or any(stored.get(k) != v for k, v in expected.items()):
        return None
    return stored


def store(path: Path, data: dict) -> None:
    """Pickle `data` into `path` by rename: a reader never sees half a file."""
    fstree.replace_file(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


@contextmanager
def kept_between_builds(path: Path, stamp: dict, name: str) -> Iterator[tuple[dict, dict]]:
    """What the last build kept under `name` in `path` (by key, valid while `stamp` is the same),
    and an empty dict for what this build uses of it or adds: that is kept for the next build when
    the block ends, unless it holds the very same keys (a key's value is the same while the stamp
    is). A read-only cache folder costs time, never correctness."""
    stored = read_stored(path, stamp)
    kept: dict = stored[name] if stored is not None else {}
    used: dict = {}
    try:
        yield kept, used
    finally:
        if stored is None or used.keys() != kept.keys():
            try:
                store(path, {**stamp, name: used})
            except OSError:
                pass
