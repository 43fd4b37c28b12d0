"""Files the kit keeps between builds: the digest of the kit's own code that every remembered
result depends on, and pickles written by rename and read back only when their stamp matches.

Kept apart from the memo (render/memo.py) because checks (the validation memory) and the build
(the incremental state) use them too, and those layers sit below rendering.
"""

from __future__ import annotations

import hashlib
import pickle
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
