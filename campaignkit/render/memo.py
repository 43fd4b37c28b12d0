"""Renders done again only when something they read has changed (site pages, 公众号 articles).

Every build renders from the whole public view (model.py), so a one-case edit used to render all
1,300 pages and 1,100 articles again at 1,000 cases (2 s and 1 s). A page is a function of what
its template reads; so each render is remembered with its trace:

- its explicit inputs (template, path, front matter, the values passed to it), as one digest;
- every read it made from the public view: each item attribute (`case.title`, `enterprise.cases`),
  each attribute of the campaign (`campaign.cases`, `campaign.models`, `campaign.stats`), each
  shared template variable it resolved (`site`, `stats`), each lookup in a table the build made
  (a page's handouts) — and, as one digest, the value each read gave.

The next build reuses the remembered output when the inputs are the same and every recorded
read gives the same value in the new view: a *verifying trace*, as in the Shake build system and
rustc's Salsa. The reads are recorded at their source — while `tracing()` is on, the item
classes' slot descriptors and the campaign's attribute lookup are replaced by recording ones —
so a read made in Python (a filter, a registry function, a campaign property) is recorded as one
made in a template is. An unknown kind of value is compared by its repr, and an object whose repr
names its address never compares equal: the unsafe side is never taken.

Values are compared by fingerprint: plain values as they are, an item as its kind and id (its
own attributes are reads of their own), a dataclass (photo, rendition, handout, figures) by its
fields. `tests/test_memo.py` edits items and checks that exactly the pages that show the edit
are rendered again; `tests/test_incremental.py` that the published trees equal a cold build's.
"""

from __future__ import annotations

import array
import dataclasses
import hashlib
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path

from jinja2.runtime import Context

from campaignkit.common.cache_store import _folder_digest, kit_digest, read_stored, store
from campaignkit.content.kinds import Kind
from campaignkit.view.campaign import ITEM_CLASSES, Campaign, PublicItem

_MISSING = "\0missing"
_reads: set | None = None  # the reads of the render in progress (None: no render is recorded)
_installed = 0


# ---------------------------------------------------------------------------------- recording


class _RecordingSlot:
    """An item class's slot descriptor that records each read while a render is recorded."""

    __slots__ = ("member", "name")

    def __init__(self, member, name: str):
        self.member, self.name = member, name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.member
        if _reads is not None:
            _reads.add((obj, self.name))
        return self.member.__get__(obj, owner)

    def __set__(self, obj, value) -> None:
        self.member.__set__(obj, value)

    def __delete__(self, obj) -> None:
        self.member.__delete__(obj)


_CAMPAIGN = "\0campaign"  # marks a read of the campaign (a dataclass, so not hashable itself)


def _campaign_getattribute(self, name: str):
    if _reads is not None and not name.startswith("__"):
        _reads.add((_CAMPAIGN, name))
    return object.__getattribute__(self, name)


class RecordingContext(Context):
    """Jinja's template context, recording the names a template resolves (`site`, `stats` …):
    set as an environment's `context_class`."""

    def resolve_or_missing(self, key: str):
        if _reads is not None:
            _reads.add((_VARIABLE, key))
        return super().resolve_or_missing(key)


_VARIABLE = "\0var"  # marks a resolved template variable in the recorded reads


@contextmanager
def tracing():
    """Reads of the public view can be recorded (by `recording()`) while this is on."""
    global _installed
    saved = []
    if _installed == 0:
        for cls in ITEM_CLASSES.values():
            for name in cls.__slots__:  # type: ignore[attr-defined]  # every item class has slots (view.campaign)
                member = cls.__dict__[name]
                saved.append((cls, name, member))
                setattr(cls, name, _RecordingSlot(member, name))
        Campaign.__getattribute__ = _campaign_getattribute  # type: ignore[method-assign]  # undone when tracing ends
    _installed += 1
    try:
        yield
    finally:
        _installed -= 1
        if _installed == 0:
            for cls, name, member in saved:
                setattr(cls, name, member)
            del Campaign.__getattribute__


