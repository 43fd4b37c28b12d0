"""Atomic publish (issue 5): the build works in .build/run-<pid>/ and replaces site/ in one
step only when everything succeeded. Killed at any moment, site/ is the previous complete
site (or, killed after the swap, the new complete one); a lock keeps two builds apart and a
killed build never leaves a lock that blocks the next one.

The kill tests run in a copy of the project with its own, cold cache, so that the build is
really rendering PDFs (in worker processes) when it is killed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import PROJECT, Scratch, pdf_workers, project_copy, run_build, tree

from campaignkit.build import pipeline, publish
from campaignkit.common.problems import BuildError
from campaignkit.website import engine as site_stage

CASE = "cases/hengshun-cangku-feixian.yml"
LESSON = "lessons/feixian-chongdian.yml"
OLD_TITLE = "物流仓库窗口拉线给电动车充电"
NEW_TITLE = "物流仓库窗口拉线给电动车充电（更新）"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def start_build(project: Path, output: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "--output", str(output)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.fixture
def reaper():
    """Process groups of the builds a test starts: whatever is left of them is killed at the end."""
    groups: list[int] = []
    yield groups
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---- killed at any moment -----------------------------------------------------------------------


def test_sigkill_at_any_moment_leaves_the_previous_complete_site(tmp_path, reaper):
    project = project_copy(tmp_path / "project")
    out = tmp_path / "www" / "site"
    first = run_build("--output", str(out), cwd=project)
    assert first.returncode == 0, first.stderr
    before = tree(out)
    assert "index.html" in before and "downloads/lessons/feixian-chongdian.pdf" in before
    # New content, so that a finished build would change site/ (and its PDFs must be rendered again).
    for rel, old, new in (
        (CASE, f"title: {OLD_TITLE}", f"title: {NEW_TITLE}"),
        (LESSON, "title: 飞线充电的危害与安全充电", "title: 飞线充电的危害与安全充电（更新）"),
    ):
        path = project / "content" / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    run_dir = out.parent / ".build"
    orphans: list[int] = []
    moments = ["workspace", 0.3, 1.0, 2.0, "pdf-workers"]
    seen_workers = False
    for moment in moments:
        proc = start_build(project, out)
        reaper.append(proc.pid)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if moment == "workspace" and list(run_dir.glob("run-*")):
                break
            if moment == "pdf-workers" and pdf_workers(proc.pid):
                seen_workers = True
                time.sleep(0.3)  # well inside the rendering
                break
            if isinstance(moment, float) and time.monotonic() > deadline - 60 + moment:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the build ended before the kill at {moment!r}: {proc.stderr.read()}"
        orphans += pdf_workers(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the build process only, not its PDF workers
        proc.wait()
        proc.stderr.close()
        assert tree(out) == before, f"site/ changed after a kill at {moment!r}"
    assert seen_workers, "never caught the build rendering PDFs"
    assert orphans
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in orphans if alive(pid)], "PDF workers outlived the killed build"

    last = run_build("--output", str(out), cwd=project, timeout=300)
    assert last.returncode == 0, last.stderr
    assert "另一个构建正在进行" not in last.stderr
    assert NEW_TITLE in (out / "cases/hengshun-cangku-feixian/index.html").read_text(encoding="utf-8")
    # Killed builds' work folders are cleaned up; only the last build's own leftovers wait in the
    # trash, to be deleted beside the next build (publish.empty_trash).
    leftovers = [p.name for p in run_dir.iterdir() if p.name not in ("lock", "incremental", publish.TRASH)]
    assert leftovers == [], leftovers
    assert not [p for p in (run_dir / publish.TRASH).iterdir() if p.name.endswith(f"run-{proc.pid}")]


SWAP_KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {project!r})
    from campaignkit.build import publish
    from campaignkit.commandline import main as cli
    real = publish._exchange
    def exchange(a, b):
        if {after!r}:
            real(a, b)
        os.kill(os.getpid(), signal.SIGKILL)
    publish._exchange = exchange
    sys.exit(cli.main(sys.argv[1:]))
""")


