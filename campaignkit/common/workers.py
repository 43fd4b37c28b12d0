"""Worker processes that stop at once on Ctrl-C (PDF rendering, MkDocs' shares, 公众号 articles,
the MkDocs worker that gets ready while the pages are written)."""

from __future__ import annotations

import gc
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def pool(workers: int, freeze: bool = False) -> ProcessPoolExecutor:
    """Forked workers (they start with what this process has loaded) that ignore Ctrl-C: the
    main process gets it and calls kill(). With `freeze`, what a worker starts with is left out of
    its garbage collections (gc.freeze: the parent's objects live as long as the worker anyway),
    so a collection costs only what the worker made since."""
    return ProcessPoolExecutor(
        max_workers=max(1, workers), mp_context=get_context("fork"), initializer=_start_frozen if freeze else _ignore_sigint
    )


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_frozen() -> None:
    _ignore_sigint()
    gc.freeze()


def kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its own shutdown would wait for every running task (seconds each)."""
    processes = list((pool._processes or {}).values())  # no public API lists them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=1)


class _Child:
    """A forked child at the other end of a pipe, sending back (ok, value) once: `result()`
    returns the value or raises the exception it carries; kill() stops the child if it runs."""

    def __init__(self, target, *args):
        context = get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=target, args=(child, *args), daemon=True)
        self._process.start()
        child.close()

    def result(self):
        try:
            ok, value = self._conn.recv()
        except EOFError:
            raise RuntimeError("worker died without a result") from None
        finally:
            self._process.join(timeout=5)
        if not ok:
            raise value
        return value

    def kill(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=1)
        self._conn.close()


class Background(_Child):
    """`fn(*args)` in a forked child while this process goes on: the child starts with everything
    this process has built (nothing is pickled on the way in, only the result on the way out).
    Used for work that needs no core MkDocs is using: the second core is idle in the serial stages."""

    def __init__(self, fn, *args):
        super().__init__(_run_and_send, fn, args)


def _run_and_send(send, fn, args) -> None:
    _ignore_sigint()
    try:
        result = (True, fn(*args))
    except BaseException as exc:  # sent back and raised in the main process
        result = (False, exc)
    send.send(result)
    send.close()


class Warm(_Child):
    """A forked child that gets ready (`prepare()`: imports, a dictionary to load) while this
    process goes on, then runs the one call `submit` sends it; `result()` returns what it returned
    or raises what it raised. It ignores Ctrl-C; kill() stops it (also when it was never used)."""

    def __init__(self, prepare):
        super().__init__(_get_ready_and_run, prepare)

    def submit(self, fn, *args) -> Warm:
        self._conn.send((fn, args))
        return self


def _get_ready_and_run(conn, prepare) -> None:
    _ignore_sigint()
    try:
        prepare()
    except Exception:  # only a head start: the call does the same work again if need be
        pass
    gc.freeze()  # what it started with and got ready lives as long as it does (see _start_frozen)
    try:
        fn, args = conn.recv()
    except EOFError:  # not needed after all
        return
    _run_and_send(conn, fn, args)