@contextmanager
def recording():
    """Record the reads of the block; yields the set, filled when the block ends (keys: `read_keys`)."""
    global _reads
    previous, _reads = _reads, set()
    found = _reads
    try:
        yield found
    finally:
        _reads = previous
        if previous is not None:  # a render inside a render: the outer one read it too
            previous.update(found)


def read_keys(reads: Iterable) -> tuple:
    """Recorded reads as keys that name what was read, not the objects of this build."""
    keys: set[tuple] = set()
    for owner, name in reads:
        if owner is _VARIABLE:
            keys.add(("var", name))
        elif owner is _CAMPAIGN:
            keys.add(("campaign", name))
        elif isinstance(owner, PublicItem):
            keys.add(("item", owner.folder, owner.id, name))
        else:  # a table lookup (`View.lookup`)
            keys.add(("table", owner, name))
    return tuple(keys)  # any order: the digest of their values is taken in the stored order


# ---------------------------------------------------------------------------------- fingerprints


def fingerprint(value):
    """A value as plain, comparable data (see the module docstring)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, PublicItem):
        return ("@", value.folder, value.id)
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(v) for v in value)
    if isinstance(value, dict):
        return ("{", tuple((k, fingerprint(v)) for k, v in value.items()))  # order shows on the page
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(fingerprint(v)) for v in value)))
    if isinstance(value, Kind):
        return ("kind", value.folder)  # the registry is code: the memo's key covers it
    if isinstance(value, Campaign):
        return ("campaign",)  # its attributes are reads of their own
    names = _field_names(type(value))  # type: ignore[arg-type]  # a class is hashable; typeshed types the cache by Hashable
    if names is not None:
        return (type(value).__qualname__, tuple(fingerprint(getattr(value, name)) for name in names))
    if callable(value) and hasattr(value, "__qualname__"):
        return ("fn", getattr(value, "__module__", ""), value.__qualname__)  # what it reads is recorded
    return ("repr", type(value).__qualname__, repr(value))


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names (dataclasses.fields builds them anew on every call: 2,000 photos
    and their renditions are fingerprinted every build); None for any other class."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def digest(value) -> bytes:
    return hashlib.blake2b(repr(fingerprint(value)).encode(), digest_size=16).digest()


def code_key(*folders: Path) -> str:
    """What every remembered render depends on besides its trace: its templates, the kit's code,
    the libraries that render, Python."""
    h = hashlib.sha256(kit_digest().encode())
    for folder in folders:
        h.update(_folder_digest(folder))
    for name in ("jinja2", "markupsafe", "markdown", "pymdown-extensions", "nh3", "css-inline"):
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            pass
    h.update(sys.version.encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------------- the view


class View:
    """The new build's public view, as the recorded reads are checked against it."""

    def __init__(self, campaign: Campaign, variables: dict | None = None, tables: dict | None = None):
        self.campaign = campaign
        self.variables = variables or {}  # shared template variables whose resolution is recorded
        self.tables = tables or {}
        self.items = {(item.folder, item.id): item for items in campaign.items.values() for item in items}
        self.items.update({(page.folder, page.id): page for page in campaign.pages})
        self._values: dict[tuple, bytes] = {}

    def lookup(self, name: str, key_of: Callable, default=()):
        """A template function that looks its argument up in `tables[name]` by `key_of(arg)`; the
        lookup is recorded (a page's handouts: only that item's, not every handout of the build)."""
        table = self.tables[name]

        def look(arg):
            key = key_of(arg)
            if _reads is not None:
                _reads.add((name, key))
            return table.get(key, default)

        return look

    def value(self, key: tuple) -> bytes:
        """The digest of what a recorded read gives in this build (each read is looked at once a
        build, however many pages made it: the case list is read by every list page)."""
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = digest(self._read(key))
        return found

    def _read(self, key: tuple):
        kind = key[0]
        if kind == "item":
            item = self.items.get((key[1], key[2]))
            return _MISSING if item is None else fingerprint(getattr(item, key[3], _MISSING))
        if kind == "campaign":
            try:
                return fingerprint(getattr(self.campaign, key[1]))
            except AttributeError:
                return _MISSING
        if kind == "var":
            return fingerprint(self.variables.get(key[1], ("global", key[1])))  # globals are code
        if kind == "table":
            return fingerprint(self.tables.get(key[1], {}).get(key[2], ()))
        return _MISSING


