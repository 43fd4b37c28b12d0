"""The committee's spreadsheets: templates, import and export (openpyxl, ruamel.yaml round trip).

Three workbooks, each one content kind (花名册 → enterprises, 巡查记录 → patrols, 隐患台账 → cases).
Columns are declared as schema fields: headers, drop-down lists, date cells and the
instructions sheet all come from the schema's Chinese descriptions and the enumerations.

An import never checks content by rules of its own: the rows are turned into the YAML files
they stand for, the kit's own validation runs on a copy of content/ with those files in it,
and every problem is reported against its row and column (`<file> <sheet> 第N行 <column>: …`).
Only when no row has a problem are files written, and only with --apply; an existing item is
changed only with --update, and then only the fields the sheet carries: every other field, the
order of the fields and the comments in the file stay as they were.
"""

from __future__ import annotations

import datetime as dt
import difflib
import filecmp
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from campaignkit.checks.validate import validate
from campaignkit.common.problems import BuildError
from campaignkit.content import yaml_edit as yamlmerge
from campaignkit.content.enums import ENUMERATIONS, PHOTO_STAGE
from campaignkit.content.kinds import KINDS, MEDIA
from campaignkit.content.load import ID_PATTERN, load_content
from campaignkit.content.schema import TEXT_MAX
from campaignkit.editing import clerk_words, workbook_limits
from campaignkit.editing.decap_config import identifying_fields, label_of
from campaignkit.editing.workbook_kinds import BOOKS, Book

ID_HEADER = "编号"
YES, NO = "是", "否"
INSTRUCTIONS = "填写说明"
CHOICES = "可选值"  # hidden sheet holding the drop-down lists
DATA_ROWS = 1000  # rows prepared with drop-downs and date formats in a template
SHORT_LIST_SEPARATORS = re.compile(r"[\n、；;]+")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # schema field, or "photo:<stage>" / "alt:<stage>" for the photo pair
    spec: dict
    required: bool = False

    @property
    def note(self) -> str:
        return self.spec.get("description", "")


def columns(book: Book) -> list[Column]:
    props, required = book.schema["properties"], set(book.schema["required"])
    out = [
        Column(
            ID_HEADER,
            "id",
            {"description": f"编号（文件名和网址）：小写英文字母、数字和“-”，如 {book.id_example}；发布后不要改"},
            True,
        )
    ]
    out += [Column(label_of(props[f]["description"], f), f, props[f], f in required) for f in book.fields]
    if book.photos:
        photo = props["photos"]["items"]["properties"]
        for stage in PHOTO_STAGE:
            out.append(
                Column(
                    f"{stage.shown}照片",
                    f"photo:{stage.text}",
                    {"description": f"{stage.shown}照片的文件名（导入时加 --photos 照片文件夹）"},
                )
            )
            out.append(
                Column(
                    f"{stage.shown}照片说明",
                    f"alt:{stage.text}",
                    {**photo["alt"], "description": f"{stage.shown}照片的内容说明（有照片时必填）"},
                )
            )
    return out


# --------------------------------------------------------------------------- cell values


def _is_short_list(spec: dict) -> bool:
    return spec.get("type") == "array" and spec["items"].get("maxLength", TEXT_MAX + 1) <= TEXT_MAX


def _names(kind: str, content) -> dict[str, str]:
    """id → how a sheet shows an item of `kind` (an enterprise by its name); ids where it has no single name."""
    shown = identifying_fields(kind)
    if len(shown) != 1:
        return {d.id: d.id for d in content.items[kind]}
    return {d.id: str(d.data.get(shown[0], d.id)) for d in content.items[kind]}


def to_cell(spec: dict, value, names: dict):
    """A YAML value as the cell that shows it."""
    if value is None:
        return None
    if spec.get("x-date"):
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if "x-ref" in spec:
        return names.get(spec["x-ref"], {}).get(value, value)
    if spec.get("type") == "array" and "x-ref" in spec["items"]:  # a round's cases: their titles, one a line
        return "\n".join(str(names.get(spec["items"]["x-ref"], {}).get(v, v)) for v in value)
    if spec.get("type") == "boolean":
        return YES if value is True else NO if value is False else str(value)
    if spec.get("type") == "array":
        items = [str(v) for v in value]
        joiner = "、" if _is_short_list(spec) and not any(SHORT_LIST_SEPARATORS.search(v) for v in items) else "\n"
        return joiner.join(items)
    if isinstance(value, str):
        return value.rstrip("\n")
    return value