def test_sigkill_at_the_swap_itself(tmp_path):
    """The one moment that decides: killed just before the exchange, site/ is the old site;
    just after it, the new one, complete; the next build cleans up what was left."""
    s = Scratch(tmp_path)
    out = tmp_path / "www" / "site"
    assert s.build("--no-pdf", output=out).returncode == 0
    before = tree(out)
    s.replace(CASE, f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
    for after in (False, True):
        killed = subprocess.run(
            [
                sys.executable,
                "-c",
                SWAP_KILLER.format(project=str(PROJECT), after=after),
                "--content",
                str(s.content),
                "--output",
                str(out),
                "--no-pdf",
            ],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        if not after:
            assert tree(out) == before, "killed just before the swap, site/ changed"
    killed_tree = tree(out)
    assert killed_tree != before and NEW_TITLE in (out / "cases/hengshun-cangku-feixian/index.html").read_text(encoding="utf-8")
    assert list((out.parent / ".build").glob("run-*"))  # the swapped-out old site, left by the kill
    again = s.build("--no-pdf", output=out)
    assert again.returncode == 0, again.stderr
    assert killed_tree == tree(out)  # what the killed build published is exactly what a finished build publishes
    assert _leftovers(out) == []


# ---- the lock -----------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0); os.write(fd, str(os.getpid()).encode())
    print("held", flush=True)
    time.sleep(120)
""")


def test_what_a_build_is_done_with_is_deleted_beside_the_next_build(tmp_path):
    """The work folder and the replaced 公众号 articles go to the trash (a rename) and are deleted
    while the next build runs: after three builds only the last one's leftovers are there."""
    project = project_copy(tmp_path / "project")
    out = tmp_path / "www" / "site"
    trash = out.parent / ".build" / publish.TRASH
    owners = []
    for _ in range(3):
        proc = subprocess.run(
            [sys.executable, str(PROJECT / "build.py"), "--no-pdf", "--output", str(out)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        owners.append({p.name.split("-")[0] for p in trash.iterdir()})
    assert len(owners[-1]) == 1 and owners[-1] != owners[-2]  # one build's leftovers: the last one's
    assert (out.parent / "wechat" / "index.html").is_file()


def test_a_second_build_is_refused_while_one_runs(tmp_path, reaper):
    s = Scratch(tmp_path)
    out = tmp_path / "www" / "site"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous", encoding="utf-8")
    (out.parent / ".build").mkdir()
    before = tree(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out.parent / ".build" / "lock")],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    reaper.append(holder.pid)
    assert holder.stdout.readline().strip() == "held"
    try:
        started = time.monotonic()
        result = s.build("--no-pdf", output=out)
        assert time.monotonic() - started < 10  # refused at once, not after a whole build
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip() == f"另一个构建正在进行（进程 {holder.pid}），请等它结束后再运行。"
        assert tree(out) == before
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert s.build("--no-pdf", output=out).returncode == 0  # the holder is gone: the lock is free


def test_a_stale_lock_file_does_not_block(tmp_path):
    """A lock file left by a dead build (its pid inside) is just a file: flock died with the process."""
    s = Scratch(tmp_path)
    out = tmp_path / "www" / "site"
    (out.parent / ".build").mkdir(parents=True)
    (out.parent / ".build" / "lock").write_text("999999")
    (out.parent / ".build" / "run-999999").mkdir()  # and the work folder it left
    (out.parent / ".build" / "run-999999" / "half.html").write_text("<p>half a build</p>")
    result = s.build("--no-pdf", output=out)
    assert result.returncode == 0, result.stderr
    assert _leftovers(out) == []


def test_workers_forked_during_a_build_do_not_hold_the_lock(tmp_path):
    """flock belongs to the open file, which a fork shares: each child closes its copy at once
    (otherwise a worker orphaned by a killed build blocks every later build)."""
    with publish.build_lock(tmp_path):
        pid = os.fork()
        if pid == 0:  # the child: is the lock's descriptor still open here?
            inherited = [
                fd
                for fd in map(int, os.listdir("/proc/self/fd"))
                if os.path.realpath(f"/proc/self/fd/{fd}") == str(tmp_path / ".build" / "lock")
            ]
            os._exit(10 + len(inherited))
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 10, "a forked child kept the lock's descriptor"


def test_the_lock_is_released_when_a_build_ends(tmp_path):
    with publish.build_lock(tmp_path):
        with pytest.raises(BuildError, match="另一个构建正在进行"):
            with publish.build_lock(tmp_path):
                pass
    with publish.build_lock(tmp_path):  # free again
        pass
    fd = os.open(tmp_path / ".build" / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


# ---- failures, not kills -------------------------------------------------------------------------


def test_a_failure_in_a_late_stage_leaves_the_site_and_no_leftovers(tmp_path, monkeypatch):
    s = Scratch(tmp_path)
    out = tmp_path / "www" / "site"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous", encoding="utf-8")

    def broken_mkdocs(config_file, docs_dir, site_dir, site, nav, **options):
        (Path(site_dir) / "half").mkdir(parents=True)
        (Path(site_dir) / "half" / "index.html").write_text("half a site", encoding="utf-8")
        raise BuildError("网站生成失败（测试）")

    monkeypatch.setattr(site_stage, "run_mkdocs", broken_mkdocs)
    with pytest.raises(BuildError, match="测试"):
        pipeline.build(PROJECT, s.content, out, pdf=False)
    assert tree(out) == {"index.html": hashlib.sha256(b"previous").hexdigest()}
    assert _leftovers(out) == []


def test_an_internal_error_is_not_a_traceback_and_leaves_the_site(tmp_path):
    """A bug in the kit (here: a template that does not exist) exits 2 with a Chinese message."""
    project = project_copy(tmp_path / "project")
    (project / "templates" / "pages" / "case.md.j2").unlink()
    out = tmp_path / "www" / "site"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous", encoding="utf-8")
    result = run_build("--output", str(out), "--no-pdf", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "构建程序内部出错" in result.stderr and "site/ 保持不变" in result.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert [p.name for p in out.iterdir()] == ["index.html"]


def test_content_errors_leave_the_site_untouched(tmp_path):
    s = Scratch(tmp_path)
    out = tmp_path / "www" / "site"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous", encoding="utf-8")
    before = tree(out)
    s.replace(CASE, "risk: 高", "risk: 很高")
    result = s.build("--no-pdf", output=out)
    assert result.returncode == 1 and "site/ 保持不变" in result.stderr
    assert tree(out) == before


def _leftovers(out):
    """What .build/ holds beside the lock, the state kept for incremental builds (incremental.py)
    and the trash the last build leaves to be deleted beside the next one (publish.empty_trash)."""
    return [p.name for p in (out.parent / ".build").iterdir() if p.name not in ("lock", "incremental", publish.TRASH)]
