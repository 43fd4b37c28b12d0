"""Workbooks as clerks fill them (issue 25), each re-saved by LibreOffice (`soffice --headless
--convert-to xlsx`) the way a clerk's office suite saves it: a date typed without a year, merged
cells, an added 序号 or 备注 column, an .xls, a CSV or a WPS .et brought instead of an .xlsx, edits
of existing items imported without --update; the templates' own example ids and the patrol sheet's
list of the round's cases."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaignkit.common.problems import BuildError
from campaignkit.editing import workbook_io as sheets
from campaignkit.editing.workbook_kinds import BOOKS
from tests.conftest import SAMPLE_CONTENT

pytestmark = pytest.mark.slow  # LibreOffice takes a few seconds a conversion
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is installed by setup.sh --dev")


@pytest.fixture
def content(tmp_path) -> Path:
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    return tmp_path / "content"


def resaved(path: Path, to: str = "xlsx") -> Path:
    """`path` opened and saved by LibreOffice as `to` (one conversion a process: long sessions can abort)."""
    out = path.parent / f"resaved-{to}"
    out.mkdir(exist_ok=True)
    profile = path.parent / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to, "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(path.parent)},
    )
    return out / f"{path.stem}.{to}"


def filled(content: Path, title: str, rows: list[dict], change=None) -> Path:
    """The book's template with `rows` (header → value) under its header, as a clerk types them;
    `change(ws)` does what else the clerk did to the sheet; saved, then re-saved by LibreOffice."""
    book = BOOKS[title]
    wb = sheets.template(book, content)
    ws = wb[book.sheet]
    cols = [c.value for c in ws[1]]
    for n, row in enumerate(rows, 2):
        for header, value in row.items():
            ws.cell(n, cols.index(header) + 1, value)
    if change:
        change(ws)
    path = content.parent / f"{title}.xlsx"
    sheets.save(wb, path)
    return resaved(path)


CASE_ROW = {
    "编号": "2024-03-sushe-feixian",
    "标题": "宿舍窗口拉线充电",
    "发现日期": dt.date(2024, 3, 5),
    "公开显示的地点": "共建区某企业宿舍",
    "隐患类型": "飞线充电",
    "风险等级": "高",
    "整改状态": "已发现",
}


@needs_soffice
def test_a_date_shown_without_its_year_is_reported_with_its_cell(content):
    def month_day(ws):
        ws["C2"].number_format = 'm"月"d"日"'

    path = filled(content, "隐患台账", [CASE_ROW], month_day)
    assert load_workbook(path)["隐患案例"]["C1"].value == "发现日期"  # the column the format was set on
    result = sheets.import_book(path, content)
    assert result.problems == [
        f"{path.name} 隐患案例 第2行 发现日期（C2）: 这个格子只显示月和日，表格软件把它记成了 2024-03-05："
        "请确认年份，把日期写成 2024-03-05 这样带年份的样子（或把单元格格式改成带年份的日期）"
    ]
    typed = filled(content, "隐患台账", [{**CASE_ROW, "发现日期": "3月5日"}])  # typed as text
    assert sheets.import_book(typed, content).problems == [
        f"{typed.name} 隐患案例 第2行 发现日期: “3月5日”没有写年份：请写成 2024-03-05 这样带年份的日期"
    ]


@needs_soffice
def test_merged_cells_are_named_as_such(content):
    second = {**CASE_ROW, "编号": "2024-03-sushe-feixian-2", "标题": None}

    def merge(ws):
        ws.merge_cells("B2:B3")

    path = filled(content, "隐患台账", [CASE_ROW, second], merge)
    problems = sheets.import_book(path, content).problems
    assert problems[0] == (
        f"{path.name} 隐患案例 第2行 标题: B2:B3 是合并单元格，导入时只有左上角的格子有内容，"
        "其余的行（第2行到第3行）会被当作没填：请取消合并单元格，每一行都填上"
    ), problems


@needs_soffice
def test_added_columns_such_as_a_row_number_or_a_remark_are_left_out_with_a_note(content):
    def extra(ws):
        ws.insert_cols(1)
        ws["A1"], ws["A2"] = "序号", 1
        last = ws.max_column + 1
        ws.cell(1, last, "备注")
        ws.cell(2, last, "周一补拍照片")

    path = filled(content, "隐患台账", [CASE_ROW], extra)
    result = sheets.import_book(path, content)
    assert result.problems == []
    report = result.report(apply=False)
    assert f"{path.name} 隐患案例 第1行 序号（A列）: 不是本表格的列，导入时不读这一列" in report
    assert "第1行 备注" in report and "将新建 content/cases/2024-03-sushe-feixian.yml（第2行）" in report


@needs_soffice
@pytest.mark.parametrize("to", ["xls", "csv"])
def test_an_xls_or_csv_gets_the_way_to_an_xlsx_and_no_exception_name(content, to):
    path = resaved(filled(content, "隐患台账", [CASE_ROW]), to)
    with pytest.raises(BuildError) as refused:
        sheets.import_book(path, content)
    message = refused.value.message
    assert "另存为" in message and "Excel 工作簿（*.xlsx）" in message
    assert not any(word in message for word in ("Exception", "Error", "BadZip", "Invalid"))


def test_a_wps_file_or_a_broken_one_gets_the_same_way_out(content, tmp_path):
    et = tmp_path / "台账.et"
    et.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(BuildError) as refused:
        sheets.import_book(et, content)
    assert "WPS 表格文件（.et）" in refused.value.message and "另存为" in refused.value.message
    broken = tmp_path / "台账.xlsx"
    broken.write_bytes(b"PK\x03\x04 cut off")
    with pytest.raises(BuildError) as refused:
        sheets.import_book(broken, content)
    assert "另存为" in refused.value.message and "Error" not in refused.value.message


@needs_soffice
def test_the_summary_never_says_nothing_changed_when_edits_were_skipped(content):
    book = BOOKS["花名册"]
    path = content.parent / "花名册.xlsx"
    wb = sheets.export(book, content)
    ws = wb[book.sheet]
    cols = [c.value for c in ws[1]]
    ws.cell(2, cols.index("员工人数") + 1, 999)
    sheets.save(wb, path)
    result = sheets.import_book(resaved(path), content)
    report = result.report(apply=True)
    assert "没有需要写入的变化" not in report
    assert "没有写入任何文件：1 个已有的条目和表格里的不同，要修改它们请加 --update" in report


def test_each_template_has_an_example_id_of_its_own_kind(content):
    for title, example in (("花名册", "hengshun-wuliu"), ("巡查记录", "round-11"), ("隐患台账", "2024-03-cangku-feixian")):
        wb = sheets.template(BOOKS[title], content)
        notes = " ".join(str(row[2].value) for row in wb["填写说明"].iter_rows(min_row=8) if row[0].value == "编号")
        assert f"如 {example}" in notes, (title, notes)


@needs_soffice
def test_the_patrol_sheet_lists_the_rounds_cases_and_its_last_day(content):
    row = {
        "编号": "round-11",
        "第几轮": 11,
        "巡查日期": dt.date(2023, 12, 12),
        "最后一天": dt.date(2023, 12, 14),
        "发现隐患数": 1,
        "本轮记录的案例": "宿舍窗口拉线充电",
    }
    cases = {**CASE_ROW, "发现日期": dt.date(2023, 12, 14)}
    first = filled(content, "隐患台账", [cases])
    sheets.apply(sheets.import_book(first, content))
    path = filled(content, "巡查记录", [row])
    result = sheets.import_book(path, content)
    assert result.problems == []
    sheets.apply(result)
    text = (content / "patrols" / "round-11.yml").read_text(encoding="utf-8")
    assert "end_date: 2023-12-14" in text and "cases: [2024-03-sushe-feixian]" in text
    exported = sheets.export(BOOKS["巡查记录"], content)
    ws = exported["巡查"]
    cols = [c.value for c in ws[1]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["round-11"][cols.index("本轮记录的案例")] == "宿舍窗口拉线充电"
