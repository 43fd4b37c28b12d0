"""Material's stylesheets cut down to the rules this site can use.

Material ships one stylesheet for every feature it has (137 KB, plus 12 KB of palettes): code
blocks, tabs, tags, annotations, a dark scheme, right-to-left scripts, twenty admonition icons.
The page cannot be shown before it has arrived, so on a server that does not compress it held a
phone's first paint on slow 4G for about a second (Lighthouse: FCP 2.0 s, issue 12).

A rule is kept when, for at least one of its selectors, every class, id and element name in it
occurs as a word in something the browser can ever see:

- the finished site's pages and search index: the editors' content of *this* build, so a class
  written in a free page tomorrow keeps its rule tomorrow;
- every script the pages run (Material's bundle, the kit's scripts, GLightbox): Material's
  JavaScript creates the search results, table wrappers, tooltips and state classes
  (`md-header--shadow`, `md-search-result__item`) from literal strings in its bundle, so those
  words are there. Names the bundle composes at run time (`md-tag--${…}`) are kept by their
  prefix, read from the bundle too (`RUNTIME_PREFIX`). Nothing is listed by hand.

This is the PurgeCSS rule (a word list, not a DOM match), so a state a script adds later is never
lost. What is inside :not(), :is(), :where() and :has() is not required (keeping is the safe
side); an attribute selector needs the attribute's name and, for [name=value], the value in the
pages themselves (Material's markup sets `dir` and the palette; its bundle names `rtl` only to
ask which way the text runs, which would keep 5 KB of right-to-left rules).
Custom properties that no kept rule reads (Material declares an icon for every admonition
type in :root) are dropped too.

The result gets a name from its own content (`main.<sha256[:8]>.min.css`): the nginx set-up in
docs/发布指南.md caches `*.xxxxxxxx.min.css` for a year, and a smaller stylesheet under Material's
original name would be cached across a content change that needs a rule it lacks. Every page's
link is rewritten; the original file and its source map (which would no longer match) go.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tinycss2

from campaignkit.common import fstree
from campaignkit.render import memo
from campaignkit.website import search_index

# Material's stylesheets in the finished site; campaign.css is the kit's own and kept whole.
STYLESHEETS = ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css")
# Where the words come from: pages, the search index (its texts become result HTML), and the
# scripts. lunr's language packs run inside the search worker, which has no DOM.
WORD_SOURCES = ("**/*.html", search_index.PATH, "assets/**/*.js")
NO_DOM_SCRIPTS = "assets/javascripts/lunr/"
_WORD = re.compile(r"-{0,2}[A-Za-z_][A-Za-z0-9_-]*")
_WORD_BYTES = re.compile(_WORD.pattern.encode())
_WORD_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_WORD_RUNS = bytes(c if c in _WORD_CHARS else 0x20 for c in range(256))  # every other byte → space
# A class name a script composes: `md-tag--${name}` in a template literal, "md-x--"+name.
RUNTIME_PREFIX = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*(?:--|__|-))(?:\$\{|[\"']\s*\+)")
# Pseudo-classes whose arguments are selectors that need not match for the rule to be useful.
_SELECTOR_FUNCTIONS = {"not", "is", "where", "has", "matches", "-webkit-any", "-moz-any", "host", "host-context"}
_NAME_FILE = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{8}\.min\.css$")


@dataclass(frozen=True)
class Vocabulary:
    """The words of everything the browser sees, the words of the pages alone, and the class
    prefixes scripts compose."""

    words: frozenset[str]
    page_words: frozenset[str]
    prefixes: tuple[str, ...]

    def has(self, kind: str, name: str) -> bool:
        if kind == "value":  # [dir=rtl], [data-md-color-scheme=slate]: set by the page's markup
            return name in self.page_words
        return name in self.words or name.startswith(self.prefixes)


def vocabulary(site_dir: Path, remembered: Remembered | None = None, everything: list[str] | None = None) -> Vocabulary:
    """`remembered`: the words of files read by an earlier build, by file identity (an incremental
    build keeps most pages as links to the published ones); `everything`: the tree's files."""
    # On the UTF-8 bytes: the words are ASCII, and 1,000 case pages need not be decoded for them.
    words: set[bytes] = set()
    page_words: set[bytes] = set()
    prefixes: set[str] = set()
    for rel, path in _sources(site_dir, fstree.files(site_dir) if everything is None else everything):
        found, composed = remembered.words(rel, path) if remembered else _words(path)
        words |= found
        if path.suffix == ".js":
            prefixes.update(composed)
        else:
            page_words |= found
    return Vocabulary(frozenset(w.decode() for w in words), frozenset(w.decode() for w in page_words), tuple(sorted(prefixes)))