class CellError(ValueError):
    pass


def _reference(kind: str, text: str, ids: dict) -> str:
    target = ids.get(kind, {})
    if text not in target:
        name = KINDS[kind].name
        raise CellError(f"找不到{name}“{text}”：请从下拉列表中选择（几项时每行写一项），或先登记这个{name}")
    return target[text]  # a name becomes its id


# A date typed as 3月5日 or 3/5: the year is the spreadsheet's guess (this year), not the clerk's.
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*(?:月|/|-|\.)\s*(\d{1,2})\s*日?\s*$")
_CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


def from_cell(spec: dict, cell, ids: dict):
    """A cell as the YAML value it stands for; None for an empty cell. CellError (Chinese) if it cannot be one."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if spec.get("x-date"):
        if isinstance(cell, dt.datetime):
            return cell.date().isoformat()
        if isinstance(cell, dt.date):
            return cell.isoformat()
        text = str(cell).strip()
        chinese = _CHINESE_DATE.match(text)
        if chinese:
            try:
                return dt.date(*map(int, chinese.groups())).isoformat()
            except ValueError:
                raise CellError(f"“{text}”不是真实存在的日期") from None
        if _MONTH_DAY.match(text):
            raise CellError(f"“{text}”没有写年份：请写成 2024-03-05 这样带年份的日期")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise CellError(f"应是日期（单元格设为日期，或写成 2023-09-12），现为“{text}”")
        return text
    if spec.get("type") in ("integer", "number"):
        if isinstance(cell, bool):
            raise CellError(f"应是数字，现为“{cell}”")
        if isinstance(cell, (int, float)):
            if spec["type"] == "integer" and float(cell) != int(cell):
                raise CellError(f"应是整数，现为 {cell}")
            return int(cell) if spec["type"] == "integer" else cell
        text = str(cell).strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        raise CellError(f"应是数字（只写阿拉伯数字，不写单位），现为“{text}”")
    if spec.get("type") == "boolean":
        if isinstance(cell, bool):
            return cell
        text = str(cell).strip()
        if text in (YES, NO):
            return text == YES
        raise CellError(f"只能填“{YES}”或“{NO}”，现为“{text}”")
    if "x-ref" in spec:
        return _reference(spec["x-ref"], str(cell).strip(), ids)
    if spec.get("type") == "array" and "x-ref" in spec["items"]:
        return [_reference(spec["items"]["x-ref"], part.strip(), ids) for part in str(cell).splitlines() if part.strip()]
    if "x-enum" in spec:
        text = str(cell).strip()
        by_label = {v.shown: v.text for v in ENUMERATIONS[spec["x-enum"]]}
        return by_label.get(text, text)
    if spec.get("type") == "array":
        text = str(cell).strip()
        pattern = SHORT_LIST_SEPARATORS if _is_short_list(spec) and "\n" not in text else re.compile(r"\n+")
        return [part.strip() for part in pattern.split(text) if part.strip()]
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell.date().isoformat() if isinstance(cell, dt.datetime) else cell.isoformat()
    text = str(cell) if not isinstance(cell, float) or not cell.is_integer() else str(int(cell))
    return text.strip() if "\n" not in text else text.strip("\n")


# --------------------------------------------------------------------------- writing workbooks


def template(book: Book, content_root: Path | None = None) -> Workbook:
    """An empty workbook for `book` (drop-downs filled from the enumerations and, with content, the references)."""
    content = load_content(content_root)[0] if content_root else None
    return _workbook(book, [], content)


def export(book: Book, content_root: Path) -> Workbook:
    """The workbook holding every item of the book's kind, as the sheet shows it."""
    content, problems = load_content(content_root)
    problems.raise_if_any()  # a file that cannot be read would be missing from the sheet
    names = {kind: _names(kind, content) for kind in content.items}
    cols = columns(book)
    rows = []
    for doc in sorted(content.items[book.kind], key=lambda d: d.id):
        rows.append([_value_for(col, doc, names) for col in cols])
    return _workbook(book, rows, content)


