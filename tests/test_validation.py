"""Content mistakes come back as exact Chinese messages with file and line (issue 2).

Every kind of mistake an editor can make is made on purpose in a scratch copy of the
sample content; the build must report it as exactly one message
`content/<file>:<line>: <field>: <message>`, exit with status 1, print no traceback and
leave the output folder exactly as it was. Expected line numbers come from the files
themselves (`scratch.line_of`), so editing the sample content does not break these tests;
the message text is asserted in full.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import tree

from campaignkit.commandline import main as cli

CASE = "cases/hengshun-cangku-feixian.yml"  # named (anonymous: false), 已整改, two photos, patrol round-01
LESSON = "lessons/feixian-chongdian.yml"
SUMMARY = "共发现 {n} 处问题，未生成网站，site/ 保持不变。"


def reported(result) -> list[str]:
    """The problem lines of a failed run, after checking how it failed."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == SUMMARY.format(n=len(lines) - 1), result.stderr
    return lines[:-1]


def run_in_process(*args: str) -> subprocess.CompletedProcess:
    """build.py's main() without a new interpreter (~0.2 s instead of ~1 s); same output and exit status."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return subprocess.CompletedProcess(["build.py", *args], status, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def built_output(sample_site, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A good build (a copy of the session's sample build) that failed builds must not touch."""
    out = tmp_path_factory.mktemp("previous") / "site"
    shutil.copytree(sample_site, out, symlinks=True)
    return out, tree(out)


@pytest.fixture
def previous_site(built_output, sample_site):
    """The output folder of an earlier good build; put back if a test's build changed it."""
    out, before = built_output
    yield out, before
    if tree(out) != before:
        shutil.rmtree(out)
        shutil.copytree(sample_site, out, symlinks=True)


# --- one mistake of each kind -------------------------------------------------------------
# Each function breaks the scratch content and returns the exact lines the build must print.


def yaml_colon_in_text(s):
    bad = "summary: 注意: 仓库窗口垂下插线板给电动车充电"
    s.replace(CASE, s.read(CASE).splitlines()[s.line_of(CASE, "summary:") - 1], bad)
    n, col = s.line_of(CASE, "summary:"), bad.index(": ", len("summary:")) + 1
    # The case is referenced by two lessons and patrol round-01: no "not found" noise there.
    return [
        f"content/{CASE}:{n}: YAML 格式错误（第 {n} 行第 {col} 列）：这里不能出现冒号“: ”；如果文字里有冒号，请把整段文字用引号括起来"
    ]


def yaml_unclosed_quote(s):
    s.replace(CASE, "place: 示例", 'place: "示例')
    n = s.line_of(CASE, "place:")
    return [f"content/{CASE}:{n}: YAML 格式错误（第 {n} 行第 8 列）：引号没有配对：这里开始的引号一直没有结束"]


def yaml_extra_indent(s):
    s.replace(CASE, "\nrisk: ", "\n risk: ")
    n = s.line_of(CASE, " risk:")
    return [
        f"content/{CASE}:{n}: YAML 格式错误（第 {n} 行第 2 列）：这一行比上一行多缩进了空格："
        "如果是新的字段，请和上一行左对齐；如果是上一行文字的继续，请把整段文字用引号括起来"
    ]


def yaml_list_item_out_of_line(s):
    s.replace(CASE, "  - 企业当场拆除", "- 企业当场拆除")
    n = s.line_of(CASE, "- 企业当场拆除")
    return [f"content/{CASE}:{n}: YAML 格式错误（第 {n} 行第 1 列）：缩进不对齐"]


def yaml_chinese_colon(s):
    # The parser stops on the next line; the message names the line with the mistake.
    s.replace(CASE, "hazard: 飞线充电", "hazard： 飞线充电")
    n = s.line_of(CASE, "hazard：")
    return [f"content/{CASE}:{n}: YAML 格式错误（第 {n} 行第 7 列）：字段名后要用英文冒号“:”再加一个空格，不能用中文冒号“：”"]


