"""The one rule for when a kept result is stale: it is keyed by the code that made it.

Results kept between builds (remembered renders, the incremental state, the CSS cut, photo
inspections and renditions, share cards, handout page images) used to carry hand-bumped `VERSION`
constants, which someone had to remember to change with the code. Now each is keyed by a digest
of that code, computed:

- `memo.kit_digest()`: every file of the kit, for what depends on the whole build (the page and
  article memos, the incremental state and its audit memory, the CSS cut);
- `code_digest(...)`: the functions, classes or modules that make one kind of cached file, and the
  settings they read, for caches whose key is part of a published file's name (photo renditions,
  handout page images) or that outlive many kit versions (photo inspections, share cards). Code
  counts by its syntax tree, so comments, docstrings and layout do not count: a reworded comment
  renames no published photo, a changed line of the encoder renames them all.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
from functools import cache
from typing import Any


def code_digest(*parts: Any) -> str:
    """A digest of `parts`: functions, classes and modules by their syntax tree (without docstrings),
    anything else (a JPEG quality, a tuple of widths) by its repr."""
    h = hashlib.sha256()
    for part in parts:
        code = inspect.ismodule(part) or inspect.isclass(part) or inspect.isfunction(part)
        if code:
            h.update(_tree(part))
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@cache
def _tree(part: Any) -> bytes:
    tree = ast.parse(textwrap.dedent(inspect.getsource(part)))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()
