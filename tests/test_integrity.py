"""Facts that cannot go wrong silently (issue 11): each class of mistake that used to publish
something false, leaking or broken is now one exact Chinese `file:line: field: message`.

Mistakes are made in a scratch copy of the sample content and checked with `build.py check`
(its main(), in process). Line numbers come from the files themselves (`scratch.line_of`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_CONTENT, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from campaignkit.checks.validate import validate
from campaignkit.commandline import main as cli
from campaignkit.content import photos as media
from campaignkit.content.enterprise_names import find_name, short_forms
from campaignkit.content.kinds import KINDS
from campaignkit.content.load import load_content
from campaignkit.view.campaign import build_campaign

CASE = "cases/hengshun-cangku-feixian.yml"  # named, 已整改, round-01
HIDDEN_CASE = "cases/sushe-loudao-tingfang.yml"  # anonymous, hides suda-kuaiyun (示例·速达快运有限公司)
EVENT = "events/yantaohui-2023-07.yml"
LESSON = "lessons/feixian-chongdian.yml"
SUMMARY = "共发现 {n} 处问题，未生成网站，site/ 保持不变。"


def check(s, output: Path | None = None) -> list[str]:
    """The problem lines `build.py check` prints for the scratch content (after checking how it failed)."""
    out, err = io.StringIO(), io.StringIO()
    target = output or s.root / "never-built"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["check", "--content", str(s.content), "--output", str(target)])
    lines = err.getvalue().splitlines()
    assert status == 1, (status, out.getvalue(), err.getvalue())
    assert "Traceback" not in err.getvalue()
    assert lines[-1] == SUMMARY.format(n=len(lines) - 1), lines
    return lines[:-1]


def passes(s, output: Path | None = None) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["check", "--content", str(s.content), "--output", str(output or s.root / "never-built")])
    assert status == 0, err.getvalue()


def set_line(s, rel: str, key: str, new: str) -> int:
    """Replace the line starting with `key` by `new`; return its line number."""
    lines = s.read(rel).split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(key))
    lines[n] = new
    s.write(rel, "\n".join(lines))
    return n + 1


# --- figures that agree -----------------------------------------------------------------------


def test_rectified_plus_referred_above_hazards_found_names_both_sides(scratch):
    rel = "patrols/round-05.yml"  # hazards_found: 2, rectified_on_spot: 2, referred: 0
    n = set_line(scratch, rel, "rectified_on_spot:", "rectified_on_spot: 30")
    found = scratch.line_of(rel, "hazards_found:")
    assert check(scratch) == [
        f"content/{rel}:{n}: rectified_on_spot: 当场整改 30 处加移交 0 处，共 30 处，超过了本轮发现的隐患 2 处"
        f"（hazards_found，第 {found} 行）：整改率会超过 100%，请核对这三个数字"
    ]


def test_fewer_hazards_than_cases_recorded_for_the_round(scratch):
    rel = "patrols/round-10.yml"  # hazards_found: 0
    set_line(scratch, rel, "cases:", "cases: [jiagong-chejian-feixian]")
    case = "cases/jiagong-chejian-feixian.yml"  # found 2023-11-23, in round 9: not during round 10 either
    assert check(scratch) == [
        f"content/{case}:{scratch.line_of(case, 'found_on:')}: 发现日期（found_on）: 发现日期 2023-11-23 早于它所属的第 10 轮巡查"
        "（content/patrols/round-10.yml，巡查日期 2023-12-05）：案例要记在发现它的那一轮，请核对发现日期或“来自哪一轮巡查（patrol）”",
        f"content/{rel}:{scratch.line_of(rel, 'hazards_found:')}: hazards_found: 本轮发现隐患 0 处，但记在这一轮的案例有 1 个"
        "（content/cases/jiagong-chejian-feixian.yml）：发现数不能少于案例数",
    ]


def test_a_case_found_after_its_round(scratch):
    rel = "cases/sushe-chuangkou-feixian.yml"  # round-07, 2023-10-26
    n = set_line(scratch, rel, "found_on:", "found_on: 2023-10-30")
    assert check(scratch) == [
        f"content/{rel}:{n}: 发现日期（found_on）: 发现日期 2023-10-30 晚于它所属的第 7 轮巡查（content/patrols/round-07.yml，"
        "巡查日期 2023-10-26）：案例要记在发现它的那一轮，请核对发现日期或“来自哪一轮巡查（patrol）”；"
        "一轮巡查持续几天的，请在那一轮填写“最后一天（end_date）”"
    ]


def test_a_round_that_takes_several_days_holds_the_cases_found_on_any_of_them(scratch):
    rel = "cases/sushe-chuangkou-feixian.yml"  # round-07, 2023-10-26
    set_line(scratch, rel, "found_on:", "found_on: 2023-10-28")
    scratch.replace("patrols/round-07.yml", "date: 2023-10-26\n", "date: 2023-10-26\nend_date: 2023-10-28\n")
    passes(scratch)
    set_line(scratch, rel, "found_on:", "found_on: 2023-10-29")
    n = scratch.line_of(rel, "found_on:")
    assert check(scratch) == [
        f"content/{rel}:{n}: 发现日期（found_on）: 发现日期 2023-10-29 晚于它所属的第 7 轮巡查（content/patrols/round-07.yml，"
        "巡查日期 2023-10-26 至 2023-10-28）：案例要记在发现它的那一轮，请核对发现日期或“来自哪一轮巡查（patrol）”；"
        "一轮巡查持续几天的，请在那一轮填写“最后一天（end_date）”"
    ]


def test_a_last_day_before_the_first_is_refused(scratch):
    scratch.replace("patrols/round-07.yml", "date: 2023-10-26\n", "date: 2023-10-26\nend_date: 2023-10-20\n")
    n = scratch.line_of("patrols/round-07.yml", "end_date:")
    assert check(scratch) == [
        f"content/patrols/round-07.yml:{n}: 最后一天（end_date）: 最后一天 2023-10-20 早于巡查日期（第一天）2023-10-26：请核对这两个日期"
    ]


def test_a_date_after_today(scratch):
    n = set_line(scratch, EVENT, "date:", "date: 2099-07-25")
    assert check(scratch) == [
        f"content/{EVENT}:{n}: date: 日期 2099-07-25 晚于今天（{dt.date.today()}）：还没发生的事不能发布，请检查年份和月份"
    ]


def test_validation_compares_with_the_day_it_is_given():
    content, problems = load_content(SAMPLE_CONTENT)
    assert not problems
    _, on_the_day = validate(content, today=dt.date(2023, 12, 5))  # the newest sample date
    _, before = validate(content, today=dt.date(2023, 12, 4))
    assert not on_the_day
    assert [str(p) for p in before.sorted()] == [
        "content/patrols/round-10.yml:2: date: 日期 2023-12-05 晚于今天（2023-12-04）：还没发生的事不能发布，请检查年份和月份"
    ]


@pytest.fixture(scope="module")
def sample_content():
    content, problems = load_content(SAMPLE_CONTENT)
    assert not problems
    return content


def no_photos(doc, path, photo):
    return ()  # photo resizing has nothing to do with the figures


figures = st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(figures, min_size=10, max_size=10))
def test_random_patrol_figures_never_publish_a_rate_above_100_percent(sample_content, rounds):
    patrols = sorted(sample_content.items["patrols"], key=lambda d: d.id)
    for doc, (found, fixed, referred) in zip(patrols, rounds):
        doc.data["hazards_found"], doc.data["rectified_on_spot"], doc.data["referred"] = found, fixed, referred
    checked, problems = validate(sample_content, today=dt.date(2026, 1, 1))
    if problems:
        assert all(p.field in ("rectified_on_spot", "referred", "hazards_found") for p in problems.items), problems.items
        return
    stats = build_campaign(sample_content, checked, no_photos).stats
    assert 0 <= stats.fix_rate <= 100
    assert stats.rectified + stats.referred <= stats.hazards_found


# --- did you mean ---------------------------------------------------------------------------------

STATUS_CHOICES = "必须是 已发现/整改中/已整改/已移交职能部门 之一"


ID_RULE = "编号只能用小写英文字母、数字和“-”"


@pytest.mark.parametrize(
    "field, written, message",
    [
        ("status", "整改完成", f"{STATUS_CHOICES}，现为“整改完成”，是不是要写“已整改”？"),
        ("status", "已移交", f"{STATUS_CHOICES}，现为“已移交”，是不是要写“已移交职能部门”？"),
        ("status", "已整改\u3000", f"{STATUS_CHOICES}，现为“已整改\u3000”（末尾多了一个全角空格），是不是要写“已整改”？"),
        ("status", "已\u200b整改", f"{STATUS_CHOICES}，现为“已\u200b整改”（含有看不见的零宽空格），是不是要写“已整改”？"),
        (
            "hazard",
            "飛線充電",
            "必须是 飞线充电/楼道停放充电/私拉电线/电池改装/其他 之一，现为“飛線充電”（繁体字），是不是要写“飞线充电”？",
        ),
        ("patrol", "round-01.yml", f"{ID_RULE}，现为“round-01.yml”，是不是要写“round-01”？（编号不带扩展名 .yml）"),
        ("patrol", "Round-01", f"{ID_RULE}，现为“Round-01”，是不是要写“round-01”？（编号只用小写字母）"),
    ],
)
def test_did_you_mean(scratch, field, written, message):
    n = set_line(scratch, CASE, f"{field}:", f"{field}: {written}")
    assert check(scratch) == [f"content/{CASE}:{n}: {field}: {message}"]


def test_id_in_a_list_in_title_case(scratch):
    n = set_line(scratch, CASE, "lessons:", "lessons: [Feixian-Chongdian, qiye-zeren]")
    assert check(scratch) == [
        f"content/{CASE}:{n}: lessons[1]: 编号只能用小写英文字母、数字和“-”，"
        "现为“Feixian-Chongdian”，是不是要写“feixian-chongdian”？（编号只用小写字母）"
    ]


def test_photo_name_differs_in_case_from_the_file_on_disk(scratch):
    shutil.copy(scratch.path("media/cases/hengshun-cangku-feixian-before.jpg"), scratch.path("media/cases/IMG_0001.JPG"))
    scratch.replace(CASE, "file: cases/hengshun-cangku-feixian-before.jpg", "file: cases/img_0001.jpg")
    n = scratch.line_of(CASE, "img_0001.jpg")
    assert check(scratch) == [
        f"content/{CASE}:{n}: photos[1].file: 找不到图片文件 content/media/cases/img_0001.jpg；"
        "文件夹里有 IMG_0001.JPG，文件名的大小写要和文件完全一致，是不是要写“cases/IMG_0001.JPG”？"
    ]


def test_full_width_digits_in_a_number(scratch):
    rel = "enterprises/hengshun-wuliu.yml"
    n = set_line(scratch, rel, "employees:", "employees: ５０")
    assert check(scratch) == [f"content/{rel}:{n}: employees: 应为整数，不能用全角数字（请切换到英文输入法重新输入），现为“５０”"]


# --- anonymity by every name ------------------------------------------------------------------


def test_short_forms_go_down_to_a_distinctive_core():
    assert short_forms("鑫泰包装材料有限公司") == ["鑫泰包装材料有限公司", "鑫泰包装材料", "鑫泰"]
    assert short_forms("示例·速达快运有限公司")[-1] == "速达"
    assert short_forms("泰州市海陵区通衢供应链管理有限公司")[-1] == "通衢"
    assert all(len(f) >= 2 for f in short_forms("海陵物流有限公司"))  # never down to one character
    # A hidden 鑫泰 inside a published enterprise's own name is that enterprise, not a leak.
    assert find_name("鑫泰物流的车棚", ["鑫泰"], ["鑫泰物流"]) is None
    assert find_name("鑫泰物流和鑫泰的车棚", ["鑫泰"], ["鑫泰物流"]) == "鑫泰"


def test_an_enterprise_behind_an_anonymous_case_may_be_named_elsewhere(scratch):
    """Anonymity hides the link between the case and the enterprise, not the enterprise: an event
    or a lesson may name it (it attended, it is in the list of enterprises)."""
    set_line(scratch, EVENT, "title:", "title: 共建区安全工作研讨会（速达承办）")
    passes(scratch)


def test_names_listed_in_also_known_as_are_refused_in_the_anonymous_case(scratch):
    rel = "enterprises/suda-kuaiyun.yml"
    scratch.write(rel, scratch.read(rel) + "also_known_as: [老邮局车队]\n")
    scratch.replace(HIDDEN_CASE, "summary: ", "summary: 老邮局车队")
    n = scratch.line_of(HIDDEN_CASE, "summary:")
    assert check(scratch) == [
        f"content/{HIDDEN_CASE}:{n}: summary: 匿名案例的公开文字里出现了企业名称“老邮局车队”，请删掉或改成“某企业”"
    ]


def test_the_anonymous_case_itself_may_not_use_the_short_name(scratch):
    scratch.replace(HIDDEN_CASE, "summary: ", "summary: 速达")
    n = scratch.line_of(HIDDEN_CASE, "summary:")
    assert check(scratch) == [
        f"content/{HIDDEN_CASE}:{n}: summary: 匿名案例的公开文字里出现了企业名称“速达”，请删掉或改成“某企业”"
    ]


def test_the_anonymous_case_may_not_link_its_enterprise(scratch):
    scratch.replace(HIDDEN_CASE, "description: |\n", "description: |\n  详见[这家企业](/enterprises/suda-kuaiyun/)。\n\n")
    n = scratch.line_of(HIDDEN_CASE, "详见")
    assert check(scratch) == [
        f"content/{HIDDEN_CASE}:{n}: description: 匿名案例的文字里链接了它的企业页面（/enterprises/suda-kuaiyun/）："
        "链接也会透露是哪家企业，请删掉这个链接"
    ]


def warnings_of(s) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["check", "--content", str(s.content), "--output", str(s.root / "never-built")])
    assert status == 0, err.getvalue()  # a warning never blocks
    return [line for line in err.getvalue().splitlines() if line.startswith("提醒：")]


def test_a_place_that_points_at_the_one_enterprise_of_its_trade_is_a_warning(scratch):
    rel = "cases/cangku-silai-dianxian.yml"  # anonymous, no enterprise
    set_line(scratch, rel, "place:", "place: 共建区某包装企业")
    n = scratch.line_of(rel, "place:")
    assert warnings_of(scratch) == [
        f"提醒：content/{rel}:{n}: 公开显示的地点（place）: “共建区某包装企业”里的“包装”加上网站公开的企业信息，只对得上一家企业"
        "（示例·鑫泰包装材料有限公司，content/enterprises/xintai-baozhuang.yml），会让读者以为是它："
        "匿名案例请写得笼统一些，如“某企业”"
    ]
    scratch.write(rel, scratch.read(rel) + "enterprise: xintai-baozhuang\n")
    assert "正是本案例的企业" in warnings_of(scratch)[0]
    set_line(scratch, rel, "place:", "place: 共建区某物流企业")  # five public enterprises in 物流快递
    assert warnings_of(scratch) == []


# --- Markdown that means what the editor meant ---------------------------------------------------


def with_description(s, body: str) -> int:
    """Put `body` (lines) at the start of CASE's description; return the line of its first line."""
    s.replace(CASE, "description: |\n", "description: |\n" + "".join(f"  {line}\n" for line in body.split("\n")) + "\n")
    return s.line_of(CASE, "description: |") + 1