def yaml_no_space_after_colon(s):
    s.replace(CASE, "hazard: 飞线充电", "hazard:飞线充电")
    n = s.line_of(CASE, "hazard:")
    return [f"content/{CASE}:{n}: YAML 格式错误（第 {n} 行第 7 列）：冒号“:”后面要加一个空格，如 title: 标题"]


def yaml_duplicate_field(s):
    first = s.line_of(CASE, "risk:")
    s.replace(CASE, "status: 已整改", "risk: 中\nstatus: 已整改")
    n = s.line_of(CASE, "risk: 中")
    return [f"content/{CASE}:{n}: risk: YAML 格式错误（第 {n} 行第 1 列）：同一个字段写了两次（第 {first} 行已经写过）"]


def yaml_tab_indent(s):
    s.replace(CASE, "  - 企业当场拆除", "\t- 企业当场拆除")
    n = s.line_of(CASE, "\t- 企业当场拆除")
    return [f"content/{CASE}:{n}: 这一行用制表符（Tab）缩进；YAML 只能用空格缩进"]


def yaml_broken_enterprise(s):
    # Referenced by a case and three events: still one message, in the broken file.
    rel = "enterprises/hengshun-wuliu.yml"
    s.replace(rel, "industry: ", "industry: [物流")
    n = s.line_of(rel, "industry:")
    return [
        f"content/{rel}:{n}: YAML 格式错误（第 {n} 行第 11 列）：方括号“[”没有配对的“]”，"
        "或者方括号里的文字含有冒号（请把这项文字用引号括起来）"
    ]


def unknown_field(s):
    s.replace(CASE, "summary:", "sumary:")
    return [f"content/{CASE}:{s.line_of(CASE, 'sumary:')}: sumary: 不认识的字段，是不是要写“summary”？"]


def unknown_field_in_chinese(s):
    s.replace(CASE, "risk:", "风险等级:")
    return [f"content/{CASE}:{s.line_of(CASE, '风险等级:')}: 风险等级: 不认识的字段，是不是要写“risk”？"]


def unknown_field_without_a_close_match(s):
    s.replace(CASE, "tags:", "xyz:")
    fields = (
        "title、found_on、place、enterprise、anonymous、hazard、risk、status、rectified_on、notice_no、notice_date、summary、"
        "description、actions、photos、lessons、patrol、tags、draft、aliases、allow_personal_data"
    )
    return [f"content/{CASE}:{s.line_of(CASE, 'xyz:')}: xyz: 不认识的字段。可用的字段：{fields}"]


def misspelt_required_field(s):
    # One mistake, one message: not also "rectified_on is missing" for a 已整改 case.
    s.replace(CASE, "rectified_on:", "rectifed_on:")
    return [f"content/{CASE}:{s.line_of(CASE, 'rectifed_on:')}: rectifed_on: 不认识的字段，是不是要写“rectified_on”？"]


def missing_required_field(s):
    s.replace(CASE, s.read(CASE).splitlines()[s.line_of(CASE, "place:") - 1] + "\n", "")
    return [f"content/{CASE}:1: place: 缺少必填字段：公开显示的地点，如 共建区某物流企业"]


def empty_required_field(s):
    s.replace(CASE, "title: 物流仓库窗口拉线给电动车充电", "title:")
    return [f"content/{CASE}:1: title: 不能为空"]


def wrong_type_text_for_number(s):
    rel = "patrols/round-01.yml"
    s.replace(rel, "hazards_found: 5", "hazards_found: 五处")
    return [f"content/{rel}:{s.line_of(rel, 'hazards_found:')}: hazards_found: 应为整数，现为“五处”"]


def wrong_type_quoted_number(s):
    rel = "patrols/round-01.yml"
    s.replace(rel, "enterprises_checked: 36", "enterprises_checked: '36'")
    return [f"content/{rel}:{s.line_of(rel, 'enterprises_checked:')}: enterprises_checked: 应为整数（数字不要加引号），现为“36”"]


