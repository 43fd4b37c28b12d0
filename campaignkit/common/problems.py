"""Problems found in the content, and the one exception the CLI turns into a clean exit."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake an editor must fix: where it is and what is wrong, in Chinese."""

    path: str
    line: int = 0
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


def field_name(path) -> str:
    """photos[2].alt — list positions counted from 1, as editors count them."""
    out = ""
    for step in path:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


@dataclass
class Problems:
    """Collects problems from every stage so that one run reports them all."""

    items: list[Problem] = field(default_factory=list)
    # Worth a look but not wrong (a case's place that points at one enterprise): shown, never blocking.
    warnings: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, field_name: str, message: str) -> None:
        self.items.append(Problem(str(path), int(line or 0), field_name, message))

    def warn(self, path: str, line: int, field_name: str, message: str) -> None:
        self.warnings.append(Problem(str(path), int(line or 0), field_name, message))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)
        self.warnings.extend(other.warnings)

    def warning_lines(self) -> list[str]:
        """Each warning as one line, as the editor reads it: 提醒：file:line: field: …"""
        return [f"提醒：{w}" for w in sorted(set(self.warnings), key=_natural_key)]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=_natural_key)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.sorted())


def _natural_key(p: Problem):
    return (p.path, p.line, p.field, p.message)


class BuildError(Exception):
    """A failure the CLI reports in Chinese without a traceback (exit status 1)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ContentError(BuildError):
    """The content has mistakes; each one names file, line and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        lines.append(f"共发现 {len(problems)} 处问题，未生成网站，site/ 保持不变。")
        super().__init__("\n".join(lines))


class WarningCollector(logging.Handler):
    """Collects a library's warnings (MkDocs, WeasyPrint) so they become one Chinese error."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
