"""Progress as the person at the screen sees it: a line per stage with counts and seconds in a log,
live bars on a terminal, a closing summary; Ctrl-C during PDFs stops every worker within a second
and nothing is printed after the closing 已中断 line."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from campaignkit.common import progress
from tests.conftest import PROJECT, pdf_workers, project_copy, run_build, tree

STAGE_LINE = re.compile(r"^(\S+)：(.*?)(\d+\.\d) 秒）?$")
INTERRUPTED = "已中断，site/ 保持不变。"


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


# ---- the reporter on its own -------------------------------------------------------------------


def test_one_line_per_stage_with_count_cache_and_seconds():
    out = io.StringIO()
    previous = progress.current()
    progress.use(progress.Reporter(stream=out, live=False))
    try:
        with progress.stage("处理照片", unit="张") as st:
            st.set_total(3)
            st.advance(3)
            st.cached(2)
        with progress.stage("讲义", unit="份") as outer, progress.stage("生成讲义", total=5, unit="份") as inner:
            assert inner is outer  # one stage, one line
            inner.advance(5)
            inner.say("讲义：共 5 份，新生成 1 份，4 份未变化沿用缓存。")
        with pytest.raises(RuntimeError), progress.stage("网站", unit="页"):
            raise RuntimeError  # a failed stage prints nothing: its error message says it all
    finally:
        progress.use(previous)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert re.fullmatch(r"处理照片：3 张（其中 2 张沿用缓存），\d+\.\d 秒", lines[0])
    assert re.fullmatch(r"讲义：共 5 份，新生成 1 份，4 份未变化沿用缓存。（\d+\.\d 秒）", lines[1])


def test_nothing_is_printed_once_silenced():
    out = io.StringIO()
    reporter = progress.Reporter(stream=out, live=False)
    previous = progress.current()
    progress.use(reporter)
    try:
        with progress.stage("讲义", unit="份") as st:
            st.advance()
            progress.silence()
        progress.note("不该出现")
    finally:
        progress.use(previous)
    assert out.getvalue() == ""


# ---- the real command line -----------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_in_a_log_prints_each_stage_and_a_closing_summary(tmp_path):
    project = project_copy(tmp_path / "project")
    result = run_build("--no-pdf", "--output", str(tmp_path / "out" / "site"), cwd=project)
    assert result.returncode == 0, result.stderr
    stages = {m.group(1): m.group(2) for m in map(STAGE_LINE.match, result.stderr.splitlines()) if m}
    for name in ("读取和检查内容", "处理照片", "网页", "网站", "审核和发布"):
        assert name in stages, result.stderr
    assert re.match(r"\d+ 个文件", stages["读取和检查内容"])
    assert re.match(r"36 张", stages["处理照片"])
    assert re.match(r"\d+ 页", stages["网站"])
    assert "\r" not in result.stderr and "it/s" not in result.stderr  # no bar outside a terminal
    closing, summary = result.stdout.strip().splitlines()[-2:]
    assert re.fullmatch(r"用时 \d+\.\d 秒；(沿用缓存：照片 \d+/36 张；|没有可沿用的缓存；)输出在 .*out/site/。", closing), closing
    assert summary.startswith("已生成网站 site/：")


def start_in_terminal(args: list[str], cwd: Path) -> tuple[subprocess.Popen, int]:
    """build.py with its stdout and stderr on a pseudo-terminal, as in a terminal window."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # 30 rows, 100 columns
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), *args],
        cwd=cwd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    return proc, master


def read_all(master: int, proc: subprocess.Popen, until: float) -> bytes:
    data = b""
    while time.monotonic() < until:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
        elif proc.poll() is not None:
            break
    return data


@pytest.mark.slow
@pytest.mark.parametrize("terminal", [False, True], ids=["log", "terminal"])
def test_ctrl_c_during_pdfs_stops_every_worker_within_a_second(tmp_path, terminal):
    project = project_copy(tmp_path / "project")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the published site</p>", encoding="utf-8")
    before = tree(site)
    args = ["--jobs", "2"]
    if terminal:
        proc, master = start_in_terminal(args, project)
    else:
        proc = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), *args],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        output = b""
        while not pdf_workers(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            if terminal:
                output += read_all(master, proc, time.monotonic() + 0.05)
            else:
                time.sleep(0.05)
        workers = pdf_workers(proc.pid)
        assert workers, "the build never started its PDF workers"
        time.sleep(1.0)  # well inside the rendering
        if terminal:
            output += read_all(master, proc, time.monotonic() + 0.1)
        workers = pdf_workers(proc.pid) or workers
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole process group
        if terminal:
            output += read_all(master, proc, sent + 10)
            proc.wait(timeout=10)
            err = output.decode("utf-8", "replace")
        else:
            _out, err_bytes = proc.communicate(timeout=10)
            err = err_bytes.decode()
        stopped = time.monotonic() - sent
        assert stopped < 1.5, f"the build took {stopped:.1f} s to stop"
        assert proc.returncode == 130, (proc.returncode, err)
        gone_by = time.monotonic() + 5  # a worker that is still exiting is given a moment, not forever
        while [pid for pid in workers if alive(pid)] and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)], "a PDF worker outlived Ctrl-C"
        text = err.replace("\r\n", "\n").rstrip()
        assert text.endswith(INTERRUPTED), repr(text[-300:])  # nothing after the closing line
        assert "Traceback" not in text and "KeyboardInterrupt" not in text
        if terminal:
            assert "讲义" in text and re.search(r"\d+/\d+ \[", text), repr(text[-600:])  # the live bar was there
        assert tree(site) == before
        assert not list((project / ".cache" / "handouts").glob("*.tmp"))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        if terminal:
            os.close(master)