def test_a_table_without_its_separator_row(scratch):
    n = with_description(scratch, "| 轮次 | 发现 | 整改 |\n| 1 | 5 | 5 |")
    assert check(scratch) == [
        f"content/{CASE}:{n}: description: 表格缺少表头下面的分隔行，不会显示成表格：请在第一行（表头）下面加一行 |---|---|---|"
    ]


def test_a_table_with_full_width_pipes(scratch):
    n = with_description(scratch, "| 轮次 | 发现 |\n|---|---|\n｜ 1 ｜ 5 ｜")
    assert check(scratch) == [
        f"content/{CASE}:{n + 2}: description: 表格用了全角竖线“｜”，不会显示成表格：请改成半角竖线“|”（切换到英文输入法）"
    ]


def test_a_table_pasted_from_excel(scratch):
    n = with_description(scratch, "轮次\t发现\t整改\n1\t5\t5")
    assert check(scratch) == [
        f"content/{CASE}:{n}: description: 这几行用制表符（Tab）分隔，像是从 Excel 粘贴的表格，"
        "不会显示成表格：请改写成 “| 列1 | 列2 |”的形式，并在表头下面加一行 |---|---|---|"
    ]


def test_a_proper_table_passes_and_is_rendered_as_a_table(scratch):
    from campaignkit.content.markup import render_markdown

    with_description(scratch, "| 轮次 | 发现 |\n|---|---|\n| 1 | 5 |")
    passes(scratch)
    assert "<table>" in render_markdown("| 轮次 | 发现 |\n|---|---|\n| 1 | 5 |")


