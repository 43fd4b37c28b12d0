"""Limits a workbook must keep before openpyxl loads it: `check(path)` reads it as a zip and streams
each worksheet's XML, never building the workbook, and refuses with one Chinese message naming
the limit that was passed.

Why: openpyxl's normal loader makes a cell object for every cell between A1 and the last one a
sheet names, and trusts the sizes the file declares. Measured before these limits: one cell at
A1048576 in a 15 KB file took 27 s and 1.7 GB to import, one at XFD1048576 ran out of memory, a
423 KB zip bomb ran past 150 s, 20,000 real rows took 159 s. After `check`, what the loader
sees is bounded: MAX_ROWS rows of MAX_COLUMNS columns, MAX_UNCOMPRESSED bytes of XML.

The zip's declared sizes are the bound: Python's zipfile never inflates a member past the size
its header declares (it stops there and then fails the CRC check), so the sum of those sizes is
the most any reader (this one and openpyxl) can inflate.
"""

from __future__ import annotations

import re
import time
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from campaignkit.common.problems import BuildError

MAX_FILE_BYTES = 10_000_000  # a 5,000-row ledger with long texts is about 1 MB
MAX_UNCOMPRESSED = 50_000_000  # all parts of the workbook, inflated (a 5,000-row ledger: about 10 MB)
MAX_MEMBERS = 500  # parts in the zip (a workbook of ours has about 15)
MAX_ROWS = 5_000  # rows of any sheet, header included
MAX_COLUMNS = 100  # the last column any cell of any sheet may be in (CV)
MAX_SECONDS = 10.0  # for the whole check

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _TooSlow(Exception):
    pass


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _where(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference like XFD1048576; (0, 0) when it is not one."""
    match = _CELL.match(ref.strip())
    return (int(match.group(2)), _column_number(match.group(1))) if match else (0, 0)


def check(path: Path) -> None:
    """BuildError (Chinese, naming the limit) when the workbook at `path` passes any limit."""
    label = Path(path).name
    start = time.monotonic()
    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise BuildError(
            f"{label}: 表格文件太大（{size / 1e6:.1f} MB，最多 {MAX_FILE_BYTES // 1_000_000} MB）："
            f"请只留要导入的工作表，照片不要贴进表格"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise BuildError(
                    f"{label}: 表格文件的组成部分太多（{len(members)} 个，最多 {MAX_MEMBERS} 个），"
                    f"可能是异常文件，请用 build.py template 生成的表格重新填写"
                )
            inflated = sum(m.file_size for m in members)
            if inflated > MAX_UNCOMPRESSED:
                raise BuildError(
                    f"{label}: 表格解压后太大（{inflated / 1e6:.0f} MB，最多 {MAX_UNCOMPRESSED // 1_000_000} MB），"
                    f"可能是异常文件（“压缩炸弹”），没有读取"
                )
            names = _sheet_names(archive)
            for member in members:
                if re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
                    _check_sheet(archive, member, label, start, names)
    # RuntimeError: zipfile's "password required" and, as its subclass NotImplementedError, a
    # compression method it cannot unpack (tests/test_sheets.py has one of each kind of archive).
    except (zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, RuntimeError, EOFError, OSError):
        raise BuildError(f"{label}: 打不开这个表格文件（应是 Excel 的 .xlsx 文件，可能已损坏或加了密码）") from None
    except _TooSlow:
        raise BuildError(
            f"{label}: 检查表格用了 {MAX_SECONDS:.0f} 秒还没完成（最多 {MAX_SECONDS:.0f} 秒），"
            f"表格可能过于复杂，请只留要导入的行和列"
        ) from None


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (xl/worksheets/sheet2.xml) → the sheet's name as Excel shows it, where the workbook says."""
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
        targets = {r.get("Id"): r.get("Target", "").lstrip("/").removeprefix("xl/") for r in rels}
        book = etree.fromstring(archive.read("xl/workbook.xml"), parser)
        return {f"xl/{targets.get(s.get(rel), '')}": s.get("name", "") for s in book.iter(_MAIN + "sheet")}
    except (KeyError, etree.XMLSyntaxError):
        return {}


def _check_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, start: float, names: dict) -> None:
    """Stream one worksheet: its declared dimension, then every row and cell it really has."""
    sheet = names.get(member.filename) or member.filename.rsplit("/", 1)[-1]

    def refuse(what: str) -> BuildError:
        return BuildError(f"{label}: 工作表“{sheet}”{what}；请只留要导入的行和列，或把表格分成几个文件导入")

    rows = 0
    with archive.open(member) as stream:
        events = etree.iterparse(
            stream,
            events=("start",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
        for count, (_, element) in enumerate(events):
            tag = element.tag
            if tag == _MAIN + "dimension":
                last = str(element.get("ref", "")).split(":")[-1]
                row, column = _where(last)
                if row > MAX_ROWS:
                    raise refuse(f"声明的范围到第 {row} 行（最多 {MAX_ROWS} 行）")
                if column > MAX_COLUMNS:
                    raise refuse(f"声明的范围到第 {column} 列（最多 {MAX_COLUMNS} 列）")
            elif tag == _MAIN + "row":
                rows += 1
                number = element.get("r")
                if number is not None and (not number.isdigit() or int(number) > MAX_ROWS):
                    raise refuse(f"有内容在第 {number[:12]} 行（最多 {MAX_ROWS} 行，含表头）")
                if rows > MAX_ROWS:
                    raise refuse(f"超过 {MAX_ROWS} 行（最多 {MAX_ROWS} 行，含表头）")
            elif tag == _MAIN + "c":
                row, column = _where(element.get("r", "A1"))
                if row > MAX_ROWS or column > MAX_COLUMNS or row == 0:
                    where = element.get("r", "")[:12]
                    raise refuse(f"有内容在 {where} 格（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列）")
            elif tag in (_MAIN + "sheetData",):
                pass
            if count % 4096 == 0:
                if time.monotonic() - start > MAX_SECONDS:
                    raise _TooSlow
            # Free what was parsed: the tree never grows with the sheet.
            if tag == _MAIN + "row":
                previous = element.getprevious()
                while previous is not None:
                    parent = previous.getparent()
                    parent.remove(previous)
                    previous = element.getprevious()


# --------------------------------------------------------------------------- what goes out


def no_formulas(wb) -> None:
    """Every cell of every sheet as text or a typed value, never a formula: openpyxl writes a string
    beginning with "=" as one, and Excel and WPS evaluate =HYPERLINK/=WEBSERVICE on open, sending
    other cells (hidden enterprise names included) elsewhere. Strings beginning with + - @ are
    stored as strings too (type "s"), so no spreadsheet reads them as a formula either."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


# --------------------------------------------------------------------------- where a dry run writes


def link_on_the_way(root: Path, target: Path) -> str | None:
    """The first symbolic link between `root` (excluded) and `target` (included), as a path relative
    to root's parent, or None: an import never writes through a link (it could point anywhere,
    or nowhere yet, out of content/)."""
    root = Path(root)
    rel = Path(target).relative_to(root)
    current = root
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            return current.relative_to(root.parent).as_posix()
    return None
