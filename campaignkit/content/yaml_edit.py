"""Changing a content file without losing what the change does not touch (ruamel.yaml round trip).

Both ways of editing without YAML end here: a spreadsheet import sets the fields its sheet
carries, a form saves a whole item. Only the fields whose values differ are replaced; the
others keep their exact text, and the file keeps its comments, field order and short
`[a, b]` lists. Dates stay unquoted text (2023-08-03), as the kit reads them (load.py).
"""

from __future__ import annotations

import io
import re

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHORT_ITEM = 30  # lists whose items are all this short are written [a, b], as the sample content does


class _DateText(str):
    """A date kept as text, written back unquoted."""


def yaml() -> YAML:
    y = YAML(typ="rt", pure=True)
    y.width = 4096  # never fold a long Chinese line
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    y.allow_duplicate_keys = False
    y.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda c, node: c.construct_scalar(node))
    y.representer.add_representer(_DateText, lambda r, v: r.represent_scalar("tag:yaml.org,2002:timestamp", str(v)))
    return y


def load(text: str):
    return yaml().load(text)


def dump(data) -> str:
    _dates_unquoted(data)
    out = io.StringIO()
    yaml().dump(data, out)
    return out.getvalue()


def plain(value):
    """A value as compared: text without trailing newlines (a `|` block ends with one, a cell does not)."""
    if isinstance(value, str):
        return value.rstrip("\n")
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def update(data: CommentedMap, values: dict, order: list[str]) -> list[str]:
    """Set each field of `values` in `data` (None: remove it); return the fields that changed.

    A field whose value is the same is not touched, so its formatting and comments stay; a new
    field goes where `order` (the schema's field order) puts it among the existing ones."""
    changed = []
    for name, value in values.items():
        old = data.get(name)
        if plain(old) == plain(value):
            continue
        changed.append(name)
        if value is None:
            del data[name]
        elif not _merge_in_place(old, value):
            _set_in_order(data, name, node(value), order)
    return changed


def _merge_in_place(old, new) -> bool:
    """Change `old` (a map, or a list of the same length) into `new` item by item; False if it cannot."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            if plain(old.get(key)) == plain(new.get(key)):
                continue
            if key not in new:
                del old[key]
            elif not _merge_in_place(old.get(key), new[key]):
                old[key] = node(new[key])
        return True
    if isinstance(old, CommentedSeq) and isinstance(new, list) and len(old) == len(new):
        for i, value in enumerate(new):
            if plain(old[i]) != plain(value) and not _merge_in_place(old[i], value):
                old[i] = node(value)
        return True
    return False


def node(value):
    """A plain value as round-trip YAML: short lists in flow style, multi-line text as a | block."""
    if isinstance(value, list):
        seq = CommentedSeq([node(v) for v in value])
        if value and all(isinstance(v, str) and len(v) <= SHORT_ITEM and "\n" not in v for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        return CommentedMap((k, node(v)) for k, v in value.items())
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value.rstrip("\n") + "\n")
    return value


def merge_text(old_text: str, new_text: str, order: list[str]) -> str:
    """`new_text` (a whole item, as a form writes it) applied to `old_text` keeping all it leaves alone."""
    old, new = load(old_text), load(new_text)
    if not isinstance(old, CommentedMap) or not isinstance(new, dict):
        return new_text
    update(old, {k: new.get(k) for k in [*old, *(k for k in new if k not in old)]}, order)
    return dump(old)


def _set_in_order(data: CommentedMap, key: str, value, order: list[str]) -> None:
    if key in data:
        data[key] = value
        return
    rank = {k: i for i, k in enumerate(order)}
    position = next(
        (i for i, existing in enumerate(data) if rank.get(existing, len(order)) > rank.get(key, len(order))), len(data)
    )
    data.insert(position, key, value)


def _dates_unquoted(node_):
    items = node_.items() if isinstance(node_, dict) else enumerate(node_) if isinstance(node_, list) else ()
    for key, value in list(items):
        if type(value) is str and DATE_TEXT.match(value):
            node_[key] = _DateText(value)
        elif isinstance(value, (dict, list)):
            _dates_unquoted(value)