def test_an_image_in_markdown_is_refused(scratch):
    n = with_description(scratch, "现场照片：![插线板](cases/a.jpg)")
    assert check(scratch) == [f"content/{CASE}:{n}: description: 正文里的图片不会显示：照片请写在 photos 里（写明 file 和 alt）"]


def test_option_letters_typed_by_hand(scratch):
    rel = "lessons/feixian-chongdian.yml"
    text = scratch.read(rel)
    first_options = text.index("options:")
    option = text.index("- ", first_options)
    scratch.write(rel, text[:option] + "- A. " + text[option + 2 :])
    n = text[:option].count("\n") + 1
    typed = text[option + 2 :].split("\n", 1)[0]
    assert check(scratch) == [
        f"content/{rel}:{n}: quiz[1].options[1]: 选项开头不要自己写字母“A.”：网站和讲义会自动加上 A、B、C，"
        f"否则会显示成“A. A. {typed}”；请删掉每个选项开头的字母"
    ]


def test_a_value_cut_at_space_hash(scratch):
    n = set_line(scratch, CASE, "title:", "title: 食堂后门 #1 插线板")
    assert check(scratch) == [
        f"content/{CASE}:{n}: title: “ #”后面的文字会被当作注释丢掉：发布的只有“食堂后门”，"
        '“#1 插线板”不会出现；如果这也是内容，请把整段文字用引号括起来，如 "食堂后门 #1 插线板"'
    ]