def _value_for(col: Column, doc, names: dict):
    if col.field == "id":
        return doc.id
    if ":" in col.field:
        part, stage = col.field.split(":")
        photo = _photo_of(doc.data, stage)
        if photo is None:
            return None
        return _photo_name(str(photo.get("file", "")), doc.kind) if part == "photo" else photo.get("alt")
    return to_cell(col.spec, doc.data.get(col.field), names)


def _photo_of(data, stage: str):
    return next((p for p in data.get("photos") or [] if isinstance(p, dict) and p.get("stage") == stage), None)


def _photo_name(file: str, kind: str) -> str:
    """A photo's path as the sheet shows it: the file name within content/media/<kind>/."""
    return file[len(kind) + 1 :] if file.startswith(kind + "/") else file


def _workbook(book: Book, rows: list[list], content) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = book.sheet
    cols = columns(book)
    choices = wb.create_sheet(CHOICES)
    choices.sheet_state = "hidden"
    ws.append([c.header for c in cols])
    for i, col in enumerate(cols, 1):
        cell = ws.cell(1, i)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.comment = Comment(("必填。" if col.required else "") + col.note, "campaignkit")
        ws.column_dimensions[get_column_letter(i)].width = (
            30 if col.spec.get("type") in ("array",) or col.spec.get("x-markdown") else 16
        )
    ws.freeze_panes = "B2"
    for row in rows:
        ws.append(row)
    last = max(DATA_ROWS, len(rows) + 1)
    for i, col in enumerate(cols, 1):
        letter = get_column_letter(i)
        allowed = _allowed(col, content)
        if allowed is not None:
            c = choices.max_column + 1 if choices.max_row > 1 or choices.cell(1, 1).value else 1
            for r, value in enumerate(allowed, 1):
                choices.cell(r, c, value)
            source = f"{quote_sheetname(CHOICES)}!${get_column_letter(c)}$1:${get_column_letter(c)}${max(len(allowed), 1)}"
            dv = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"{col.header}：请从下拉列表中选择",
            )
            if "x-ref" in col.spec:  # a new enterprise may not be in the list yet: warn, do not refuse
                dv.errorStyle = "warning"
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
        if col.spec.get("x-date"):
            dv = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请填日期",
                error=f"{col.header}：请填日期，如 2023-09-12",
            )
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
            for r in range(2, last + 1):
                ws.cell(r, i).number_format = "yyyy-mm-dd"
        if col.spec.get("type") == "array" or col.spec.get("x-markdown"):
            for r in range(2, len(rows) + 2):
                ws.cell(r, i).alignment = Alignment(wrap_text=True, vertical="top")
    _instructions(wb.create_sheet(INSTRUCTIONS, 0), book, cols, content)
    wb.active = 1
    workbook_limits.no_formulas(wb)
    return wb


def _allowed(col: Column, content) -> list[str] | None:
    if "x-enum" in col.spec:
        return ENUMERATIONS[col.spec["x-enum"]].texts
    if col.spec.get("type") == "boolean":
        return [YES, NO]
    if "x-ref" in col.spec and content is not None:
        return sorted(_names(col.spec["x-ref"], content).values())
    return None


def _instructions(ws, book: Book, cols: list[Column], content) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 90
    lines = [
        (f"{book.title}（{book.sheet}）填写说明",),
        (f"在“{book.sheet}”工作表里每行填一条，第一行是表头，不要改表头文字，列的顺序可以调整。",),
        ("带下拉箭头的格子请从列表中选；日期格子填 2023-09-12 这样的日期；“是/否”列只填 是 或 否。",),
        ("几项内容（如措施、人员、标签）写在同一个格子里：每项一行（Alt+回车换行），短的也可以用顿号“、”隔开。",),
        (
            "导入：.venv/bin/python build.py import 文件.xlsx 先列出会新建和修改哪些文件；确认无误后加 --apply 才写入。"
            + "已有的条目加 --update 才会修改，表格里没有的字段保持不变。有照片时加 --photos 照片文件夹。",
        ),
        (),
        ("列", "必填", "说明"),
    ]
    for col in cols:
        allowed = _allowed(col, content)
        extra = f"可选：{'、'.join(allowed)}" if allowed and len(allowed) <= 12 else ""
        if "x-enum" in col.spec:
            hints = [f"{v.text}：{v.hint}" for v in ENUMERATIONS[col.spec["x-enum"]] if v.hint]
            extra = "；".join(hints) or extra
        kind = "日期" if col.spec.get("x-date") else "数字" if col.spec.get("type") in ("integer", "number") else ""
        lines.append((col.header, "是" if col.required else "", "；".join(x for x in (col.note, kind, extra) if x)))
    for row in lines:
        ws.append(row)
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[7]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=8):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def save(wb: Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())