def _words(path: Path, data: bytes | None = None) -> tuple[frozenset[bytes], tuple[str, ...]]:
    """A file's words, and for a script the class prefixes it composes (`data`: its bytes, when
    they are at hand)."""
    data = path.read_bytes() if data is None else data
    # A word never spans a byte outside [A-Za-z0-9_-]: the regular expression runs on each distinct
    # run of word bytes, not on the file (the search index: 3 MB, 0.09 s; its runs: 0.015 s).
    runs = set(data.translate(_WORD_RUNS).split())
    found = frozenset(_interned(w) for run in runs for w in _WORD_BYTES.findall(run))
    if path.suffix != ".js":
        return found, ()
    return found, tuple(RUNTIME_PREFIX.findall(data.decode("utf-8", errors="replace")))


_WORDS: dict[bytes, bytes] = {}


def _interned(word: bytes) -> bytes:
    """One object per word, so the pickle of every page's words stores each word once."""
    return _WORDS.setdefault(word, word)


class Remembered:
    """What the CSS cut read and made in the last build of an output folder, kept in one file:

    - each source file's words by its identity (device, inode, size, mtime): an incremental build
      publishes unchanged pages as links to the very files read last time, so only the pages
      MkDocs wrote again are read (1,300 pages at 1,000 cases cost 0.8 s);
    - the cut stylesheets for the vocabulary and stylesheets they were cut from (tinycss2's parse
      of Material's 137 KB), and the names they were published under, which every page not
      written again since still links;
    - the names the stylesheets' selectors ask about (asked_names), by the stylesheets' digest."""

    def __init__(self, path: Path):
        self.path = path
        stored = memo.read_stored(path, {"kit": memo.kit_digest()}) or {
            "files": {},
            "cut": ("", {}),
            "names": {},
            "asked": ("", ()),
        }
        self.old_files: dict[str, tuple] = stored["files"]  # read last build: rel → (identity, words, prefixes)
        self.cut: tuple[str, dict[str, str]] = stored["cut"]
        self.names: dict[str, str] = stored["names"]
        self.asked: tuple[str, tuple[str, ...]] = stored["asked"]  # (sheets_key, asked_names) of the last cut
        self.files: dict[str, tuple] = {}  # read (or found unchanged) in this build

    def words(self, rel: str, path: Path) -> tuple[frozenset[bytes], tuple[str, ...]]:
        identity = fstree.identity(path)
        entry = self.old_files.get(rel)
        if entry is not None and entry[0] == identity:
            self.files[rel] = entry
            return entry[1], entry[2]
        found, composed = _words(path)
        self.files[rel] = (identity, found, composed)
        return found, composed

    def unchanged(self, rel: str) -> bool:
        """The file is the one read last build (and so links the stylesheets named then)."""
        entry = self.old_files.get(rel)
        return entry is not None and rel in self.files and self.files[rel] is entry

    def rewritten(self, rel: str, path: Path, data: bytes) -> None:
        """The page was written again (its stylesheet links) after its words were read: its words
        are those of `data` now (else the build after a clean one read all 1,300 pages again)."""
        found, composed = _words(path, data)
        self.files[rel] = (fstree.identity(path), found, composed)

    def save(self, cut: tuple[str, dict[str, str]], names: dict[str, str], asked: tuple) -> None:
        memo.store(self.path, {"kit": memo.kit_digest(), "files": self.files, "cut": cut, "names": names, "asked": asked})


def _sources(site_dir: Path, everything: list[str]) -> Iterable[tuple[str, Path]]:
    seen = set()
    for pattern in WORD_SOURCES:
        for rel in fstree.select(everything, pattern):
            if rel not in seen and not rel.startswith(NO_DOM_SCRIPTS):
                seen.add(rel)
                yield rel, site_dir / rel


# --------------------------------------------------------------------------- selectors


def _split(tokens: list, separator: str = ",") -> list[list]:
    parts: list[list] = []
    current: list = []
    for t in tokens:
        if t.type == "literal" and t.value == separator:
            parts.append(current)
            current = []
        else:
            current.append(t)
    parts.append(current)
    return parts


def selector_names(tokens: list) -> list[tuple[str, str]]:
    """What one selector requires: ("class", x), ("id", x), ("tag", x), ("attr", x) and the value
    of an exact attribute match; pseudo-classes and pseudo-elements require nothing."""
    needs: list[tuple[str, str]] = []
    previous = None
    for t in tokens:
        if t.type == "ident":
            if previous is not None and previous.type == "literal" and previous.value == ".":
                needs.append(("class", t.value))
            elif not (previous is not None and previous.type == "literal" and previous.value == ":"):
                needs.append(("tag", t.value.lower()))
        elif t.type == "hash":
            needs.append(("id", t.value))
        elif t.type == "[] block":
            needs.extend(_attribute(t.content))
        previous = t
    return needs