def test_a_comment_after_a_number_or_quoted_text_is_fine(scratch):
    set_line(scratch, "patrols/round-01.yml", "enterprises_checked:", "enterprises_checked: 36  # 含两家新入驻")
    set_line(scratch, CASE, "title:", 'title: "物流仓库窗口拉线给电动车充电"  # 标题已核')
    passes(scratch)


def test_the_same_person_twice(scratch):
    scratch.write("people/zhou-deming-2.yml", scratch.read("people/zhou-deming.yml"))
    name = scratch.read("people/zhou-deming.yml").split("name: ", 1)[1].split("\n")[0]
    role = scratch.read("people/zhou-deming.yml").split("role: ", 1)[1].split("\n")[0]
    assert check(scratch) == [
        f"content/people/zhou-deming-2.yml:{scratch.line_of('people/zhou-deming-2.yml', 'name:')}: name: "
        f"与 content/people/zhou-deming.yml 的姓名和身份都相同（{name}，{role}），同一个人会发布两次：请删掉其中一个文件"
        "（删掉本文件的话，在 content/people/zhou-deming.yml 里写 aliases: [zhou-deming-2]，旧网址会跳转过去）"
    ]


# --- messages that diagnose the real mistake -----------------------------------------------------


def yaml_error(s, rel, n, col, hint):
    return f"content/{rel}:{n}: YAML 格式错误（第 {n} 行第 {col} 列）：{hint}"