def wrong_type_text_for_list(s):
    s.replace(CASE, "lessons: [feixian-chongdian, qiye-zeren]", "lessons: feixian-chongdian")
    return [f"content/{CASE}:{s.line_of(CASE, 'lessons:')}: lessons: 应为列表（每项以“- ”开头），现为“feixian-chongdian”"]


def wrong_type_yes_for_boolean(s):
    s.replace(CASE, "anonymous: false", "anonymous: 否")
    return [f"content/{CASE}:{s.line_of(CASE, 'anonymous:')}: anonymous: 应为 true 或 false（“否”请写成 false），现为“否”"]


def bad_date_format(s):
    s.replace(CASE, "found_on: 2023-08-03", "found_on: 2023.8.3")
    return [f"content/{CASE}:{s.line_of(CASE, 'found_on:')}: found_on: 日期应写成 YYYY-MM-DD（如 2023-09-12），现为“2023.8.3”"]


def bad_date_as_number(s):
    s.replace(CASE, "found_on: 2023-08-03", "found_on: 20230803")
    return [f"content/{CASE}:{s.line_of(CASE, 'found_on:')}: found_on: 日期应写成 YYYY-MM-DD（如 2023-09-12），现为“20230803”"]


def impossible_date(s):
    rel = "patrols/round-02.yml"
    s.replace(rel, "date: 2023-08-17", "date: 2023-02-30")
    return [f"content/{rel}:{s.line_of(rel, 'date:')}: date: “2023-02-30”不是真实存在的日期"]


def value_outside_choice(s):
    s.replace(CASE, "status: 已整改", "status: 完成")
    return [
        f"content/{CASE}:{s.line_of(CASE, 'status:')}: status: 必须是 已发现/整改中/已整改/已移交职能部门 之一，现为“完成”，是不是要写“已整改”？"
    ]


def unknown_id(s):
    s.replace(CASE, "patrol: round-01", "patrol: round-2023-08")
    return [
        f"content/{CASE}:{s.line_of(CASE, 'patrol:')}: patrol: 找不到巡查“round-2023-08”（content/patrols/round-2023-08.yml 不存在）"
    ]


def unknown_id_in_a_list(s):
    rel = "events/yanlian-2023-11.yml"
    s.replace(rel, "enterprises: [hengshun-wuliu, jinggong-jixie,", "enterprises: [hengshun-wuliu, jingong-jixie,")
    return [
        f"content/{rel}:{s.line_of(rel, 'enterprises:')}: enterprises[2]: 找不到企业“jingong-jixie”（content/enterprises/jingong-jixie.yml 不存在），是不是要写“jinggong-jixie”？"
    ]


def malformed_id(s):
    # Reported once, as a malformed id; not also as "not found".
    s.replace(CASE, "patrol: round-01", "patrol: 第1轮")
    return [f"content/{CASE}:{s.line_of(CASE, 'patrol:')}: patrol: 编号只能用小写英文字母、数字和“-”，现为“第1轮”"]


def reference_to_a_draft(s):
    # Each reference to a draft is its own mistake (the citing item would link to nothing).
    rel = "lessons/qiye-zeren.yml"
    s.write(rel, "draft: true\n" + s.read(rel))
    out = []
    for user in sorted(s.content.glob("*/*.yml")):
        user = user.relative_to(s.content).as_posix()
        items = [x.strip() for x in s.read(user).split("\nlessons: [")[-1].split("]")[0].split(",")]
        if user.startswith(("cases/", "events/")) and "qiye-zeren" in items:
            out.append(
                f"content/{user}:{s.line_of(user, 'lessons:')}: lessons[{items.index('qiye-zeren') + 1}]: "
                "引用的课程“qiye-zeren”是草稿（draft），不会发布；请先发布它或去掉这个引用"
            )
    assert len(out) >= 2
    # The lesson was published before (the previous site): its page would vanish (issue 11).
    out.append(
        f"content/{rel}:1: draft: 已发布的网址 /lessons/qiye-zeren/ 这次会消失：本文件改成了草稿（draft: true）。"
        "要继续发布，请去掉 draft；如确实要撤下这个页面，请在 content/site.yml 里写 withdrawn: [lessons/qiye-zeren/]"
        "（撤下后这个网址会显示“页面不存在”）"
    )
    return sorted(out)


