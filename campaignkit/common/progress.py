"""Progress of the long stages, and the closing summary, for the person waiting at the screen.

The pipeline only calls this small API:

    with progress.stage("生成讲义", total=21, unit="份") as st:
        ...
        st.advance()            # one more done
        st.cached(3)            # three taken from the cache (counted in the summary)
    progress.note("讲义：…")     # a line that belongs in the log whatever the mode

On a terminal each stage is a live tqdm bar (tqdm is already pinned for the handouts and draws
a correct bar for Chinese text, which is double width); elsewhere (CI logs, a pipe, the tests)
each stage prints one line when it ends: name, count, seconds. A stage that fails prints
nothing: the error message that follows is the whole story.

After Ctrl-C nothing more may appear below the closing 已中断 line: `silence()` turns every
later call into a no-op (a bar's last refresh included), and the CLI calls it before printing.
`Reporter.finished` keeps what each stage did, for the closing summary and for callers that
time a rebuild (the preview server, the benchmark).
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StageResult:
    name: str
    done: int = 0
    total: int | None = None
    unit: str = ""
    from_cache: int = 0
    seconds: float = 0.0
    summary: str = ""  # a stage's own wording of what it did, instead of the count

    def line(self) -> str:
        if self.summary:
            return f"{self.summary}（{self.seconds:.1f} 秒）"
        count = f"{self.done} {self.unit}" if self.unit else ""
        cached = f"（其中 {self.from_cache} {self.unit}沿用缓存）" if self.from_cache else ""
        parts = [p for p in (count + cached, f"{self.seconds:.1f} 秒") if p]
        return f"{self.name}：" + "，".join(parts)


@dataclass
class Reporter:
    """Where progress goes. `live` = draw bars (a terminal); `quiet` = print nothing at all."""

    stream: Any = None
    live: bool | None = None
    quiet: bool = False
    finished: list[StageResult] = field(default_factory=list)
    open: list = field(default_factory=list)  # stages in progress, innermost last
    _silenced: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        if self.stream is None:
            self.stream = sys.stderr
        if self.live is None:
            isatty = getattr(self.stream, "isatty", None)
            self.live = bool(isatty and isatty())

    def write(self, text: str) -> None:
        with self._lock:
            if self.quiet or self._silenced:
                return
            print(text, file=self.stream, flush=True)

    def silence(self) -> None:
        with self._lock:
            self._silenced = True

    @property
    def silenced(self) -> bool:
        return self._silenced or self.quiet


class Stage:
    """One stage in progress; `advance` and `cached` may be called from any thread."""

    def __init__(self, reporter: Reporter, result: StageResult):
        self.reporter = reporter
        self.result = result
        self._bar = None
        if reporter.live and not reporter.silenced:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: PDF workers are forked while a bar is open
            self._bar = tqdm(
                total=result.total,
                desc=result.name,
                unit=result.unit or "项",
                file=reporter.stream,
                leave=False,
                dynamic_ncols=True,
            )

    def advance(self, n: int = 1) -> None:
        self.result.done += n
        if self._bar is not None and not self.reporter.silenced:
            self._bar.update(n)

    def cached(self, n: int = 1) -> None:
        self.result.from_cache += n

    def say(self, summary: str) -> None:
        """The stage's closing line, in its own words (the seconds are added)."""
        self.result.summary = summary

    def set_total(self, total: int) -> None:
        self.result.total = total
        if self._bar is not None and not self.reporter.silenced:
            self._bar.total = total
            self._bar.refresh()

    def _close(self) -> None:
        if self._bar is not None:
            bar, self._bar = self._bar, None
            if self.reporter.silenced:
                bar.disable = True  # no final redraw under the 已中断 line
            bar.close()


_current = Reporter(quiet=True)  # in-process callers (tests, scripts) print nothing unless they ask


def use(reporter: Reporter) -> Reporter:
    """Make `reporter` the one the pipeline reports to; returns it."""
    global _current
    _current = reporter
    return reporter


def current() -> Reporter:
    return _current


@contextmanager
def stage(name: str, total: int | None = None, unit: str = ""):
    """One stage. Opened inside another stage (the pipeline's output "讲义" around the handouts'
    own stage) it is the same stage: one bar, one line, the inner one's counts and words."""
    reporter = _current
    if reporter.open:
        outer = reporter.open[-1]
        if unit and not outer.result.unit:
            outer.result.unit = unit
            if outer._bar is not None:
                outer._bar.unit = unit
        if total is not None:
            outer.set_total(total)
        yield outer
        return
    result = StageResult(name, total=total, unit=unit)
    st = Stage(reporter, result)
    start = time.monotonic()
    reporter.open.append(st)
    try:
        yield st
    except BaseException:
        st._close()
        raise
    finally:
        reporter.open.remove(st)
    result.seconds = time.monotonic() - start
    st._close()
    reporter.finished.append(result)
    reporter.write(result.line())


def note(text: str) -> None:
    _current.write(text)


def silence() -> None:
    """After Ctrl-C: nothing the build still does may print."""
    _current.silence()