def test_no_space_after_the_dash(scratch):
    scratch.replace(CASE, "  - 企业当场拆除", "  -企业当场拆除")
    n = scratch.line_of(CASE, "  -企业当场拆除")
    assert check(scratch) == [
        yaml_error(scratch, CASE, n, 3, "“-”后面要加一个空格：列表的每一项写成“- 内容”（用英文的“-”和空格）")
    ]


def test_no_space_after_the_dash_of_the_first_item(scratch):
    rel = "patrols/round-01.yml"
    text = scratch.read(rel).replace("team: [协管员, 网格员, 党员志愿者, 物业人员]", "team:\n  -协管员\n  - 网格员")
    scratch.write(rel, text)
    n = scratch.line_of(rel, "team:")
    assert check(scratch) == [
        f"content/{rel}:{n}: team: 应为列表（每项以“- ”开头）（“-”后面要加一个空格：列表的每一项写成“- 内容”），"
        "现为“-协管员 - 网格员”"
    ]


def test_a_missing_dash_between_two_photos(scratch):
    scratch.replace(
        CASE, "  - file: cases/hengshun-cangku-feixian-after.jpg", "    file: cases/hengshun-cangku-feixian-after.jpg"
    )
    first = scratch.line_of(CASE, "  - file: cases/hengshun-cangku-feixian-before.jpg")
    n = scratch.line_of(CASE, "    file: cases/hengshun-cangku-feixian-after.jpg")
    assert check(scratch) == [
        yaml_error(
            scratch,
            CASE,
            n,
            3,
            f"这里应该是列表的新一项，行首缺少“- ”（第 {first} 行开始的一项里已经有“file”）：每一项的第一个字段前写“- ”",
        )
    ]