def duplicate_id(s):
    s.write(CASE.replace(".yml", ".yaml"), s.read(CASE))
    return [
        f"content/cases/hengshun-cangku-feixian.yaml: 编号与 content/{CASE} 重复（不区分大小写和扩展名），请删掉其中一个或改名"
    ]


def duplicate_id_upper_case(s):
    s.write("cases/Hengshun-Cangku-Feixian.yml", s.read(CASE))
    return [
        f"content/cases/Hengshun-Cangku-Feixian.yml: 编号与 content/{CASE} 重复（不区分大小写和扩展名），请删掉其中一个或改名"
    ]


def alias_takes_another_items_url(s):
    rel = "cases/xiaowei-qiye-feixian.yml"
    s.write(rel, s.read(rel) + "aliases: [hengshun-cangku-feixian]\n")
    return [
        f"content/{rel}:{s.line_of(rel, 'aliases:')}: aliases[1]: "
        f"旧编号“hengshun-cangku-feixian”的网址已被 content/{CASE} 使用，两个条目不能占用同一个网址"
    ]


def duplicate_patrol_round(s):
    rel = "patrols/round-03.yml"
    s.replace(rel, "round: 3", "round: 2")
    return [f"content/{rel}:{s.line_of(rel, 'round:')}: round: 第 2 轮已在 content/patrols/round-02.yml 中使用，轮次不能重复"]


def rectified_before_found(s):
    s.replace(CASE, "rectified_on: 2023-08-03", "rectified_on: 2023-07-30")
    return [f"content/{CASE}:{s.line_of(CASE, 'rectified_on:')}: rectified_on: 整改日期 2023-07-30 早于发现日期 2023-08-03"]


def rectified_without_date(s):
    s.replace(CASE, "rectified_on: 2023-08-03\n", "")
    return [f"content/{CASE}:{s.line_of(CASE, 'status:')}: rectified_on: 状态为“已整改”时必须填写整改完成日期"]


def quiz_answer_outside_options(s):
    s.replace(LESSON, "    answer: B\n", "    answer: E\n")
    return [f"content/{LESSON}:{s.line_of(LESSON, 'answer: E')}: quiz[1].answer: 答案“E”不在选项范围内（可选 A/B/C/D）"]


def quiz_multiple_answer_outside_options(s):
    s.replace(LESSON, "    answer: [A, B, D]\n", "    answer: [A, B, F]\n")
    return [f"content/{LESSON}:{s.line_of(LESSON, 'answer: [A, B, F]')}: quiz[2].answer: 答案“F”不在选项范围内（可选 A/B/C/D）"]


def quiz_judge_answer(s):
    s.replace(LESSON, "    answer: 错\n", "    answer: false\n")
    return [f"content/{LESSON}:{s.line_of(LESSON, 'answer: false')}: quiz[3].answer: 判断题的答案只能是 对 或 错，现为“false”"]


def missing_photo_file(s):
    s.replace(CASE, "file: cases/hengshun-cangku-feixian-after.jpg", "file: cases/hengshun-cangku-feixian-after.jpeg")
    return [
        f"content/{CASE}:{s.line_of(CASE, 'feixian-after.jpeg')}: photos[2].file: 找不到图片文件 content/media/cases/hengshun-cangku-feixian-after.jpeg"
        "；文件夹里有 hengshun-cangku-feixian-after.jpg，扩展名和文件不一致，是不是要写“cases/hengshun-cangku-feixian-after.jpg”？"
    ]