# --------------------------------------------------------------------------- reading workbooks


@dataclass
class Row:
    number: int  # the row number Excel shows
    values: dict = field(default_factory=dict)  # field → value (None: empty cell)
    photos: dict = field(default_factory=dict)  # stage → (source file or None, media path, alt)


@dataclass
class Change:
    row: int
    relpath: str
    action: str  # "new", "update", "same", "needs-update"
    changed: list[str] = field(default_factory=list)  # the headers whose values differ
    text: str = ""  # the file's new text
    photos: list = field(default_factory=list)  # (source, destination) copies


@dataclass
class ImportResult:
    problems: list[str]
    changes: list[Change]
    content_root: Path
    notes: list[str] = field(default_factory=list)  # what the import leaves out on purpose (a 序号 column)

    def report(self, apply: bool) -> str:
        if self.problems:
            return "\n".join(self.notes + self.problems + [f"共发现 {len(self.problems)} 处问题，没有写入任何文件。"])
        out = list(self.notes)
        counts = {"new": 0, "update": 0, "same": 0, "needs-update": 0}
        for c in self.changes:
            counts[c.action] += 1
            if c.action == "new":
                out.append(f"{'已新建' if apply else '将新建'} {c.relpath}（第{c.row}行）")
            elif c.action == "update":
                out.append(f"{'已修改' if apply else '将修改'} {c.relpath}（第{c.row}行）：{'、'.join(c.changed)}")
            elif c.action == "needs-update":
                out.append(f"不修改 {c.relpath}（第{c.row}行）：已存在且内容不同（{'、'.join(c.changed)}），要修改请加 --update")
        written = counts["new"] + counts["update"]
        summary = f"新建 {counts['new']} 个、修改 {counts['update']} 个、没有变化 {counts['same']} 个"
        if counts["needs-update"]:
            summary += f"、需要 --update 才修改 {counts['needs-update']} 个"
        if not written and counts["needs-update"]:
            out.append(
                f"没有写入任何文件：{counts['needs-update']} 个已有的条目和表格里的不同，要修改它们请加 --update（{summary}）。"
            )
        elif not written:
            out.append(f"没有需要写入的变化（{summary}）。")
        elif apply:
            out.append(f"已写入：{summary}。")
        else:
            out.append(f"这是预演，没有写入任何文件（{summary}）。确认无误后加 --apply 写入。")
        return "\n".join(out)


# Files a clerk may bring instead of an .xlsx: each gets the way to make one (openpyxl reads only .xlsx).
OTHER_FORMATS = {
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".et": "WPS 表格文件（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".csv": "CSV 文本文件（.csv）",
    ".ods": "LibreOffice 表格（.ods）",
    ".numbers": "Numbers 表格（.numbers）",
    ".xlsb": "Excel 二进制工作簿（.xlsb）",
}
SAVE_AS_XLSX = "请用 Excel 或 WPS 打开它，点“文件”→“另存为”，“文件类型”选“Excel 工作簿（*.xlsx）”，再导入新存的 .xlsx 文件"