def test_a_missing_dash_in_a_list_of_texts(scratch):
    scratch.replace(CASE, "  - 企业当场拆除", "  企业当场拆除")
    n = scratch.line_of(CASE, "  企业当场拆除")
    assert check(scratch) == [
        yaml_error(scratch, CASE, n, 3, "这一行和上一项对齐，像是列表的一项，但行首缺少“- ”：列表的每一项都以“- ”开头")
    ]


def test_a_value_starting_with_a_bracket(scratch):
    n = set_line(scratch, CASE, "title:", "title: [重要] 仓库窗口拉线充电")
    assert check(scratch) == [
        yaml_error(
            scratch,
            CASE,
            n,
            8,
            "以“[”开头的文字会被当作列表或映射，后面的文字就接不上了："
            '请把整段文字用引号括起来，如 title: "[重要] 仓库窗口拉线充电"（或改用中文括号【】）',
        )
    ]


def test_bold_at_the_start_of_a_value(scratch):
    n = set_line(scratch, CASE, "summary:", "summary: **重点** 仓库窗口垂下插线板")
    assert check(scratch) == [
        f'content/{CASE}:{n}: 以“*”开头的文字会被 YAML 当作别名：请把整段文字用引号括起来，如 "**重点** ……"'
    ]


def test_three_syntax_mistakes_in_one_file_in_one_run(scratch):
    a = set_line(scratch, CASE, "title:", "title: 注意: 仓库窗口")
    b = set_line(scratch, CASE, "place:", 'place: "示例·恒顺物流')
    c = set_line(scratch, CASE, "tags:", "tags: [物流快递, 窗口飞线")
    assert check(scratch) == [
        yaml_error(scratch, CASE, a, 10, "这里不能出现冒号“: ”；如果文字里有冒号，请把整段文字用引号括起来"),
        yaml_error(scratch, CASE, b, 8, "引号没有配对：这里开始的引号一直没有结束"),
        yaml_error(scratch, CASE, c, 7, "方括号“[”没有配对的“]”，或者方括号里的文字含有冒号（请把这项文字用引号括起来）"),
    ]


