"""The command line as an editor meets it: Chinese usage, help and argument errors, the documented
exit statuses, native Windows told what to do, and drafts that never reach site/."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from campaignkit.checks.validate import validate
from campaignkit.commandline import main as cli
from campaignkit.commandline import platform_support
from campaignkit.content.load import load_content
from tests.conftest import PROJECT, project_copy, run_build, tree

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ARGPARSE = (
    "usage:",
    "error:",
    "invalid choice",
    "the following arguments",
    "unrecognized arguments",
    "show this help",
    "positional arguments",
    "options:",
)


def no_english(text: str) -> None:
    for phrase in ENGLISH_ARGPARSE:
        assert phrase not in text, (phrase, text)


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "-h"], ["serve", "--help"], ["new", "-h"]])
def test_help_is_chinese(args, capsys):
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：build.py")
    no_english(out)
    assert "显示这段说明后退出" in out


def test_the_main_help_lists_commands_and_exit_statuses(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("build", "check", "serve", "new"):
        assert re.search(rf"^\s+{command}\s+\S*[\u4e00-\u9fff]", out, re.M), command
    assert "退出状态：0 成功；1 内容有问题；2 程序内部出错；64 命令写错了" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["frobnicate"],
            "“frobnicate”不是可选的值（可选：build、check、serve、new、reference、template、import、export、forms、wechat）",
        ),
        (["--no-such-option"], "不认识的参数：--no-such-option"),
        (["new"], "缺少参数：类型, 编号"),
        (["new", "anli", "x"], "参数 类型：“anli”不是可选的值"),
        (["--jobs", "many"], "参数 --jobs：“many”不是有效的整数"),
        (["serve", "--port"], "参数 --port：后面要跟一个值"),
    ],
)
def test_usage_errors_are_chinese_with_their_own_exit_status(args, message, capsys):
    assert cli.main(args) == 64
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err, captured.err
    assert captured.err.splitlines()[0].startswith("用法：build.py")
    assert "运行 build.py" in captured.err and "--help 查看用法" in captured.err
    no_english(captured.err)


def test_exit_statuses_are_distinct_and_documented():
    statuses = {cli.OK, cli.CONTENT_PROBLEM, cli.INTERNAL_ERROR, cli.USAGE_ERROR, cli.UNAVAILABLE, cli.INTERRUPTED}
    assert len(statuses) == 6
    doc = (PROJECT / "docs" / "内容格式.md").read_text(encoding="utf-8")
    for status in statuses:
        assert f"`{status}`" in doc


def test_an_internal_error_exits_2_with_a_chinese_line_and_a_log(scratch, capsys, monkeypatch, tmp_path):
    from campaignkit.build import pipeline

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "check", lambda *a, **k: 1 / 0)
    assert cli.main(["check", "--content", str(scratch.content)]) == 2
    err = capsys.readouterr().err
    assert "构建程序内部出错（不是内容的问题）" in err and "Traceback" not in err
    assert "ZeroDivisionError" in (tmp_path / ".build" / "last-error.log").read_text(encoding="utf-8")


# ---- Windows ---------------------------------------------------------------------------------------


def test_check_runs_where_fcntl_does_not_exist(scratch):
    """Native Windows has no fcntl: `check` must still work (publish.py imported it at the top)."""
    code = (
        "import sys; sys.modules['fcntl'] = None\n"  # any `import fcntl` now raises ImportError
        "from campaignkit.commandline import main as cli\n"
        f"sys.exit(cli.main(['check', '--content', {str(scratch.content)!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("内容检查通过")


@pytest.mark.parametrize("command", [["build"], ["--no-pdf"], ["serve"]])
def test_native_windows_is_told_to_use_wsl(command, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(platform_support, "IS_NATIVE_WINDOWS", True)
    monkeypatch.chdir(tmp_path)
    assert cli.main(command) == 69
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "WSL 2" in err and "docs/windows.md" in err and "http://localhost:8000/" in err
    assert "./scripts/setup.sh && .venv/bin/python build.py" in err
    assert not (tmp_path / "site").exists()


def test_native_windows_can_still_check_and_create(monkeypatch, scratch, capsys):
    monkeypatch.setattr(platform_support, "IS_NATIVE_WINDOWS", True)
    assert cli.main(["check", "--content", str(scratch.content)]) == 0
    assert cli.main(["new", "cases", "windows-ceshi", "--content", str(scratch.content)]) == 0
    assert (scratch.content / "cases" / "windows-ceshi.yml").is_file()


def test_the_windows_guide_gives_the_readmes_two_commands():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    guide = (PROJECT / "docs" / "windows.md").read_text(encoding="utf-8")
    first_block = re.search(r"```\n(.*?)```", readme, re.S).group(1)
    assert first_block.strip() in guide
    assert "docs/windows.md" in readme


def test_shell_scripts_keep_lf_line_endings_in_every_checkout():
    """Git for Windows would otherwise check out setup.sh with CRLF: bash fails with $'\\r'."""
    out = subprocess.run(
        ["git", "check-attr", "eol", "--", "scripts/setup.sh", "build.py"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines() == ["scripts/setup.sh: eol: lf", "build.py: eol: lf"]


# ---- drafts --------------------------------------------------------------------------------------------


def test_a_draft_person_without_consent_is_fine_in_a_drafts_build_and_the_advice_fits():
    content, problems = load_content(PROJECT / "content")
    assert not problems
    _checked, with_drafts = validate(content, include_drafts=True)
    assert not with_drafts, [str(p) for p in with_drafts.sorted()]


def test_a_published_person_without_consent_is_told_to_add_draft(scratch, capsys):
    rel = "people/zhao-xiaoli.yml"
    scratch.replace(rel, "draft: true\n", "")
    assert cli.main(["check", "--content", str(scratch.content)]) == 1
    err = capsys.readouterr().err
    assert (
        f"content/{rel}:5: consent: 本人未同意公开（consent 必须为 true）才能发布姓名、照片和事迹；暂不发布请加 draft: true"
        in err
    )


@pytest.mark.slow
def test_drafts_build_into_a_preview_folder_never_site(tmp_path):
    project = project_copy(tmp_path / "project")
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("published", encoding="utf-8")
    before = tree(project / "site")

    refused = run_build("--drafts", "--output", "site", cwd=project)
    assert refused.returncode == 64 and "草稿不能生成到 site/" in refused.stderr

    result = run_build("--drafts", "--no-pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    assert tree(project / "site") == before
    preview = project / ".build" / "drafts"
    assert "含草稿，只供内部预览，不要发布" in result.stdout and ".build/drafts/" in result.stdout
    draft = (preview / "people" / "zhao-xiaoli" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in draft
    assert "<strong>草稿</strong>" in draft
    published = (preview / "people" / "chen-guilan" / "index.html").read_text(encoding="utf-8")
    assert "noindex" not in published and "ck-draft-banner" not in published


def test_the_command_line_leaves_the_progress_reporter_as_it_found_it(scratch, capsys):
    from campaignkit.common import progress

    before = progress.current()
    cli.main(["check", "--content", str(scratch.content)])
    assert progress.current() is before