# ---------------------------------------------------------------------------------- the memo


@dataclasses.dataclass
class Entry:
    inputs: bytes  # digest of the explicit inputs
    reads: array.array  # the reads, as numbers in the memo's table of reads (Memo.reads)
    values: bytes  # digest of what they gave
    output: object  # what is reused: a page's Markdown, an article's fragment


class Memo:
    """Remembered renders of one output, in one file; `save` keeps what this build used.

    The reads are kept once, in one table, and each entry lists the numbers of its own: 1,300
    pages make 96,000 reads of 22,000 different things at 1,000 cases, and a table of tuples
    with an array of numbers per page loads in a fraction of the time of a tuple per read."""

    def __init__(self, path: Path, key: str):
        self.path, self.key = path, key
        self.old: dict[str, Entry] = {}
        self.new: dict[str, Entry] = {}
        self.reads: list[tuple] = []  # every read an entry names, by its number
        self._numbers: dict[tuple, int] | None = None  # read → number, made when a render adds reads
        self.known: set = set()  # facts about outputs under the same key (e.g. fragments audited clean)
        self.view: View | None = None
        self._values: list[bytes | None] = []  # digest of what each read gives in this build
        stored = read_stored(path, {"key": key})
        if stored is not None:  # else no memo, or one from another version: every render is done
            self.old, self.reads, self.known = stored["entries"], stored["reads"], stored["known"]

    def _values_digest(self, numbers) -> bytes:
        assert self.view is not None, "values are read only while a view is traced"
        values, reads, value = self._values, self.reads, self.view.value
        if len(values) < len(reads):
            values.extend([None] * (len(reads) - len(values)))
        out = []
        for n in numbers:
            found = values[n]
            if found is None:
                found = values[n] = value(reads[n])
            out.append(found)
        return hashlib.blake2b(b"".join(out), digest_size=16).digest()

    def valid(self, name: str, inputs: bytes) -> Entry | None:
        """The remembered entry for `name`, if its inputs and every read it made are unchanged."""
        entry = self.old.get(name)
        if entry is None or entry.inputs != inputs or entry.values != self._values_digest(entry.reads):
            return None
        return entry

    def keep(self, name: str, entry: Entry) -> None:
        self.new[name] = entry

    def output(self, name: str, inputs, render: Callable[[], object]):
        """What `render()` returns for `name`: remembered when `inputs` (plain values, items) and
        every read the remembered render made are unchanged, else rendered and its reads recorded."""
        inputs = digest(inputs)
        entry = self.valid(name, inputs)
        if entry is not None:
            self.keep(name, entry)
            return entry.output
        with recording() as reads:
            made = render()
        self.remember(name, inputs, reads, made)
        return made

    def remember(self, name: str, inputs: bytes, reads: set, output) -> None:
        numbers = self._numbers_of(read_keys(reads))
        self.new[name] = Entry(inputs, numbers, self._values_digest(numbers), output)

    def _numbers_of(self, keys: tuple) -> array.array:
        if self._numbers is None:
            self._numbers = {key: n for n, key in enumerate(self.reads)}
        numbers = self._numbers
        for key in keys:
            if key not in numbers:
                numbers[key] = len(self.reads)
                self.reads.append(key)
        return array.array("I", [numbers[key] for key in keys])

    def save(self) -> None:
        """Write the entries this build used (renders no page asked for any more are dropped),
        with the table of reads they name; reads no entry names any more are dropped when they
        are a quarter of the table."""
        entries, reads = self.new, self.reads
        used = sorted({n for entry in entries.values() for n in entry.reads})
        if len(used) < 0.75 * len(reads):
            renumber = {old: new for new, old in enumerate(used)}
            reads = [reads[n] for n in used]
            entries = {
                name: dataclasses.replace(entry, reads=array.array("I", [renumber[n] for n in entry.reads]))
                for name, entry in entries.items()
            }
        store(self.path, {"key": self.key, "entries": entries, "reads": reads, "known": self.known})