# --- a published URL stays reachable ---------------------------------------------------------------


@pytest.fixture
def last_site(tmp_path) -> Path:
    """The item and page URLs of the sample site as published (what continuity reads of a site)."""
    site = tmp_path / "published"
    for folder in KINDS:
        for path in (SAMPLE_CONTENT / folder).glob("*.yml"):
            if "draft: true" not in path.read_text():
                (site / folder / path.stem).mkdir(parents=True)
                (site / folder / path.stem / "index.html").write_text("<html></html>")
    for path in (SAMPLE_CONTENT / "pages").glob("*.md"):
        (site / path.stem).mkdir(parents=True)
        (site / path.stem / "index.html").write_text("<html></html>")
    (site / "cases" / "all").mkdir()
    (site / "cases" / "all" / "index.html").write_text("<html></html>")
    return site


def test_unchanged_content_keeps_every_url(scratch, last_site):
    passes(scratch, last_site)


WITHDRAW = "如确实要撤下这个页面，请在 content/site.yml 里写 withdrawn: [{url}]（撤下后这个网址会显示“页面不存在”）"


def test_a_removed_case_stops_the_build_and_names_the_fix(scratch, last_site):
    scratch.path("cases/xiaowei-qiye-feixian.yml").unlink()
    scratch.replace("patrols/round-04.yml", "cases: [xiaowei-qiye-feixian]", "cases: []")
    scratch.replace(LESSON, "  - xiaowei-qiye-feixian\n", "")
    assert check(scratch, last_site) == [
        "content/site.yml:1: withdrawn: 已发布的网址 /cases/xiaowei-qiye-feixian/ 这次会消失：隐患案例“xiaowei-qiye-feixian”的文件 "
        "content/cases/xiaowei-qiye-feixian.yml 已删除或改名。改名的，请在新文件里加上 aliases: [xiaowei-qiye-feixian]；"
        + WITHDRAW.format(url="cases/xiaowei-qiye-feixian/")
    ]
    scratch.write("site.yml", scratch.read("site.yml") + "withdrawn:\n  - cases/xiaowei-qiye-feixian/\n")
    passes(scratch, last_site)


def test_a_person_renamed_without_aliases(scratch, last_site):
    scratch.path("people/zhou-deming.yml").rename(scratch.path("people/zhou-deming-laoshi.yml"))
    assert check(scratch, last_site) == [
        "content/people/zhou-deming-laoshi.yml:1: aliases: 已发布的网址 /people/zhou-deming/ 这次会消失"
        "（content/people/zhou-deming.yml 已不存在）：如果本文件是由它改名而来，请加上 aliases: [zhou-deming]，"
        "旧网址会自动跳转到这里；" + WITHDRAW.format(url="people/zhou-deming/")
    ]
    rel = "people/zhou-deming-laoshi.yml"
    scratch.write(rel, scratch.read(rel) + "aliases: [zhou-deming]\n")
    passes(scratch, last_site)


def test_a_routine_anonymous_case_changes_no_other_file(scratch, last_site):
    """A case at an ordinary enterprise, anonymous by default: no problem anywhere, the enterprise
    keeps its published page and its place in the events it attended."""
    rel = "cases/cangku-silai-dianxian.yml"  # anonymous, no enterprise yet
    assert "enterprise:" not in scratch.read(rel)
    assert (last_site / "enterprises" / "xintai-baozhuang" / "index.html").is_file()
    scratch.write(rel, scratch.read(rel) + "enterprise: xintai-baozhuang\n")
    events = [p for p in scratch.content.glob("events/*.yml") if "xintai-baozhuang" in p.read_text()]
    assert len(events) == 2
    passes(scratch, last_site)


def test_an_item_turned_into_a_draft(scratch, last_site):
    rel = "facilities/beiqu-chongdian.yml"
    scratch.write(rel, "draft: true\n" + scratch.read(rel))
    assert check(scratch, last_site) == [
        f"content/{rel}:1: draft: 已发布的网址 /facilities/beiqu-chongdian/ 这次会消失：本文件改成了草稿（draft: true）。"
        "要继续发布，请去掉 draft；" + WITHDRAW.format(url="facilities/beiqu-chongdian/")
    ]