def photo_without_alt(s):
    alt = s.read(CASE).splitlines()[s.line_of(CASE, "    alt:") - 1]
    s.replace(CASE, alt + "\n", "")
    n = s.line_of(CASE, "file: cases/hengshun-cangku-feixian-before.jpg")
    return [f"content/{CASE}:{n}: photos[1].alt: 缺少必填字段：图片内容的文字说明（读屏软件和图片加载失败时显示）"]


def photo_alt_misspelt(s):
    s.replace(CASE, "    alt: 仓库外墙", "    atl: 仓库外墙")
    return [f"content/{CASE}:{s.line_of(CASE, 'atl:')}: photos[1].atl: 不认识的字段，是不是要写“alt”？"]


MISTAKES = [
    yaml_colon_in_text,
    yaml_unclosed_quote,
    yaml_extra_indent,
    yaml_list_item_out_of_line,
    yaml_chinese_colon,
    yaml_no_space_after_colon,
    yaml_duplicate_field,
    yaml_tab_indent,
    yaml_broken_enterprise,
    unknown_field,
    unknown_field_in_chinese,
    unknown_field_without_a_close_match,
    misspelt_required_field,
    missing_required_field,
    empty_required_field,
    wrong_type_text_for_number,
    wrong_type_quoted_number,
    wrong_type_text_for_list,
    wrong_type_yes_for_boolean,
    bad_date_format,
    bad_date_as_number,
    impossible_date,
    value_outside_choice,
    unknown_id,
    unknown_id_in_a_list,
    malformed_id,
    reference_to_a_draft,
    duplicate_id,
    duplicate_id_upper_case,
    alias_takes_another_items_url,
    duplicate_patrol_round,
    rectified_before_found,
    rectified_without_date,
    quiz_answer_outside_options,
    quiz_multiple_answer_outside_options,
    quiz_judge_answer,
    missing_photo_file,
    photo_without_alt,
    photo_alt_misspelt,
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.__name__ for m in MISTAKES])
def test_each_mistake_is_one_exact_message_and_the_site_is_left_as_it_was(mistake, scratch, previous_site, monkeypatch):
    out, before = previous_site
    expected = mistake(scratch)
    monkeypatch.chdir(scratch.root.parent)  # where a kit bug would leave .build/last-error.log
    result = run_in_process("--no-pdf", "--content", str(scratch.content), "--output", str(out))
    assert reported(result) == expected
    assert tree(out) == before, "a failed build changed the output folder"
    assert not [p.name for p in (out.parent / ".build").glob("*") if p.name != "lock"], "work folders left behind"


# --- a dozen mistakes at once ----------------------------------------------------------------


