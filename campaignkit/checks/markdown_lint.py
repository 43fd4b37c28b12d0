"""Markdown that would be published differently from what the editor meant.

Python-Markdown renders these without a word: a table without its `|---|` row, or with
full-width ｜ from a Chinese input method, or pasted from Excel (cells separated by tabs),
comes out as one paragraph of text; an image is dropped by the sanitiser (photos belong in
`photos`, where they get alt text, resizing and metadata stripping). Each is reported
with the line it is on and the fix.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|<img\b", re.I)
_TAB_CELLS = re.compile(r"\S\t+\S")


def _cells(line: str) -> int:
    return len(line.strip().strip("|").split("|"))


def _blocks(lines: list[str]):
    """(first line index, lines) of each run of non-blank lines outside fenced code."""
    block: list[str] = []
    start = 0
    fenced = False
    for n, line in enumerate(lines + [""]):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or not line.strip() or _FENCE.match(line):
            if block:
                yield start, block
            block = []
            continue
        if not block:
            start = n
        block.append(line)


def mistakes(text: str, photos_field: bool = True) -> list[tuple[int, str]]:
    """(0-based line within `text`, Chinese message) for each construct that would not come out as meant."""
    if not isinstance(text, str) or not text:
        return []
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    for start, block in _blocks(lines):
        for i, line in enumerate(block):
            if _IMAGE.search(line):
                where = (
                    "照片请写在 photos 里（写明 file 和 alt）"
                    if photos_field
                    else "自由页面不能放图片，照片请放在案例、企业或活动的 photos 里"
                )
                found.append((start + i, f"正文里的图片不会显示：{where}"))
        wide = [i for i, line in enumerate(block) if "｜" in line and (line.count("｜") >= 2 or "|" in line)]
        if wide:
            found.append((start + wide[0], "表格用了全角竖线“｜”，不会显示成表格：请改成半角竖线“|”（切换到英文输入法）"))
            continue
        tabbed = [i for i, line in enumerate(block) if _TAB_CELLS.search(line)]
        if len(tabbed) >= 2:
            columns = max(len(re.split(r"\t+", block[i].strip())) for i in tabbed)
            found.append(
                (
                    start + tabbed[0],
                    "这几行用制表符（Tab）分隔，像是从 Excel 粘贴的表格，不会显示成表格：请改写成 "
                    f"“| 列1 | 列2 |”的形式，并在表头下面加一行 {_separator(columns)}",
                )
            )
            continue
        piped = [line for line in block if "|" in line.strip().strip("|") or line.strip().startswith("|")]
        if len(block) >= 2 and len(piped) == len(block) and not _SEPARATOR.match(block[1]):
            if not any(_SEPARATOR.match(line) for line in block):
                found.append(
                    (
                        start,
                        f"表格缺少表头下面的分隔行，不会显示成表格：请在第一行（表头）下面加一行 {_separator(_cells(block[0]))}",
                    )
                )
    return found


def _separator(columns: int) -> str:
    return "|" + "---|" * max(columns, 1)
