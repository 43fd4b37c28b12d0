"""Where a build's time goes, stage by stage, for scripts/benchmark.py.

Stages nest (photos are resized while the model is built): each stage's figure is its own
time, without the stages inside it. Set CAMPAIGNKIT_TIMINGS to a file name and the build
writes the figures there as JSON; otherwise timing costs nothing worth measuring.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager

_totals: dict[str, float] = {}
_stack: list[list] = []  # [name, start of its current uninterrupted stretch]
extra: dict = {}  # other facts a benchmark wants (MkDocs settings of the build)


@contextmanager
def stage(name: str):
    now = time.perf_counter()
    if _stack:  # pause the enclosing stage
        outer = _stack[-1]
        _totals[outer[0]] = _totals.get(outer[0], 0.0) + now - outer[1]
    _stack.append([name, now])
    try:
        yield
    finally:
        end = time.perf_counter()
        inner = _stack.pop()
        _totals[inner[0]] = _totals.get(inner[0], 0.0) + end - inner[1]
        if _stack:
            _stack[-1][1] = end


def write() -> None:
    """Write the figures where CAMPAIGNKIT_TIMINGS says (nothing when it is not set)."""
    target = os.environ.get("CAMPAIGNKIT_TIMINGS")
    if target:
        with open(target, "w", encoding="utf-8") as f:
            json.dump({"stages": _totals, **extra}, f, ensure_ascii=False, default=str)