def test_a_dozen_mistakes_in_different_files_are_all_reported_in_one_run_sorted(scratch):
    s = scratch
    expected = []

    s.replace("site.yml", s.read("site.yml").splitlines()[s.line_of("site.yml", "base_url:") - 1], "base_url: aqcd.example.cn")
    expected.append(
        f"content/site.yml:{s.line_of('site.yml', 'base_url:')}: base_url: 格式不对，"
        "现为“aqcd.example.cn”（网址须以 http:// 或 https:// 开头）"
    )

    s.replace(CASE, "status: 已整改", "status: 完成")  # two mistakes in one file: sorted by line
    s.replace(CASE, "found_on: 2023-08-03", "found_on: 2023-08-32")
    expected.append(f"content/{CASE}:{s.line_of(CASE, 'found_on:')}: found_on: “2023-08-32”不是真实存在的日期")
    expected.append(
        f"content/{CASE}:{s.line_of(CASE, 'status:')}: status: 必须是 已发现/整改中/已整改/已移交职能部门 之一，现为“完成”，是不是要写“已整改”？"
    )

    rel = "cases/kuaidi-sanlunche-gaizhuang.yml"
    s.replace(rel, "summary:", "summery:")
    expected.append(f"content/{rel}:{s.line_of(rel, 'summery:')}: summery: 不认识的字段，是不是要写“summary”？")

    rel = "cases/xiaowei-qiye-feixian.yml"  # broken YAML: one message, none in lessons/patrols that cite it
    s.replace(rel, "place: ", "place: '")
    n = s.line_of(rel, "place:")
    expected.append(f"content/{rel}:{n}: YAML 格式错误（第 {n} 行第 8 列）：引号没有配对：这里开始的引号一直没有结束")

    rel = "enterprises/jinggong-jixie.yml"
    s.replace(rel, "employees: ", "employees: 约")
    value = s.read(rel).split("employees: ")[1].splitlines()[0]
    expected.append(f"content/{rel}:{s.line_of(rel, 'employees:')}: employees: 应为整数，现为“{value}”")

    rel = "events/yantaohui-2023-07.yml"
    s.replace(rel, "date: 2023-07-", "date: 2023/07/")
    value = s.read(rel).split("\ndate: ")[1].splitlines()[0]
    expected.append(f"content/{rel}:{s.line_of(rel, 'date:')}: date: 日期应写成 YYYY-MM-DD（如 2023-09-12），现为“{value}”")

    rel = "facilities/dongmen-chongdian.yml"
    s.replace(rel, "kind: 集中充电处", "kind: 充电站")
    expected.append(
        f"content/{rel}:{s.line_of(rel, 'kind:')}: kind: 必须是 集中充电处/微型消防站 之一，现为“充电站”，是不是要写“集中充电处”？"
    )

    s.replace(LESSON, "    answer: B\n", "    answer: E\n")
    expected.append(f"content/{LESSON}:{s.line_of(LESSON, 'answer: E')}: quiz[1].answer: 答案“E”不在选项范围内（可选 A/B/C/D）")

    rel = "pages/about.md"  # front matter: line numbers count the opening ---
    s.replace(rel, "title:", "titel:")
    expected.append(f"content/{rel}:{s.line_of(rel, 'titel:')}: titel: 不认识的字段，是不是要写“title”？")

    rel = "patrols/round-05.yml"
    s.replace(rel, "round: 5", "round: 4")
    expected.append(
        f"content/{rel}:{s.line_of(rel, 'round:')}: round: 第 4 轮已在 content/patrols/round-04.yml 中使用，轮次不能重复"
    )

    rel = "people/chen-guilan.yml"
    s.replace(rel, "consent: true", "consent: false")
    expected.append(
        f"content/{rel}:{s.line_of(rel, 'consent:')}: consent: "
        "本人未同意公开（consent 必须为 true）才能发布姓名、照片和事迹；暂不发布请加 draft: true"
    )

    rel = "enterprises/hengshun-wuliu.yml"
    photo = s.read(rel).split("  - file: ")[1].splitlines()[0]
    s.replace(rel, f"  - file: {photo}", f"  - file: {photo}.jpg")
    expected.append(f"content/{rel}:{s.line_of(rel, photo + '.jpg')}: photos[1].file: 找不到图片文件 content/media/{photo}.jpg")

    result = s.check()
    lines = reported(result)
    assert lines == sorted(expected, key=_where), "\n".join(lines)
    assert len(lines) == 13
    assert lines == sorted(lines, key=_where)


def _where(line: str):
    path, line_no = line.split(":")[:2]
    return path, int(line_no) if line_no.isdigit() else 0


# --- the messages as an editor reads them ------------------------------------------------------


def test_check_and_build_report_the_same_problems_from_the_command_line(scratch, previous_site):
    """The real build.py process: exit status 1, no traceback, the earlier site untouched."""
    out, before = previous_site
    expected = value_outside_choice(scratch) + impossible_date(scratch)
    check, build = scratch.check(), scratch.build(output=out)
    assert reported(check) == reported(build) == sorted(expected)
    assert tree(out) == before


def test_the_clean_sample_passes(scratch):
    result = scratch.check()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("内容检查通过：共 ")
    assert result.stderr == ""