def _open(path: Path):
    label = path.name
    kind = OTHER_FORMATS.get(path.suffix.lower())
    if kind is not None:
        raise BuildError(f"{label}: 这是{kind}，导入只认 Excel 工作簿（.xlsx）：{SAVE_AS_XLSX}。")
    not_a_workbook = BuildError(
        f"{label}: 打不开这个表格文件，它不是 Excel 工作簿（.xlsx），或者已经损坏：{SAVE_AS_XLSX}；"
        "另存后仍打不开的，请用 build.py template 重新生成表格，把内容复制过去。"
    )
    if not zipfile.is_zipfile(path):  # an .xls or a CSV renamed .xlsx, a file cut off: every .xlsx is a zip
        raise not_a_workbook
    workbook_limits.check(path)  # size, dimensions, rows, inflated size and time, before loading
    try:
        return load_workbook(path, data_only=True, read_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook: the clerk needs the way out
        raise not_a_workbook from None


def _without_year(cell) -> bool:
    """A date cell whose format shows no year (3月5日, m-d): the clerk never saw which year it holds."""
    if not isinstance(cell.value, (dt.date, dt.datetime)):
        return False
    fmt = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", str(cell.number_format or "")).lower()  # quoted text, escapes, [$-804]
    return fmt not in ("general", "") and "y" not in fmt and "e" not in fmt


def read_book(path: Path) -> tuple[Book, list[Column], list[Row], list[tuple[int, str]], list[str]]:
    """The rows of a filled workbook; the problems of its layout and cells that cannot be read as the
    clerk sees them (unknown sheet, header, merged cells, dates without a year); notes (columns left out)."""
    label = path.name
    wb = _open(path)
    book = next((b for b in BOOKS.values() if b.sheet in wb.sheetnames), None)
    if book is None:
        raise BuildError(
            f"{label}: 找不到工作表 {'、'.join(b.sheet for b in BOOKS.values())} 中的任何一个；"
            f"请用 build.py template 生成的表格填写"
        )
    ws = wb[book.sheet]
    cols = {c.header: c for c in columns(book)}
    header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
    problems: list[tuple[int, str]] = []  # (row, message): reported in row order
    notes: list[str] = []
    for i, h in enumerate(header):
        if not h or h in cols:
            continue
        close = difflib.get_close_matches(h, list(cols), n=1, cutoff=0.6)
        if close:
            problems.append(
                (1, f"{label} {book.sheet} 第1行 {h}（{get_column_letter(i + 1)}1）: 不认识的列，是不是要写“{close[0]}”？")
            )
        else:
            notes.append(f"{label} {book.sheet} 第1行 {h}（{get_column_letter(i + 1)}列）: 不是本表格的列，导入时不读这一列")
    for name, col in cols.items():
        if col.required and name not in header:
            problems.append((1, f"{label} {book.sheet} 第1行: 缺少必填的列“{name}”"))
    present = [(i, cols[h]) for i, h in enumerate(header) if h in cols]
    merged = [r for r in ws.merged_cells.ranges if r.max_row >= 2 and r.size["rows"] * r.size["columns"] > 1]
    for r in merged:
        heads = [header[c - 1] for c in range(r.min_col, r.max_col + 1) if c - 1 < len(header) and header[c - 1] in cols]
        if heads:
            problems.append(
                (
                    r.min_row,
                    f"{label} {book.sheet} 第{r.min_row}行 {'、'.join(heads)}: {r.coord} 是合并单元格，导入时只有左上角的格子有内容，"
                    f"其余的行（第{r.min_row}行到第{r.max_row}行）会被当作没填：请取消合并单元格，每一行都填上",
                )
            )
    rows = []
    for number, cells in enumerate(ws.iter_rows(min_row=2), 2):
        values = {col.field: cells[i].value if i < len(cells) else None for i, col in present}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        for i, col in present:
            if i < len(cells) and col.spec.get("x-date") and _without_year(cells[i]):
                shown = cells[i].value.date() if isinstance(cells[i].value, dt.datetime) else cells[i].value
                problems.append(
                    (
                        number,
                        f"{label} {book.sheet} 第{number}行 {col.header}（{cells[i].coordinate}）: 这个格子只显示月和日，"
                        f"表格软件把它记成了 {shown.isoformat()}：请确认年份，把日期写成 {shown.isoformat()} 这样带年份的样子"
                        "（或把单元格格式改成带年份的日期）",
                    )
                )
        rows.append(Row(number, values))
    return book, [c for _, c in present], rows, problems, notes


def import_book(path: Path, content_root: Path, photos_dir: Path | None = None, update: bool = False) -> ImportResult:
    """What importing `path` would do; nothing is written here (see `apply`)."""
    book, cols, rows, problems, notes = read_book(path)
    label = f"{path.name} {book.sheet}"
    content, _ = load_content(content_root)
    ids = {
        kind: {**{d.id: d.id for d in content.items[kind]}, **{name: i for i, name in _names(kind, content).items()}}
        for kind in content.items
    }
    existing = {d.id: d for d in content.items[book.kind]}
    by_header = {c.field: c.header for c in cols}
    changes: list[Change] = []
    seen: dict = {}
    for row in rows:
        errors = []
        parsed = {}
        for col in cols:
            if ":" in col.field:
                continue
            try:
                parsed[col.field] = from_cell(col.spec, row.values[col.field], ids)
            except CellError as exc:
                errors.append((col.header, str(exc)))
        item_id = parsed.pop("id", None)
        if item_id is None:
            errors.append((ID_HEADER, "不能为空：每行都要有编号（文件名和网址）"))
        elif not ID_PATTERN.match(str(item_id)):
            errors.append((ID_HEADER, f"编号只能用小写英文字母、数字和“-”，如 {book.id_example}，现为“{item_id}”"))
        elif str(item_id) in seen:
            errors.append((ID_HEADER, f"编号“{item_id}”和第{seen[item_id]}行重复"))
        photos = _row_photos(book, row, cols, content_root, photos_dir, errors)
        problems += [(row.number, f"{label} 第{row.number}行 {h}: {m}") for h, m in errors]
        if errors:
            continue
        seen[item_id] = row.number
        doc = existing.get(item_id)
        relpath = doc.relpath if doc else f"{content_root.name}/{book.kind}/{item_id}.yml"
        # Read again round-trip: the loader's data may be plain dicts (its fast path), and an
        # update must keep the file's comments, quoting and key order.
        data = yamlmerge.load(doc.source) if doc else CommentedMap()
        changed = _merge(data, parsed, photos, book, by_header)
        if doc is None:
            action = "new"
        elif not changed:
            action = "same"
        else:
            action = "update" if update else "needs-update"
        text = yamlmerge.dump(data) if action in ("new", "update") else ""
        copies = [(src, content_root / MEDIA / dest) for src, dest, _ in photos.values() if src is not None]
        changes.append(Change(row.number, relpath, action, changed, text, copies if text else []))
    # Rows whose cells could be read are checked by the kit's rules even when other rows are
    # bad, so one import reports every problem at once.
    problems += _validate_planned(content_root, changes, label, book, by_header)
    messages = [text for _, text in sorted(problems, key=lambda p: p[0])]
    return ImportResult(messages, changes if not messages else [], content_root, notes)


def _row_photos(book: Book, row: Row, cols: list[Column], content_root: Path, photos_dir: Path | None, errors: list):
    """stage → (file to copy in or None, path under content/media/, alt) for each photo named in the row."""
    out: dict = {}
    if not book.photos:
        return out
    headers = {c.field: c.header for c in cols}
    for stage in PHOTO_STAGE:
        key = f"photo:{stage.text}"
        name = row.values.get(key)
        alt = row.values.get(f"alt:{stage.text}")
        if name is None or not str(name).strip():
            if alt is not None and str(alt).strip():
                errors.append((headers.get(key, key), "写了照片说明，却没有写照片文件名"))
            continue
        name = str(name).strip()
        if "/" in name or "\\" in name or name.startswith("."):
            errors.append((headers[key], f"只写照片的文件名，不写文件夹，现为“{name}”"))
            continue
        dest = f"{book.kind}/{name}"
        source = photos_dir / name if photos_dir else None
        in_place = content_root / MEDIA / dest
        if source is not None and source.is_file():
            if in_place.exists() and not filecmp.cmp(source, in_place, shallow=False):
                errors.append((headers[key], f"content/{MEDIA}/{dest} 已有一张不同的同名照片，请给新照片改个文件名"))
                continue
            if in_place.exists():
                source = None
        elif in_place.is_file():
            source = None
        else:
            where = f"照片文件夹 {photos_dir} 里" if photos_dir else "content/media/ 里（导入时用 --photos 指定照片文件夹）"
            errors.append((headers[key], f"找不到照片“{name}”：{where}没有这个文件"))
            continue
        out[stage.text] = (source, dest, None if alt is None else str(alt).strip() or None)
    return out


def _merge(data: CommentedMap, parsed: dict, photos: dict, book: Book, headers: dict) -> list[str]:
    """Write the sheet's values into `data` (a round-trip YAML map); the headers whose values changed."""
    order = list(book.schema["properties"])
    # an empty cell is what an empty list looks like in a sheet (a round's `cases: []`): no change
    parsed = {k: (data[k] if v is None and isinstance(data.get(k), list) and not data[k] else v) for k, v in parsed.items()}
    changed = [headers[name] for name in yamlmerge.update(data, parsed, order)]
    if book.photos and photos:
        photo_list = data.get("photos")
        if photo_list is None:
            photo_list = CommentedSeq()
        for stage, (_, dest, alt) in photos.items():
            current = _photo_of({"photos": photo_list}, stage)
            wanted = {"file": dest, "alt": alt, "stage": stage}
            if current is not None and current.get("file") == dest and current.get("alt") == alt:
                continue
            changed.append(headers[f"photo:{stage}"])
            if current is None:
                entry = CommentedMap()
                for k, v in wanted.items():
                    if v is not None:
                        entry[k] = v
                photo_list.append(entry)
            else:
                for k in ("file", "alt"):
                    if wanted[k] is None:
                        current.pop(k, None)
                    else:
                        current[k] = wanted[k]
        if photo_list and "photos" not in data:
            yamlmerge.update(data, {"photos": photo_list}, order)
    return changed


def _validate_planned(content_root: Path, changes: list[Change], label: str, book: Book, headers: dict) -> list[tuple[int, str]]:
    """The kit's own validation on a copy of content/ with the planned files; problems as row and column."""
    planned = {c.relpath: c for c in changes if c.text}
    if not planned:
        return []
    linked: list[tuple[int, str]] = []  # planned files a link stands in the way of: never written through
    with tempfile.TemporaryDirectory(prefix="import-") as tmp:
        copy = Path(tmp) / content_root.name
        shutil.copytree(content_root, copy, symlinks=True)
        for change in planned.values():
            target = Path(tmp) / change.relpath
            link = _link_on_the_way(copy, [target] + [copy / dest.relative_to(content_root) for _, dest in change.photos])
            if link:
                linked.append((change.row, f"{label} 第{change.row}行: {link} {LINKED}"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            for other in target.parent.glob(target.stem + ".*"):
                other.unlink()  # the planned file replaces x.yaml as well as x.yml
            target.write_text(change.text, encoding="utf-8")
            for src, dest in change.photos:
                (copy / dest.relative_to(content_root)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, copy / dest.relative_to(content_root))
        content, problems = load_content(copy)
        _, more = validate(content)
        problems.extend(more)
    out = linked
    for p in problems.sorted():
        in_sheet = planned.get(p.path)
        if in_sheet is None:
            out.append((0, f"{clerk_words.for_forms(p)}（这个文件不在表格里，请先改好它）"))
            continue
        column = _column_of(p.field, in_sheet, headers)
        # in the sheet's words: column headers, values as cells take them (是/否), no YAML
        message = clerk_words.in_words(book.kind, p.message, {f: h for f, h in headers.items() if ":" not in f})
        kind_label = clerk_words.field_label(book.kind, p.field).split("（")[0] if p.field else ""
        out.append(
            (
                in_sheet.row,
                f"{label} 第{in_sheet.row}行 {column}: {message}"
                if column
                else f"{label} 第{in_sheet.row}行: {message}"
                + (f"（{kind_label}，表格里没有这一列，请在网页表单里改）" if kind_label else ""),
            )
        )
    return out


def _column_of(field_path: str, change: Change, headers: dict) -> str:
    top = re.split(r"[.\[]", field_path, maxsplit=1)[0]
    if top == "photos":
        match = re.match(r"photos\[(\d+)\](?:\.(\w+))?", field_path)
        if match:
            data = YAML(typ="safe", pure=True).load(change.text) or {}
            photos = data.get("photos") or []
            n = int(match.group(1)) - 1
            stage = photos[n].get("stage") if 0 <= n < len(photos) and isinstance(photos[n], dict) else None
            part = "alt" if match.group(2) in ("alt",) else "photo"
            return headers.get(f"{part}:{stage}", "")
        return ""
    return headers.get(top, "")


LINKED = "是一个链接（可能指向 content/ 以外），导入不经过链接写入：请换成普通的文件或文件夹"


def _link_on_the_way(root: Path, targets: list[Path]) -> str | None:
    return next(filter(None, (workbook_limits.link_on_the_way(root, t) for t in targets)), None)


def apply(result: ImportResult) -> None:
    """Write what `import_book` planned: photos first, then each file replaced in one rename."""
    root = result.content_root
    for change in result.changes:
        link = _link_on_the_way(root, [root.parent / change.relpath] + [dest for _, dest in change.photos])
        if link:
            raise BuildError(f"{link} {LINKED}；没有写入任何文件。")
    for change in result.changes:
        for src, dest in change.photos:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    for change in result.changes:
        if not change.text:
            continue
        target = result.content_root.parent / change.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.import")
        temp.write_text(change.text, encoding="utf-8")
        temp.replace(target)
