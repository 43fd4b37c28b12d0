"""Stage 6: put a finished build in place of site/ in one step, and keep two builds apart.

The build works in .build/run-<pid>/ beside the output folder; only when everything succeeded is the new tree
swapped with site/ by renameat2(RENAME_EXCHANGE), so a reader (or a web server
serving site/) sees either the old complete site or the new one, never a mix.
A build killed at any moment leaves site/ as it was. The lock is an flock(2) on
.build/lock: the kernel drops it when the process dies, so a killed build never
leaves a stale lock behind. A process forked while the lock is held (a PDF worker)
closes its copy of the lock's descriptor at once (flock belongs to the open file,
shared across fork: a worker orphaned by a killed build held the lock, and blocked
every later build, for as long as it lived) and asks the kernel to kill it when the
build dies (PR_SET_PDEATHSIG), so a killed build leaves no process behind either.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from campaignkit.common.problems import BuildError

try:
    import fcntl
except ImportError:  # native Windows: the build refuses to start there (platform_support.py)
    fcntl = None  # type: ignore[assignment]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_PR_SET_PDEATHSIG = 1
_held: set[int] = set()  # lock descriptors this process holds
_holder = 0  # the pid that holds them


def _in_forked_child() -> None:
    """In a child forked during a build: drop the lock, and die with the build."""
    if not _held:
        return
    for fd in list(_held):
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()
    try:
        # The signal comes when the thread that forked ends: ProcessPoolExecutor (fork) starts its
        # workers from the thread that submits, here the build's main thread.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != _holder:  # the build died before prctl took effect
        os._exit(1)


if hasattr(os, "register_at_fork"):  # POSIX only
    os.register_at_fork(after_in_child=_in_forked_child)


@contextmanager
def build_lock(base: Path):
    """Hold .build/lock beside the output folder for the whole build."""
    (base / ".build").mkdir(parents=True, exist_ok=True)
    fd = os.open(base / ".build" / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            raise BuildError(f"另一个构建正在进行（进程 {holder or '未知'}），请等它结束后再运行。") from None
        global _holder
        _held.add(fd)
        _holder = os.getpid()
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)


def workspace(base: Path) -> Path:
    """A fresh folder for this build, beside site/ so the final swap is a rename on one filesystem."""
    (base / ".build").mkdir(parents=True, exist_ok=True)
    clean_leftovers(base)
    work = base / ".build" / f"run-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return work


def clean_leftovers(base: Path) -> None:
    """Put what killed builds left (their work folders, a swapped-out old site) in the trash."""
    folder = base / ".build"
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.startswith(("run-", "old-")):
                discard(entry, base)


# Trees a build is done with (its work folder, the 公众号 articles it replaced: thousands of files)
# are renamed into .build/trash/ and deleted beside the next build (empty_trash), not while the
# editor waits: deleting them took a second or more at the end of every build.
TRASH = "trash"
DISCARD = Path(TRASH)  # swap_into_place(…, keep_old=DISCARD): the old tree goes to the trash


def discard(tree: Path, base: Path) -> None:
    trash = base / ".build" / TRASH
    trash.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(tree, trash / f"{os.getpid()}-{time.monotonic_ns()}-{tree.name}")
    except OSError:  # another filesystem: deleted now
        shutil.rmtree(tree, ignore_errors=True)


def empty_trash(base: Path) -> threading.Thread:
    """Delete what earlier builds put in the trash, in a thread beside this build (join it before
    the build ends: the build waits only if the deleting takes longer than the build)."""
    trash = base / ".build" / TRASH
    doomed = list(trash.iterdir()) if trash.is_dir() else []

    def delete() -> None:
        for p in doomed:
            shutil.rmtree(p, ignore_errors=True)

    thread = threading.Thread(target=delete, daemon=True)
    thread.start()
    return thread


def swap_into_place(new_site: Path, site_dir: Path, keep_old: Path | None = None) -> None:
    """Make `new_site` the content of `site_dir` atomically; the old tree is then deleted, moved
    to `keep_old` (the incremental build's spare tree, on the same filesystem), or put in the
    trash (`keep_old=DISCARD`: deleted beside the next build).

    The pipeline audits the tree before it calls this (pipeline.audit)."""
    if not site_dir.exists():
        os.rename(new_site, site_dir)
        return
    if _exchange(new_site, site_dir):
        old = new_site  # after the exchange this path holds the previous site
    else:  # filesystems without RENAME_EXCHANGE: two renames, a moment without site/
        old = new_site.parent / f"old-{os.getpid()}"
        os.rename(site_dir, old)
        os.rename(new_site, site_dir)
    if keep_old is DISCARD:
        discard(old, site_dir.parent)
    elif keep_old is not None:
        shutil.rmtree(keep_old, ignore_errors=True)
        keep_old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(old, keep_old)
    else:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))