def _attribute(content: list) -> list[tuple[str, str]]:
    parts = [t for t in content if t.type != "whitespace"]
    if not parts or parts[0].type != "ident":
        return []
    needs = [("attr", parts[0].value)]
    exact = len(parts) >= 3 and parts[1].type == "literal" and parts[1].value == "="
    if exact and parts[2].type in ("ident", "string") and _WORD.fullmatch(parts[2].value):
        needs.append(("value", parts[2].value))
    return needs


def selector_kept(tokens: list, vocab: Vocabulary) -> bool:
    return all(vocab.has(kind, name) for kind, name in selector_names(tokens))


# --------------------------------------------------------------------------- the stylesheet

_GROUPS = ("media", "supports", "container", "layer")  # at-rules that hold rules


@dataclass
class _Rule:
    selectors: str
    declarations: list  # tinycss2 Declaration nodes


@dataclass
class _Group:
    head: str  # "@media screen and (min-width:76.25em)"
    children: list


def parse(sheets: dict) -> dict:
    return {name: tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True) for name, css in sheets.items()}


def purge(sheets: dict, vocab: Vocabulary, other_css: Iterable[str] = (), parsed: dict | None = None) -> dict:
    """Each stylesheet with only the rules (and custom properties) the vocabulary can use. Custom
    properties are judged across all of them and `other_css` (the kit's own stylesheets): the
    palette declares colours that the main stylesheet and campaign.css read. `parsed`: parse(sheets)."""
    kept = {name: _rules(rules, vocab) for name, rules in (parsed or parse(sheets)).items()}
    used = _used_properties([node for nodes in kept.values() for node in nodes], vocab, other_css)
    return {name: "".join(_serialize(node, used) for node in nodes) for name, nodes in kept.items()}


