"""Spreadsheets as the committee's clerks use them: a template filled in Excel, imported with a
dry run, bad rows reported by sheet, row and column, --apply writing files the build accepts,
and export → import changing nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import struct

import pytest
from openpyxl import load_workbook

from tests.conftest import SAMPLE_CONTENT, run_build, tree

pytestmark = pytest.mark.slow  # each test runs build.py several times (about 2 s a run)


@pytest.fixture
def clerk(tmp_path):
    """A copy of the sample project's content, and the folder a clerk works in."""
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    return tmp_path


def kit(clerk, *args):
    return run_build(*args, cwd=clerk)


def headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def fill(path, rows: list[dict], sheet: str):
    """Write rows (header → value) under the template's header row, as a clerk would in Excel."""
    wb = load_workbook(path)
    ws = wb[sheet]
    cols = headers(ws)
    for n, row in enumerate(rows, 2):
        for header, value in row.items():
            ws.cell(n, cols.index(header) + 1, value)
    wb.save(path)


def test_template_has_chinese_headers_drop_downs_date_cells_and_instructions(clerk):
    result = kit(clerk, "template", "隐患台账")
    assert result.returncode == 0, result.stderr
    wb = load_workbook(clerk / "隐患台账.xlsx")
    assert wb.sheetnames[0] == "填写说明"
    ws = wb["隐患案例"]
    cols = headers(ws)
    for header in (
        "编号",
        "标题",
        "发现日期",
        "公开显示的地点",
        "涉及的企业",
        "隐患类型",
        "风险等级",
        "整改状态",
        "整改完成日期",
        "采取的措施",
        "整改前照片",
        "整改前照片说明",
        "整改后照片",
        "整改后照片说明",
    ):
        assert header in cols
    letter = {h: chr(ord("A") + i) for i, h in enumerate(cols)}
    lists = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            lists.setdefault(rng.coord[0], []).append(dv)
    choices = wb["可选值"]

    def allowed(header):
        (dv,) = [d for d in lists[letter[header]] if d.type == "list"]
        ref = dv.formula1.split("!")[1].replace("$", "")
        return [c.value for row in choices[ref] for c in row]

    assert allowed("整改状态") == ["已发现", "整改中", "已整改", "已移交职能部门"]
    assert allowed("风险等级") == ["高", "中", "低"]
    assert "示例·恒顺物流有限公司" in allowed("涉及的企业")  # enterprises chosen by name
    assert [d.type for d in lists[letter["发现日期"]]] == ["date"]
    assert ws[f"{letter['发现日期']}2"].number_format == "yyyy-mm-dd"
    guide = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "--apply" in guide and "已整改：已经整改到位" in guide
    for header in cols:
        assert header in guide


def test_every_book_has_a_template(clerk):
    for book, sheet in (("花名册", "企业"), ("巡查记录", "巡查")):
        assert kit(clerk, "template", book).returncode == 0
        assert "编号" in headers(load_workbook(clerk / f"{book}.xlsx")[sheet])
    bad = kit(clerk, "template", "台账")
    assert bad.returncode != 0 and "花名册" in bad.stderr


GOOD = {
    "编号": "2024-03-chuangkou",
    "标题": "宿舍三楼窗口拉线充电",
    "发现日期": dt.date(2024, 3, 5),
    "公开显示的地点": "共建区某企业宿舍",
    "隐患类型": "飞线充电",
    "风险等级": "高",
    "整改状态": "已整改",
    "整改完成日期": dt.date(2024, 3, 6),
    "采取的措施": "现场劝导\n当场拆除电线",
    "整改前照片": "before.jpg",
    "整改前照片说明": "宿舍窗口垂下一根电线",
    "整改后照片": "after.jpg",
    "整改后照片说明": "窗口电线已拆除",
}


