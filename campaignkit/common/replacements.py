"""Functions of other packages the kit replaces, each tied to the version it was written for.

A replacement stands in for one function of a library (MkDocs' `File.copy_file`, WeasyPrint's
`weasyprint.css.CSS` …) and was written by reading that function in one release: in another it
may change the output without a word. So each replacement is declared here with the function it
replaces and the package it belongs to, and nothing replaces anything in a package whose installed
version is not one the kit was written for: `check()` at the start of every build (pipeline.py)
and `replaced()` when a replacement is put in place refuse, in Chinese, naming the package, the
version found, the version wanted and what the kit replaces in it. requirements.txt pins the same
versions; tests/test_engine.py fakes another version and expects the refusal.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from campaignkit.common.problems import BuildError

# The versions the replacements were written for (the same as requirements.txt's pins; ProperDocs'
# from requirements-properdocs.txt). A new release is adopted by reading each replacement of its
# package again, then changing the pin and this table together.
WRITTEN_FOR: dict[str, str] = {
    "mkdocs": "1.6.1",
    "properdocs": "1.6.7",
    "mkdocs-material": "9.8.2",
    "weasyprint": "70.0",
}


@dataclass(frozen=True)
class Replacement:
    """`owner.name` (a class or module attribute of `package`) is replaced by the kit's own."""

    package: str
    replaces: str  # the replaced function as its package names it, e.g. "mkdocs.structure.files.File.copy_file"
    why: str  # one line, English, for the reader of the code


DECLARED: list[Replacement] = []


def declare(package: str, replaces: str, why: str) -> Replacement:
    """Declare a replacement at import time of the module that makes it."""
    if package not in WRITTEN_FOR:
        raise ValueError(f"no pinned version of {package} for the replacement of {replaces}")
    found = Replacement(package, replaces, why)
    DECLARED.append(found)
    return found


@cache
def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check(packages: Iterable[str]) -> None:
    """Refuse (BuildError, Chinese) when any installed package of `packages` is not at the version
    the kit was written for; a package that is not installed is not this check's business."""
    wrong = []
    for package in packages:
        found = installed_version(package)
        if found is None or found == WRITTEN_FOR[package]:
            continue
        names = [r.replaces for r in DECLARED if r.package == package]
        what = f"本工具替换了其中的 {'、'.join(names)}，" if names else "本工具依赖它的内部细节，"
        wrong.append(
            f"  - 装的是 {package} {found}，本工具是按 {package} {WRITTEN_FOR[package]} 编写的：{what}"
            f"换了版本可能悄悄改变生成的网站或讲义。"
        )
    if wrong:
        raise BuildError(
            "已停止：网站或讲义引擎的版本不对，为免生成结果悄悄改变，没有生成任何东西。\n"
            + "\n".join(wrong)
            + "\n请在项目文件夹里运行 scripts/setup.sh，装回 requirements.txt 固定的版本。"
        )


_active: dict[tuple[int, str], list] = {}  # (id(owner), name) → [original, replacement, blocks using it]
_lock = threading.Lock()


@contextmanager
def replaced(replacement: Replacement, owner: object, name: str, new: object) -> Iterator[None]:
    """`owner.name` is `new` until the block ends (refused on another version of its package).
    Blocks may nest or overlap in threads with the same `new`: the last one out puts the original back."""
    check([replacement.package])
    key = (id(owner), name)
    with _lock:
        entry = _active.get(key)
        if entry is None:
            original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            entry = _active[key] = [original, new, 0]
            setattr(owner, name, new)
        elif entry[1] is not new:
            raise RuntimeError(f"{replacement.replaces} is already replaced by another function")
        entry[2] += 1
    try:
        yield
    finally:
        with _lock:
            entry[2] -= 1
            if entry[2] == 0:
                setattr(owner, name, entry[0])
                del _active[key]