def _rules(rules: list, vocab: Vocabulary) -> list:
    out: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split(rule.prelude) if selector_kept(s, vocab)]
            if selectors:
                declarations = [
                    d
                    for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                    if d.type == "declaration"
                ]
                out.append(_Rule(",".join(tinycss2.serialize(s).strip() for s in selectors), declarations))
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPS and rule.content is not None:
            children = _rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), vocab)
            if children:
                out.append(_Group(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", children))
        elif rule.type == "at-rule":  # @charset, @keyframes, @page, @font-face: kept as they are
            out.append(tinycss2.serialize([rule]))
    return out


def _walk(nodes: list) -> Iterable:
    for node in nodes:
        if isinstance(node, _Group):
            yield from _walk(node.children)
        else:
            yield node


_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")


def _used_properties(nodes: list, vocab: Vocabulary, other_css: Iterable[str]) -> set[str]:
    """Custom properties read by a kept rule or another stylesheet (directly or through another
    property), or named by a script or page (a script may read or set one)."""
    declared: dict[str, list[str]] = {}
    reads = {ref for css in other_css for ref in _VAR.findall(css)}
    for node in _walk(nodes):
        if isinstance(node, str):
            reads.update(_VAR.findall(node))
            continue
        for d in node.declarations:
            refs = _VAR.findall(tinycss2.serialize(d.value))
            if d.name.startswith("--"):
                declared.setdefault(d.name, []).extend(refs)
            else:
                reads.update(refs)
    used = reads | {name for name in declared if name in vocab.words}
    todo = list(used)
    while todo:
        for ref in declared.get(todo.pop(), []):
            if ref not in used:
                used.add(ref)
                todo.append(ref)
    return used


def _serialize(node, used: set[str]) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, _Group):
        inner = "".join(_serialize(child, used) for child in node.children)
        return f"{node.head}{{{inner}}}" if inner else ""
    body = ";".join(_declaration(d) for d in node.declarations if not d.name.startswith("--") or d.name in used)
    return f"{node.selectors}{{{body}}}" if body else ""


def _declaration(d) -> str:
    return f"{d.name}:{tinycss2.serialize(d.value).strip()}" + ("!important" if d.important else "")


# --------------------------------------------------------------------------- the site


def purge_site(site_dir: Path, remember: Path | None = None, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Replace Material's stylesheets in a finished site by their used rules, under content-hashed
    names, and point every page at them; returns {old path: new path}. `remember`: a file where
    what was read and cut is kept for the next build of the same folder (Remembered); `skip`:
    folders that hold no page, script or stylesheet (the photos, share cards and QR codes)."""
    remembered = Remembered(remember) if remember is not None else None
    everything = fstree.files(site_dir, skip)  # one walk: the word sources, the stylesheets, the pages
    vocab = vocabulary(site_dir, remembered, everything)
    css_files = fstree.select(everything, "**/*.css")
    theme = {
        site_dir / rel: (site_dir / rel).read_text(encoding="utf-8")
        for pattern in STYLESHEETS
        for rel in fstree.select(css_files, pattern)
        if _NAME_FILE.match(rel.rsplit("/", 1)[-1])
    }
    others = [(site_dir / rel).read_text(encoding="utf-8") for rel in css_files if site_dir / rel not in theme]
    sheets = sheets_key(sorted((p.relative_to(site_dir).as_posix(), css) for p, css in theme.items()), others)
    parsed = None
    if remembered is not None and remembered.asked[0] == sheets:
        names = remembered.asked[1]
    else:
        parsed = parse(theme)
        names = asked_names(parsed.values(), [*theme.values(), *others])
    key = cut_key(vocab, sheets, names)
    if remembered is not None and remembered.cut[0] == key:
        cut = remembered.cut[1]
    else:
        cut = {path.relative_to(site_dir).as_posix(): small for path, small in purge(theme, vocab, others, parsed).items()}
    renamed: dict[str, str] = {}
    for rel, small in cut.items():
        path = site_dir / rel
        data = small.encode("utf-8")
        new = path.with_name(f"{_stem(path.name)}.{hashlib.sha256(data).hexdigest()[:8]}.min.css")
        path.unlink()
        path.with_name(path.name + ".map").unlink(missing_ok=True)
        new.unlink(missing_ok=True)  # never write into a file: in an incremental build it may be a published one
        new.write_bytes(data)
        renamed[rel] = new.relative_to(site_dir).as_posix()
    if renamed:
        _link_pages(
            site_dir,
            fstree.select(everything, "**/*.html"),
            renamed,
            remembered,
            remembered is not None and remembered.names == renamed,
        )
    if remembered is not None:
        remembered.save((key, cut), renamed, (sheets, names))
    return renamed


def sheets_key(sheets: list[tuple[str, str]], others: list[str]) -> str:
    return hashlib.sha256(repr((sheets, others)).encode()).hexdigest()


def asked_names(parsed: Iterable[list], css_texts: Iterable[str]) -> tuple[str, ...]:
    """Every name the cut asks the vocabulary about: the names in the selectors (Vocabulary.has)
    and the custom properties (a declared one stays when a page or script names it)."""
    names: set[str] = set()

    def walk(rules: list) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                for selector in _split(rule.prelude):
                    names.update(name for _kind, name in selector_names(selector))
            elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPS and rule.content is not None:
                walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))

    for rules in parsed:
        walk(rules)
    for css in css_texts:
        names.update(_PROPERTY.findall(css))
    return tuple(sorted(names))


_PROPERTY = re.compile(r"--[A-Za-z0-9_-]+")


def cut_key(vocab: Vocabulary, sheets: str, names: tuple[str, ...]) -> str:
    """What the cut depends on: the stylesheets (`sheets`: sheets_key), the prefixes scripts
    compose, and the vocabulary's answer for each name the cut asks about (`names`: asked_names).
    A page word no selector names (an editor's "USB" or "A栋") leaves the cut as it was: before,
    any new word cut Material's 137 KB again (a second at 1,000 cases)."""
    answers = bytes(2 * (name in vocab.words) + (name in vocab.page_words) for name in names)
    return hashlib.sha256(repr((sheets, vocab.prefixes, answers)).encode()).hexdigest()


def _stem(name: str) -> str:
    """A theme stylesheet's name without its hash and suffix (the names the cut renames always match)."""
    found = _NAME_FILE.match(name)
    assert found is not None, name
    return found["stem"]


def _link_pages(
    site_dir: Path, html: list[str], renamed: dict[str, str], remembered: Remembered | None, same_names: bool
) -> None:
    """Point every page at the cut stylesheets. With `same_names` (the names are the last build's),
    a page that is the very file read last build links them already."""
    # Any version of a theme stylesheet's name: Material's, or the cut one of an earlier build
    # (an incremental build keeps the pages it did not rebuild, which name the earlier cut).
    stems = {_stem(new.rsplit("/", 1)[1]): new.rsplit("/", 1)[1] for new in renamed.values()}
    pattern = re.compile(rb"\b(" + b"|".join(re.escape(stem.encode()) for stem in stems) + rb")\.[0-9a-f]{8}\.min\.css")
    names = {stem.encode(): name.encode() for stem, name in stems.items()}
    for rel in html:
        if same_names and remembered is not None and remembered.unchanged(rel):
            continue
        page = site_dir / rel
        data = page.read_bytes()
        head = data.find(b"</head>")  # stylesheets are linked in the head: the body need not be searched
        head = len(data) if head < 0 else head
        changed = pattern.sub(lambda m: names[m.group(1)], data[:head]) + data[head:]
        if changed != data:
            page.unlink()  # a new file, never one shared with the published tree
            page.write_bytes(changed)
            if remembered is not None:
                remembered.rewritten(rel, page, changed)