def test_a_gbk_file_is_reported_in_chinese(scratch):
    text = scratch.read(CASE)
    scratch.write(CASE, text.encode("gbk"))
    assert reported(scratch.check()) == [
        f"content/{CASE}:1: 文件不是 UTF-8 编码（看起来是 GBK/GB18030，常见于 Windows 记事本或 WPS），请“另存为”UTF-8 编码"
    ]


def test_an_unknown_folder_and_a_stray_file(scratch):
    scratch.write("news/a.yml", "title: x\n")
    scratch.write("cases/notes.txt", "x")
    assert reported(scratch.check()) == [
        "content/cases/notes.txt: 此文件夹只能放 .yml 文件",
        "content/news: 不认识的文件夹“news”，可用的文件夹：cases、enterprises、people、lessons、facilities、patrols、events、pledges、pages、media",
    ]


# --- the validation memory ----------------------------------------------------------------------


def _problems(content: Path, memory: Path | None) -> list[str]:
    from campaignkit.build import pipeline
    from campaignkit.checks import validate
    from campaignkit.common.problems import ContentError

    block = validate.remembered_verdicts(memory) if memory is not None else contextlib.nullcontext()
    with block:
        try:
            pipeline.load_and_validate(content, False)
        except ContentError as exc:
            return str(exc).splitlines()
    return []


def test_remembered_verdicts_report_what_a_fresh_check_reports(scratch, tmp_path, monkeypatch):
    """Each document's own problems (schema, personal data, Markdown) are remembered by its text:
    the second run reports the very same lines without checking the unchanged files again, and
    a file fixed in between is no longer reported."""
    from campaignkit.checks import validate

    s = scratch
    s.replace(CASE, "status: 已整改", "status: 完成")
    rel = "cases/kuaidi-sanlunche-gaizhuang.yml"
    s.replace(rel, "summary:", "summery:")
    s.replace("events/yantaohui-2023-07.yml", "date: 2023-07-", "date: 2023/07/")
    s.replace(LESSON, "    answer: B\n", "    answer: E\n")  # a rule across the quiz (not the document's own)
    fresh = _problems(s.content, None)
    assert len(fresh) >= 4, fresh
    memory = tmp_path / "memory"
    assert _problems(s.content, memory) == fresh
    with monkeypatch.context() as m:
        m.setattr(validate, "_check_schema", lambda doc, problems: pytest.fail(f"{doc.relpath} checked again"))
        assert _problems(s.content, memory) == fresh
    s.replace(rel, "summery:", "summary:")
    fixed = _problems(s.content, memory)
    assert fixed == _problems(s.content, None) and len(fixed) == len(fresh) - 1
    assert not any("summery" in line for line in fixed)


def test_remembered_parses_read_what_a_fresh_parse_reads(scratch, tmp_path, monkeypatch):
    """The fast reading of each file is remembered by its text: the second build parses nothing
    that did not change, reads the very same data, gives no build the objects of another (each is
    kept pickled), and an edited file is read anew."""
    from campaignkit.build import pipeline
    from campaignkit.content import load

    s = scratch
    memory = tmp_path / "memory"

    def loaded():
        with load.remembered_parses(memory):
            content, _checked = pipeline.load_and_validate(s.content, False)
        return {(d.kind, d.id): d.data for docs in content.items.values() for d in docs}

    fresh = loaded()
    assert (memory / "parses.pickle").exists()
    with monkeypatch.context() as m:
        m.setattr(load, "_fast_parse", lambda text: pytest.fail("an unchanged file was parsed again"))
        again = loaded()
    assert again == fresh
    first = next(iter(again.values()))
    first["title"] = "被后面的步骤改过"
    assert loaded()[next(iter(again))] == fresh[next(iter(again))], "one build's data reached the next"
    s.replace(CASE, "status: 已整改", "status: 整改中")
    edited = loaded()
    case_id = Path(CASE).stem
    assert edited[("cases", case_id)]["status"] == "整改中"
    assert {k: v for k, v in edited.items() if k != ("cases", case_id)} == {
        k: v for k, v in fresh.items() if k != ("cases", case_id)
    }