def test_import_reports_exactly_the_bad_rows_and_writes_nothing_then_applies_after_the_fix(clerk):
    photos = clerk / "照片"
    photos.mkdir()
    for name in ("before.jpg", "after.jpg"):
        shutil.copyfile(SAMPLE_CONTENT / "media/cases/hengshun-cangku-feixian-before.jpg", photos / name)
    assert kit(clerk, "template", "隐患台账").returncode == 0
    book = clerk / "隐患台账.xlsx"
    rows = [
        GOOD,
        {
            **GOOD,
            "编号": "2024-03-loudao",
            "标题": "楼道停放电动车",
            "隐患类型": "楼道停放充电",
            "整改前照片": None,
            "整改前照片说明": None,
            "整改后照片": None,
            "整改后照片说明": None,
            "发现日期": "2024/3/7",
        },  # row 3: text date
        {
            **GOOD,
            "编号": "2024-03-sanlun",
            "标题": "三轮车改装电池",
            "隐患类型": "电池改装",
            "整改前照片": None,
            "整改前照片说明": None,
            "整改后照片": None,
            "整改后照片说明": None,
        },
        {
            **GOOD,
            "编号": "2024-03-weizhi",
            "标题": "门口接线板",
            "整改状态": "完成",
            "整改前照片": None,
            "整改前照片说明": None,
            "整改后照片": None,
            "整改后照片说明": None,
        },  # row 5: not a status
        {
            **GOOD,
            "编号": "2024-03-qiye",
            "标题": "车间外墙插座",
            "涉及的企业": "没有这家公司",
            "整改前照片": None,
            "整改前照片说明": None,
            "整改后照片": None,
            "整改后照片说明": None,
        },  # row 6: unknown enterprise
    ]
    fill(book, rows, "隐患案例")
    before = tree(clerk / "content")

    result = kit(clerk, "import", "隐患台账.xlsx", "--photos", "照片", "--apply")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "隐患台账.xlsx 隐患案例 第3行 发现日期",
        "隐患台账.xlsx 隐患案例 第5行 整改状态",
        "隐患台账.xlsx 隐患案例 第6行 涉及的企业",
    ], result.stderr
    assert "已发现/整改中/已整改/已移交职能部门" in lines[1]
    assert "没有这家公司" in lines[2]
    assert lines[-1] == "共发现 3 处问题，没有写入任何文件。"
    assert "Traceback" not in result.stderr
    assert tree(clerk / "content") == before

    fill(
        book,
        [
            {},
            {"发现日期": dt.date(2024, 3, 5)},
            {},
            {"整改状态": "已整改"},
            {"涉及的企业": "示例·恒顺物流有限公司", "是否匿名": "否"},
        ],
        "隐患案例",
    )
    dry = kit(clerk, "import", "隐患台账.xlsx", "--photos", "照片")
    assert dry.returncode == 0, dry.stderr
    for n, row in enumerate(rows, 2):
        assert f"将新建 content/cases/{row['编号']}.yml（第{n}行）" in dry.stdout
    assert "这是预演，没有写入任何文件" in dry.stdout
    assert tree(clerk / "content") == before

    done = kit(clerk, "import", "隐患台账.xlsx", "--photos", "照片", "--apply")
    assert done.returncode == 0, done.stderr
    assert "已写入：新建 5 个" in done.stdout
    written = (clerk / "content/cases/2024-03-chuangkou.yml").read_text(encoding="utf-8")
    assert "found_on: 2024-03-05" in written and "file: cases/before.jpg" in written and "stage: after" in written
    assert "enterprise: hengshun-wuliu" in (clerk / "content/cases/2024-03-qiye.yml").read_text(encoding="utf-8")
    assert (clerk / "content/media/cases/after.jpg").is_file()
    check = kit(clerk, "check")
    assert check.returncode == 0, check.stderr


def test_export_then_import_changes_nothing(clerk):
    result = kit(clerk, "export", "--output", "导出")
    assert result.returncode == 0, result.stderr
    before = tree(clerk / "content")
    for book, count in (("花名册", 6), ("巡查记录", 10), ("隐患台账", 10)):
        again = kit(clerk, "import", f"导出/{book}.xlsx", "--update", "--apply")
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == f"没有需要写入的变化（新建 0 个、修改 0 个、没有变化 {count} 个）。"
    assert tree(clerk / "content") == before
    ws = load_workbook(clerk / "导出/隐患台账.xlsx")["隐患案例"]
    cols = headers(ws)
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "hengshun-cangku-feixian")
    assert row[cols.index("涉及的企业")] == "示例·恒顺物流有限公司"
    assert row[cols.index("发现日期")] == dt.datetime(2023, 8, 3)
    assert row[cols.index("整改前照片")] == "hengshun-cangku-feixian-before.jpg"