def test_withdrawing_a_page_that_is_still_published_is_refused(scratch, last_site):
    scratch.write("site.yml", scratch.read("site.yml") + "withdrawn: [/cases/hengshun-cangku-feixian/]\n")
    n = scratch.line_of("site.yml", "withdrawn:")
    assert check(scratch, last_site) == [
        f"content/site.yml:{n}: withdrawn: 网址 cases/hengshun-cangku-feixian/ 这次仍会发布（content/{CASE}），"
        "不能同时写在 withdrawn 里：请删掉这一项"
    ]


@pytest.mark.parametrize(
    "link, message",
    [
        ("/cases/nonexist/", "链接“/cases/nonexist/”指向的页面不存在（找不到隐患案例“nonexist”）"),
        (
            "../../lessons/feixian-chongdan/",
            "链接“../../lessons/feixian-chongdan/”指向的页面不存在（找不到课程“feixian-chongdan”），"
            "是不是要写“/lessons/feixian-chongdian/”？",
        ),
        (
            "https://aqcd.example.cn/abuot/",
            "链接“https://aqcd.example.cn/abuot/”指向的页面不存在（content/pages/abuot.md 不存在），是不是要写“/about/”？",
        ),
    ],
)
def test_links_inside_markdown_to_pages_that_do_not_exist(scratch, link, message):
    n = with_description(scratch, f"详见[这里]({link})。")
    assert check(scratch) == [f"content/{CASE}:{n}: description: {message}"]


def test_links_that_lead_somewhere_pass(scratch):
    with_description(
        scratch,
        "见[东门充电处](/facilities/dongmen-chongdian/)、[关于](https://aqcd.example.cn/about/)、"
        "[全部案例](/cases/all/)、[应急管理部](https://www.mem.gov.cn/)、[旧编号](/cases/hengshun-2023/)。",
    )
    rel = CASE
    scratch.write(rel, scratch.read(rel) + "aliases: [hengshun-2023]\n")
    passes(scratch)


@pytest.mark.slow
def test_a_real_site_rebuilt_keeps_its_urls_and_a_lost_url_leaves_it_untouched(scratch):
    out = scratch.root / "site"
    first = scratch.build("--no-pdf", output=out)
    assert first.returncode == 0, first.stderr
    again = scratch.build("--no-pdf", output=out)  # every page the kit makes is known to continuity
    assert again.returncode == 0, again.stderr
    before = tree(out)
    scratch.path("people/zhou-deming.yml").rename(scratch.path("people/zhou-deming-laoshi.yml"))
    failed = scratch.build("--no-pdf", output=out)
    assert failed.returncode == 1
    assert "content/people/zhou-deming-laoshi.yml:1: aliases: 已发布的网址 /people/zhou-deming/ 这次会消失" in failed.stderr
    assert tree(out) == before


# --- HEIC photos ---------------------------------------------------------------------------------


def heic(path: Path, size=(1600, 1200)) -> Path:
    Image.new("RGB", size, (183, 28, 28)).save(path, format="HEIF", quality=50)
    return path


@pytest.mark.parametrize("name", ["cases/iphone.heic", "cases/iphone-renamed.jpg"])
def test_iphone_photos_are_accepted_and_published_as_jpeg(scratch, tmp_path, name):
    heic(scratch.path(f"media/{name}"))
    scratch.replace(CASE, "file: cases/hengshun-cangku-feixian-before.jpg", f"file: {name}")
    passes(scratch)
    renditions = media.publish_photo(scratch.path(f"media/{name}"), tmp_path / "cache")
    assert [r.width for r in renditions] == [480, 960]
    with Image.open(tmp_path / "cache" / Path(renditions[-1].url).name) as im:
        assert im.format == "JPEG" and im.size == (960, 720)
        assert not im.info.get("exif") and not im.info.get("icc_profile")