def test_update_changes_only_the_sheets_fields_and_keeps_comments(clerk):
    case = clerk / "content/cases/hengshun-cangku-feixian.yml"
    case.write_text("# 巡查队王队长记录，勿删\n" + case.read_text(encoding="utf-8"), encoding="utf-8")
    assert kit(clerk, "export", "--output", "导出").returncode == 0
    book = clerk / "导出/隐患台账.xlsx"
    wb = load_workbook(book)
    ws = wb["隐患案例"]
    cols = headers(ws)
    for r in ws.iter_rows(min_row=2):
        if r[0].value == "hengshun-cangku-feixian":
            r[cols.index("风险等级")].value = "中"
    wb.save(book)
    original = case.read_text(encoding="utf-8")

    without = kit(clerk, "import", "导出/隐患台账.xlsx", "--apply")
    assert without.returncode == 0, without.stderr
    assert "不修改 content/cases/hengshun-cangku-feixian.yml" in without.stdout and "--update" in without.stdout
    assert case.read_text(encoding="utf-8") == original

    done = kit(clerk, "import", "导出/隐患台账.xlsx", "--update", "--apply")
    assert done.returncode == 0, done.stderr
    assert "已修改 content/cases/hengshun-cangku-feixian.yml（第4行）：风险等级" in done.stdout
    assert case.read_text(encoding="utf-8") == original.replace("risk: 高", "risk: 中")  # comment, captions, order kept


def test_patrol_log_rows_and_enterprise_register_types(clerk):
    assert kit(clerk, "template", "巡查记录").returncode == 0
    book = clerk / "巡查记录.xlsx"
    fill(
        book,
        [
            {
                "编号": "round-11",
                "第几轮": 11,
                "巡查日期": dt.date(2023, 12, 19),
                "巡查队伍": "网格员、党员志愿者",
                "检查企业数": "八十",
                "发现隐患数": 0,
            }
        ],
        "巡查",
    )
    bad = kit(clerk, "import", "巡查记录.xlsx")
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0].startswith("巡查记录.xlsx 巡查 第2行 检查企业数: 应是数字")
    fill(book, [{"检查企业数": 81}], "巡查")
    done = kit(clerk, "import", "巡查记录.xlsx", "--apply")
    assert done.returncode == 0, done.stderr
    text = (clerk / "content/patrols/round-11.yml").read_text(encoding="utf-8")
    assert "team: [网格员, 党员志愿者]" in text and "enterprises_checked: 81" in text
    assert kit(clerk, "check").returncode == 0


def test_a_file_that_is_not_a_workbook_is_one_chinese_line(clerk):
    (clerk / "x.xlsx").write_text("not a workbook")
    result = kit(clerk, "import", "x.xlsx")
    assert result.returncode == 1
    assert result.stderr.startswith("x.xlsx: 打不开这个表格文件") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "field, value",
    [
        ((8, 10), 99),  # compression method: an archive tool's AES (zipfile: NotImplementedError)
        ((6, 8), 1),  # flags: encrypted (zipfile: RuntimeError, password required)
    ],
    ids=["unknown-method", "encrypted"],
)
def test_a_workbook_the_kit_cannot_unpack_is_one_chinese_line(clerk, field, value):
    """A zip Excel did not write (packed by an archive tool, or with a password): zipfile raises
    on reading it, which must end as the same line, nothing written."""
    assert kit(clerk, "template", "巡查记录").returncode == 0
    data = bytearray((clerk / "巡查记录.xlsx").read_bytes())
    for signature, offset in zip((b"PK\x03\x04", b"PK\x01\x02"), field):  # local headers, central directory
        at = data.find(signature)
        while at >= 0:
            data[at + offset : at + offset + 2] = struct.pack("<H", value)
            at = data.find(signature, at + 4)
    (clerk / "巡查记录.xlsx").write_bytes(data)
    before = tree(clerk / "content")
    result = kit(clerk, "import", "巡查记录.xlsx", "--apply")
    assert result.returncode == 1
    assert result.stderr.startswith("巡查记录.xlsx: 打不开这个表格文件") and "Traceback" not in result.stderr
    assert tree(clerk / "content") == before
