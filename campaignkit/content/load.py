"""Stage 1: read content/ into documents that remember where every value came from.

Files are read defensively: size limit before reading, encoding detection with a
Chinese hint (GBK from Windows editors is common), no YAML aliases (a
billion-laughs file is refused before it is expanded), tabs reported by line.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from campaignkit.common import cache_store
from campaignkit.common.problems import Problems, field_name
from campaignkit.content.kinds import KINDS, MEDIA, PAGES

MAX_FILE_BYTES = 1_000_000
# Bounds on what one content file may hold, checked on libyaml's (C) parse events before the
# pure-Python loader (slow: ~10 s per MB of small nodes, and far worse for deep [[[ nesting) runs.
MAX_YAML_DEPTH = 20
MAX_YAML_NODES = 20_000
# Characters YAML does not allow (C0/C1 controls but tab and newline, DEL, noncharacters):
# pasted from Word, WeChat or a PDF, invisible in most editors.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Spaces that look like indentation but are not to YAML: full-width (Chinese input methods), no-break.
_WIDE_INDENT = re.compile("^[ \u3000\u00a0\u2000-\u200a\u202f\u205f]*[\u3000\u00a0\u2000-\u200a\u202f\u205f]")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_IGNORED = re.compile(r"^(\.|~\$)|(~|\.swp|\.bak|\.tmp)$")


@dataclass
class Document:
    """One content file: its kind, id, where it lives, and its data.

    `data` is what libyaml read (plain dicts and lists) for a file without problems, or
    ruamel's commented map for one read the slow way. Line marks are needed only when a
    problem is reported: then the YAML `source` is read again with ruamel, once."""

    kind: str
    id: str
    relpath: str
    data: dict
    body: str = ""  # free pages only: the Markdown after the front matter
    body_line: int = 0
    line_offset: int = 0  # free pages: the front matter starts on the file's second line
    source: str = ""  # the YAML text (front matter of a free page)
    _marks: CommentedMap | None = field(default=None, repr=False, compare=False)

    def line(self, *path) -> int:
        return line_of(self.marks(), path) + self.line_offset

    def marks(self) -> CommentedMap:
        """The data with ruamel's line and column marks (read on first use)."""
        if isinstance(self.data, CommentedMap):
            return self.data
        if self._marks is None:
            self._marks = _yaml().load(self.source)
        return self._marks


@dataclass
class Content:
    root: Path
    site: Document | None = None
    items: dict[str, list[Document]] = field(default_factory=lambda: {k: [] for k in KINDS})
    pages: list[Document] = field(default_factory=list)
    # Ids of files that exist but could not be read (already reported): references to them
    # are not reported again as "not found", so one broken file gives one message.
    unreadable: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})


def line_of(node, path) -> int:
    """1-based line of the value at `path` (keys and list indexes), or of its nearest parent."""
    line = (getattr(getattr(node, "lc", None), "line", 0) or 0) + 1
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line = node.lc.key(step)[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lc.item(step)[0] + 1
            node = node[step]
        else:
            break
    return line


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    # Dates stay text: validation checks them and reports 2023-13-45 in Chinese
    # instead of the parser crashing on an impossible date.
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp",
        lambda constructor, node: constructor.construct_scalar(node),
    )
    return yaml


def load_content(root: Path) -> tuple[Content, Problems]:
    """Read every content file under `root`; return what parsed and every problem found."""
    root = Path(root)
    problems = Problems()
    content = Content(root=root)
    if not root.is_dir():
        problems.add(_rel(root, root), 0, "", "找不到内容文件夹")
        return content, problems

    site_path = root / "site.yml"
    if site_path.is_file():
        content.site = read_yaml_document(site_path, root, "site", "site", problems)
    else:
        problems.add(_rel(site_path, root), 0, "", "缺少网站设置文件 site.yml")

    for entry in sorted(root.iterdir()):
        if _IGNORED.search(entry.name) or entry.name == "site.yml":
            continue
        if entry.is_dir() and entry.name in KINDS:
            content.items[entry.name] = _load_folder(entry, root, entry.name, problems, content.unreadable[entry.name])
        elif entry.is_dir() and entry.name == PAGES:
            content.pages = _load_pages(entry, root, problems)
        elif entry.is_dir() and entry.name == MEDIA:
            continue
        elif entry.is_dir():
            problems.add(
                _rel(entry, root), 0, "", f"不认识的文件夹“{entry.name}”，可用的文件夹：{'、'.join((*KINDS, PAGES, MEDIA))}"
            )
        else:
            problems.add(_rel(entry, root), 0, "", "content/ 下只能放 site.yml 和各内容文件夹")
    return content, problems


def _load_folder(folder: Path, root: Path, kind: str, problems: Problems, unreadable: set[str]) -> list[Document]:
    docs = []
    for path, stem in _files(folder, (".yml", ".yaml"), root, problems, "此文件夹只能放 .yml 文件"):
        doc = read_yaml_document(path, root, kind, stem, problems)
        if doc is not None:
            docs.append(doc)
        else:
            unreadable.add(stem)
    return docs


def _stem_suffix(name: str) -> tuple[str, str]:
    """Path(name).stem and .suffix, without making a Path."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # from the directory listing itself, a stat only for links
    except OSError:
        return False


def _files(folder: Path, suffixes, root: Path, problems: Problems, wrong_type: str) -> list[tuple[Path, str]]:
    """(path, stem) of each content file in `folder`, by name."""
    found: dict[str, tuple[str, str]] = {}  # lower-case stem → (name, stem)

    # Of two files with the same id (x.yml and X.yml, or x.yml and x.yaml) the one with a
    # valid name and the first suffix is kept, so references to the id still resolve and
    # only the intruder is reported.
    def preference(entry: os.DirEntry):
        stem, suffix = _stem_suffix(entry.name)
        return (not ID_PATTERN.match(stem), suffix.lower() != suffixes[0], entry.name)

    with os.scandir(folder) as listing:
        entries = sorted(listing, key=preference)
    for entry in entries:
        name = entry.name
        if _IGNORED.search(name):
            continue
        stem, suffix = _stem_suffix(name)
        if _is_dir(entry) or suffix.lower() not in suffixes:
            problems.add(_rel(folder / name, root), 0, "", wrong_type)
            continue
        twin = found.get(stem.lower())
        if twin is not None:
            problems.add(
                _rel(folder / name, root),
                0,
                "",
                f"编号与 {_rel(folder / twin[0], root)} 重复（不区分大小写和扩展名），请删掉其中一个或改名",
            )
            continue
        if not ID_PATTERN.match(stem):
            problems.add(
                _rel(folder / name, root),
                0,
                "",
                f"文件名“{stem}”不能作编号：只能用小写英文字母、数字和连字符“-”，"
                "如 2023-09-feixian.yml（编号就是网址，发布后不要再改）",
            )
        found[stem.lower()] = (name, stem)
    return [(folder / name, stem) for name, stem in sorted(found.values())]


def _load_pages(folder: Path, root: Path, problems: Problems) -> list[Document]:
    docs = []
    for path, stem in _files(folder, (".md",), root, problems, "pages/ 文件夹只能放 .md 文件"):
        text = _read_text(path, root, problems)
        if text is None:
            continue
        rel = _rel(path, root)
        match = re.match(r"^---[ \t]*\n(.*?\n)---[ \t]*\n?", text, re.S)
        if not match:
            problems.add(rel, 1, "", "缺少开头的信息块：第一行写 ---，接着写 title: 标题，再写一行 ---")
            continue
        data = _parse_yaml(match.group(1), rel, problems, line_offset=1)
        if data is None:
            continue
        body_line = match.group(0).count("\n") + 1
        docs.append(Document(PAGES, stem, rel, data, text[match.end() :], body_line, line_offset=1, source=match.group(1)))
    return docs


def read_yaml_document(path: Path, root: Path, kind: str, doc_id: str, problems: Problems):
    text = _read_text(path, root, problems)
    if text is None:
        return None
    rel = _rel(path, root)
    data = _parse_yaml(text, rel, problems)
    if data is None:
        return None
    return Document(kind, doc_id, rel, data, source=text)


def _read_text(path: Path, root: Path, problems: Problems) -> str | None:
    rel = _rel(path, root)
    try:
        info = os.stat(path)
    except OSError:
        problems.add(rel, 0, "", "无法读取这个文件（可能是指向不存在的文件的链接）")
        return None
    if not stat.S_ISREG(info.st_mode):  # a link to /dev/zero or a pipe would never end
        problems.add(rel, 0, "", "这不是普通文件（可能是指向设备或管道的链接），不能作为内容文件")
        return None
    size = info.st_size
    if size > MAX_FILE_BYTES:
        problems.add(
            rel, 0, "", f"文件太大（{size / 1_000_000:.1f} MB）：内容文件不能超过 1 MB，长文请精简，图片请放进 content/media/"
        )
        return None
    raw = _read_at_most(path, size, MAX_FILE_BYTES + 1)  # never more than the limit, even if the file grew meanwhile
    if len(raw) > MAX_FILE_BYTES:
        problems.add(rel, 0, "", "文件太大：内容文件不能超过 1 MB，长文请精简，图片请放进 content/media/")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(rel, 1, "", "文件是 UTF-16 编码，请在编辑器中“另存为”UTF-8 编码")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):  # BOM from Windows Notepad: harmless, dropped
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(
            rel,
            line,
            "",
            f"文件不是 UTF-8 编码（看起来是 {_guess_encoding(raw)}，常见于 Windows 记事本或 WPS），请“另存为”UTF-8 编码",
        )
        return None
    if "\x00" in text:
        problems.add(rel, text[: text.index("\x00")].count("\n") + 1, "", "文件里有空字符（\\0），可能不是文本文件")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line and paragraph separators (Word, WeChat) are line breaks to the YAML parser but not to
    # editors' text editors: as spaces, line numbers in messages match what the editor sees.
    return text.replace("\u2028", " ").replace("\u2029", " ").replace("\x85", " ")


def _read_at_most(path: Path, size: int, limit: int) -> bytes:
    """The file's first `limit` bytes, read in a buffer of its size (a 1 MB buffer per file cost
    more than reading it). O_NONBLOCK: a file replaced by a pipe since it was examined cannot hang."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        chunks, total, want = [], 0, size + 1
        while total < limit:
            chunk = os.read(fd, min(want, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = 65536  # the file grew after it was examined
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _guess_encoding(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    # Chinese first: short Chinese files are otherwise often taken for Korean, Japanese or UTF-16LE.
    best = from_bytes(raw[:65536], cp_isolation=["gb18030", "big5"]).best() or from_bytes(raw[:65536]).best()
    if best is None:
        return "未知编码"
    name = best.encoding.lower()
    if name in ("gb2312", "gbk", "gb18030", "hz"):
        return "GBK/GB18030"
    return {"big5": "Big5（繁体）", "utf_16": "UTF-16"}.get(name, name.upper())


_YAML_HINTS = [
    ("mapping values are not allowed", "这里不能出现冒号“: ”；如果文字里有冒号，请把整段文字用引号括起来"),
    ("could not find expected ':'", "这一行缺少冒号“:”（字段名后要写“: ”），或者引号没有配对"),
    ("found character '\\t'", "不能用制表符（Tab），请改用空格"),
    ("found duplicate key", "同一个字段写了两次"),
    ("found unexpected end of stream", "引号没有配对：这里开始的引号一直没有结束"),
    ("did not find expected key", "缩进不对齐，或者列表项前缺少“- ”"),
    ("did not find expected '-' indicator", "列表项缩进不一致"),
    ("found undefined alias", "不支持 YAML 别名（*）"),
    ("expected <block end>", "缩进不对齐"),
    ("found unknown escape character", "双引号里的反斜杠“\\”需要写成“\\\\”，或改用单引号"),
    ("expected ',' or ']'", "方括号“[”没有配对的“]”，或者方括号里的文字含有冒号（请把这项文字用引号括起来）"),
    ("expected ',' or '}'", "花括号“{”没有配对的“}”，或者花括号里的文字含有冒号（请把这项文字用引号括起来）"),
    ("that cannot start any token", "@、`、% 等符号不能放在值的开头，请把整段文字用引号括起来"),
    ("but found another document", "一个文件只能写一份内容：请删掉中间的“---”行"),
]
# For these the start of the unfinished thing (the opening quote or bracket, the line
# without a colon) is where the editor has to look, not where the parser gave up.
_AT_CONTEXT = ("found unexpected end of stream", "could not find expected ':'", "expected ',' or ']'", "expected ',' or '}'")
_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)"')


def _parse_yaml(text: str, rel: str, problems: Problems, line_offset: int = 0):
    if (text.lstrip().startswith("#") and not re.sub(r"(?m)^\s*#.*$", "", text).strip()) or not text.strip():
        problems.add(rel, 1, "", "文件是空的")
        return None
    if _FORBIDDEN_CHARS.search(text) or _TAB_OR_WIDE_INDENT.search(text):
        if not _report_bad_lines(text, rel, problems, line_offset):
            return None
    fast = _remembered_fast_parse(text)
    if fast is not None:
        return fast
    return _slow_parse(text, rel, problems, line_offset)


# The fast reading of each file's text by the text's digest, from the last build (remembered_parses):
# a rebuild parses only the files that changed (1,250 files at 1,000 cases cost 0.13 s to parse,
# their digests and the pickles 0.015 s). Each is kept pickled, so no build's data is shared.
_parses: dict[bytes, bytes] | None = None
_parses_used: dict[bytes, bytes] = {}


@contextmanager
def remembered_parses(cache_dir: Path) -> Iterator[None]:
    """Within this block, the fast reading of a text read in the last build is not done again."""
    global _parses, _parses_used
    stamp = {"key": cache_store.kit_digest(), "parsers": _parser_versions()}
    with cache_store.kept_between_builds(Path(cache_dir) / "parses.pickle", stamp, "parses") as (_parses, _parses_used):
        try:
            yield
        finally:
            _parses, _parses_used = None, {}


@lru_cache(maxsize=1)
def _parser_versions() -> tuple[str, str]:
    """libyaml's binding and ruamel (whose resolver decides what a plain value is)."""
    from importlib import metadata

    return metadata.version("PyYAML"), metadata.version("ruamel.yaml")


def _remembered_fast_parse(text: str):
    if _parses is None:
        return _fast_parse(text)
    key = hashlib.blake2b(text.encode(), digest_size=16).digest()
    kept = _parses.get(key)
    if kept is not None:
        _parses_used[key] = kept
        return pickle.loads(kept)
    data = _fast_parse(text)
    if data is not None:
        _parses_used[key] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return data


# Any line indented with a tab or a full-width/no-break space (searched in the whole text at once).
_TAB_OR_WIDE_INDENT = re.compile("(?m)^ *\t|^[ \u3000\u00a0\u2000-\u200a\u202f\u205f]*[\u3000\u00a0\u2000-\u200a\u202f\u205f]")


def _report_bad_lines(text: str, rel: str, problems: Problems, line_offset: int) -> bool:
    """Report control characters and tab or full-width indentation by line; False when any was found."""
    lines = text.split("\n")
    bad_chars = [(n, m.group()) for n, line in enumerate(lines, 1) for m in [_FORBIDDEN_CHARS.search(line)] if m]
    for n, ch in bad_chars[:5]:
        problems.add(
            rel,
            n + line_offset,
            "",
            f"这一行有看不见的控制字符（U+{ord(ch):04X}），常见于从 Word、微信或 PDF 复制的文字：请删掉这一行重新输入",
        )
    bad_tabs = [n for n, line in enumerate(lines, 1) if re.match(r"^ *\t", line)]
    for n in bad_tabs[:5]:
        problems.add(rel, n + line_offset, "", "这一行用制表符（Tab）缩进；YAML 只能用空格缩进")
    wide = [n for n, line in enumerate(lines, 1) if _WIDE_INDENT.match(line)]
    for n in wide[:5]:
        problems.add(
            rel,
            n + line_offset,
            "",
            "这一行用全角空格（或不间断空格）缩进；YAML 只能用半角空格缩进，请切换到英文输入法重新输入行首的空格",
        )
    return not (bad_chars or bad_tabs or wide)


def _slow_parse(text: str, rel: str, problems: Problems, line_offset: int):
    """ruamel's reading, with line marks and the Chinese explanations of syntax errors."""
    yaml = _yaml()
    try:
        if not _prescan(text, yaml, rel, problems, line_offset):
            return None
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        first = _syntax_problem(exc, text, line_offset)
        problems.add(rel, *first)
        for more in _more_syntax_problems(text, first[0] - line_offset, line_offset):
            problems.add(rel, *more)
        return None
    except (YAMLError, ValueError, RecursionError) as exc:
        problems.add(rel, 0, "", f"YAML 格式错误：无法解析（{type(exc).__name__}）")
        return None
    if not isinstance(data, CommentedMap):
        problems.add(rel, 1, "", "文件内容应是“字段: 值”的形式（每行一个字段）")
        return None
    if not _check_strings(data, rel, problems, line_offset):
        return None
    _check_cut_values(data, text.split("\n"), rel, problems, line_offset)
    return data


class _NotPlain(Exception):
    """The file needs the full (ruamel) reading: a problem to report with its line, or a YAML
    feature whose meaning only ruamel decides (tags, anchors, unusual numbers, several documents)."""


_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")
_SCALAR_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}  # dates stay text (see _yaml)
_CONTAINER_TAGS = (None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _fast_parse(text: str):
    """Plain dicts and lists read from libyaml's (C) parse events, for a file with nothing to report;
    None when the file must be read by ruamel (problems, or anything whose meaning could differ).

    Scalars are resolved by ruamel's own YAML 1.2 resolver, so `yes` stays text and `true` is a
    boolean exactly as on the slow path; only the simple forms of numbers are built here. The
    bounds of _check_events (aliases, merge keys, depth, node count) hold on the same events:
    a file beyond them goes to ruamel's path, whose prescan reports it."""
    if _NO_GLYPH.search(text):
        return None  # reported with its line by _check_unprintable
    try:
        import yaml as pyyaml

        parser = pyyaml.CBaseLoader(text)
    except Exception:  # no libyaml
        return None
    try:
        data = _build(parser, text.split("\n") if "#" in text else None)
    except Exception:  # a syntax error (ruamel reports it with its line and hint), _NotPlain,
        return None  # TypeError (a list or map used as a key)
    finally:
        parser.dispose()
    # The text itself has no forbidden character (checked before): only a "\x01" escape can make one.
    if not isinstance(data, dict) or ("\\" in text and _has_forbidden_chars(data)):
        return None
    return data


def _build(parser, lines: list[str] | None):
    """The data from the parser's events, taken one by one (one C call each); `lines` (when the
    text has a "#") to find comments that cut a plain value short (`title: 食堂后门 #1`), which
    _check_cut_values reports."""
    import yaml as pyyaml

    scalar_event, alias_event, document_start = pyyaml.ScalarEvent, pyyaml.AliasEvent, pyyaml.DocumentStartEvent
    mapping_start, sequence_start = pyyaml.MappingStartEvent, pyyaml.SequenceStartEvent
    mapping_end, sequence_end = pyyaml.MappingEndEvent, pyyaml.SequenceEndEvent
    resolvers = _resolver()
    get_event = parser.get_event
    documents = nodes = 0
    stack: list = []  # open containers, each with the key waiting for its value (maps)
    root = None
    while (event := get_event()) is not None:
        cls = type(event)
        if cls is scalar_event:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _NotPlain
            nodes += 1
            if event.style:  # quoted or block: text
                value = event.value
            else:
                if lines is not None:
                    end = event.end_mark
                    if lines[end.line][end.column :].lstrip().startswith("#"):
                        raise _NotPlain
                value = _plain(event.value, resolvers)
        elif cls is mapping_start or cls is sequence_start:
            if event.anchor is not None or event.tag not in _CONTAINER_TAGS or len(stack) >= MAX_YAML_DEPTH:
                raise _NotPlain
            nodes += 1
            stack.append([{} if cls is mapping_start else [], _NO_KEY])
            continue
        elif cls is mapping_end or cls is sequence_end:
            value = stack.pop()[0]
        elif cls is document_start:
            documents += 1
            if documents > 1 or event.version is not None or event.tags:  # %YAML 1.1, %TAG: ruamel's rules
                raise _NotPlain
            continue
        elif cls is alias_event:
            raise _NotPlain
        else:
            continue
        if not stack:
            root = value
            continue
        top = stack[-1]
        if type(top[0]) is list:
            top[0].append(value)
        elif top[1] is _NO_KEY:
            if value in top[0]:
                raise _NotPlain  # a duplicate key: ruamel reports it
            top[1] = value
        else:
            top[0][top[1]] = value
            top[1] = _NO_KEY
    if nodes > MAX_YAML_NODES:
        raise _NotPlain
    return root


_NO_KEY = object()
# Plain scalars already resolved (keys, ids, values of enumerations, dates and numbers recur in
# every file), short ones only; the resolver table never changes within a process.
_RESOLVED: dict[str, object] = {}
_MEMO_LENGTH, _MEMO_SIZE = 40, 100_000


def _plain(value: str, resolvers: dict):
    """A plain scalar's value, what ruamel's VersionedResolver.resolve and constructor make of it."""
    if value in _RESOLVED:
        return _RESOLVED[value]
    tag = next((t for t, regexp in resolvers.get(value[:1], resolvers[None]) if regexp.match(value)), _STR)
    result: object
    if tag in _SCALAR_TAGS:
        result = value
    elif tag == "tag:yaml.org,2002:null":
        result = None
    elif tag == "tag:yaml.org,2002:bool":
        result = value.lower() == "true"
    elif tag == "tag:yaml.org,2002:int" and _PLAIN_INT.match(value):
        result = int(value)
    elif tag == "tag:yaml.org,2002:float" and _PLAIN_FLOAT.match(value):
        result = float(value)
    else:
        raise _NotPlain  # 0x1f, 1_000, .5, 1e3, merge keys …: built by ruamel
    if len(value) <= _MEMO_LENGTH and len(_RESOLVED) < _MEMO_SIZE:
        _RESOLVED[value] = result
    return result


_STR = "tag:yaml.org,2002:str"
_RESOLVERS: dict | None = None


def _resolver() -> dict:
    """ruamel's YAML 1.2 implicit resolvers by first character ("" for the empty scalar)."""
    global _RESOLVERS
    if _RESOLVERS is None:
        table = _yaml().resolver.versioned_resolver
        anywhere = table.get(None, [])
        _RESOLVERS = {
            first: [(str(tag), regexp) for tag, regexp in list(found) + anywhere]
            for first, found in table.items()
            if first is not None
        }
        _RESOLVERS[None] = [(str(tag), regexp) for tag, regexp in anywhere]
    return _RESOLVERS


def _has_forbidden_chars(node) -> bool:
    if isinstance(node, str):
        return bool(_FORBIDDEN_CHARS.search(node) or _NO_GLYPH.search(node))
    if isinstance(node, dict):
        return any(_has_forbidden_chars(k) or _has_forbidden_chars(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_has_forbidden_chars(v) for v in node)
    return False


def _syntax_problem(exc: MarkedYAMLError, text: str, line_offset: int) -> tuple[int, str, str]:
    """(line, field, Chinese message) for a YAML syntax error, traced back to the editor's mistake."""
    lines = text.split("\n")
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and any(p in (exc.problem or "") for p in _AT_CONTEXT):
        mark = exc.context_mark
    line = (mark.line + 1 + line_offset) if mark else 0
    col = (mark.column + 1) if mark else 0
    problem = f"{exc.problem or ''} {exc.context or ''}"
    hint = next((cn for en, cn in _YAML_HINTS if en in problem), None)
    if "mapping values are not allowed" in problem and mark is not None:
        better = _explain_stray_colon(lines, mark.line, mark.column)
        if better:
            row, column, hint = better
            line, col = row + 1 + line_offset, column + 1
    if "could not find expected ':'" in problem and mark is not None:
        better = _explain_not_a_field(lines[mark.line] if mark.line < len(lines) else "")
        if better:
            col, hint = better[0] + 1, better[1]
    duplicate = _DUPLICATE_KEY.search(exc.problem or "")
    if duplicate and mark is not None:
        first = _first_key_line(text, duplicate.group(1), mark.line, mark.column)
        if first:
            hint = (hint or "") + f"（第 {first + line_offset} 行已经写过）"
            if _inside_list_item(lines, first - 1, mark.column):
                hint = (
                    f"这里应该是列表的新一项，行首缺少“- ”（第 {first + line_offset} 行开始的一项里已经有"
                    f"“{duplicate.group(1)}”）：每一项的第一个字段前写“- ”"
                )
                col = max(1, mark.column - 1)
    rows = [r for r in ((exc.context_mark.line if exc.context_mark else None), mark.line if mark else None) if r is not None]
    if rows:  # `-file: a.jpg` is read as text, and the parser stumbles on the line after it
        prev = next((r for r in range(max(rows) - 1, -1, -1) if lines[r].strip()), None)
        if prev is not None and _DASH_NO_SPACE.match(lines[prev]):
            rows.append(prev)
    for row in dict.fromkeys(rows):
        better = _explain_line(lines, row)
        if better:
            line, (col, hint) = row + 1 + line_offset, better
            break
    message = f"YAML 格式错误（第 {line} 行第 {col} 列）：{hint or '无法解析（' + (exc.problem or '') + '）'}"
    return line, duplicate.group(1) if duplicate and "缺少“- ”" not in message else "", message


_DASH_NO_SPACE = re.compile(r"^( *)-(?=[^\s\-])")
_STARTS_FLOW = re.compile(r"^( *(?:- +)?(?:[^\s:#'\"\[{][^:]*: +)?)([\[{])")
_LIST_ITEM = re.compile(r"^( *)- ")


def _explain_line(lines: list[str], row: int):
    """(column, hint) for a line whose own shape is the mistake, whatever the parser said about it."""
    text = lines[row] if 0 <= row < len(lines) else ""
    dash = _DASH_NO_SPACE.match(text)
    if dash:
        return len(dash.group(1)) + 1, "“-”后面要加一个空格：列表的每一项写成“- 内容”（用英文的“-”和空格）"
    flow = _STARTS_FLOW.match(text)
    if flow and _closes_before_end(text, flow.end() - 1):
        key, opener = flow.group(1), flow.group(2)
        value = text[len(key) :]
        return len(key) + 1, (
            f"以“{opener}”开头的文字会被当作列表或映射，后面的文字就接不上了：请把整段文字用引号括起来，"
            f'如 {key.strip()} "{value}"（或改用中文括号【】）'
        )
    prev = next((r for r in range(row - 1, -1, -1) if lines[r].strip() and not lines[r].lstrip().startswith("#")), None)
    if prev is not None and ":" not in text and not text.lstrip().startswith(("-", "#")):
        item = _LIST_ITEM.match(lines[prev])
        indent = len(text) - len(text.lstrip(" "))
        if item and len(item.group(1)) == indent:
            return indent + 1, "这一行和上一项对齐，像是列表的一项，但行首缺少“- ”：列表的每一项都以“- ”开头"
    return None


def _closes_before_end(text: str, start: int) -> bool:
    """The bracket opened at `start` is closed and more text follows on the line: `[重要] 通知`."""
    pairs = {"[": "]", "{": "}"}
    depth, opener = 0, text[start]
    for i in range(start, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == pairs[opener]:
            depth -= 1
            if depth == 0:
                rest = text[i + 1 :].split(" #", 1)[0].strip()
                return bool(rest) and not rest.startswith(",")
    return False


def _inside_list_item(lines: list[str], first_row: int, column: int) -> bool:
    """The first `key:` of a duplicate belongs to a list item (`- key:` or a field under one)."""
    for row in range(first_row, -1, -1):
        text = lines[row]
        if not text.strip():
            continue
        if text[:column].endswith("- ") and text[: column - 2].strip(" -") == "":
            return True
        indent = len(text) - len(text.lstrip(" "))
        if indent < column:
            return False
    return False


def _more_syntax_problems(text: str, first_row: int, line_offset: int):
    """Syntax errors in the other top-level fields of a file, found in the same run.

    After its first error the parser cannot tell which field the following lines belong
    to, so each top-level field (a line starting in column 1, with the lines indented under
    it) is parsed again on its own, at its own line numbers. Two mistakes within one
    top-level field (say two in `quiz:`) still take two runs: where the first leaves the
    indentation broken, the rest of that field cannot be read."""
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines) if line[:1] not in ("", " ", "#", "-")]
    bounds = list(zip(starts, starts[1:] + [len(lines)]))
    yaml = _yaml()
    for begin, end in bounds:
        if begin <= first_row - 1 < end or end - begin > 2000:
            continue
        chunk = "\n" * begin + "\n".join(lines[begin:end])
        try:
            if _prescan(chunk, yaml, "", Problems(), line_offset):
                yaml.load(chunk)
        except MarkedYAMLError as exc:
            yield _syntax_problem(exc, chunk, line_offset)
        except (YAMLError, ValueError, RecursionError):
            continue


def _prescan(text: str, yaml: YAML, rel: str, problems: Problems, line_offset: int) -> bool:
    """Refuse what must never reach the loader: aliases (a billion-laughs file expands
    exponentially), merge keys, nesting deeper and nodes more than any content file needs.

    Reads parse events from libyaml (PyYAML's C parser) when present: milliseconds for a
    1 MB file. A file libyaml cannot parse is scanned again with ruamel, whose syntax error
    (with the Chinese hints) is what the editor then sees."""
    try:
        import yaml as pyyaml

        loader = pyyaml.CBaseLoader
    except (ImportError, AttributeError):
        return _check_events(yaml.parse(text), rel, problems, line_offset)
    try:
        return _check_events(pyyaml.parse(text, Loader=loader), rel, problems, line_offset)
    except pyyaml.YAMLError as exc:
        if "nesting depth" in str(exc):
            mark = getattr(exc, "problem_mark", None)
            problems.add(
                rel,
                (mark.line + 1 + line_offset) if mark else 0,
                "",
                f"括号或缩进层次太深（超过 {MAX_YAML_DEPTH} 层），请检查括号“[ ]”“{{ }}”是否配对",
            )
            return False
    return _check_events(yaml.parse(text), rel, problems, line_offset)


def _check_events(events, rel: str, problems: Problems, line_offset: int) -> bool:
    depth = nodes = 0
    anchored = False  # an alias without any anchor before it was never meant as one
    state: list[str] = []  # per open collection: "key" or "value" (mappings), "item" (sequences)
    for event in events:
        kind = type(event).__name__
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            state.pop()
            depth -= 1
            continue
        if kind not in ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"):
            continue
        line = event.start_mark.line + 1 + line_offset
        nodes += 1
        anchored = anchored or (getattr(event, "anchor", None) is not None and kind != "AliasEvent")
        if kind == "AliasEvent":
            if anchored:
                problems.add(rel, line, "", "不支持 YAML 别名（*名称）：请把内容直接写出来")
            else:  # no anchor anywhere: not an alias meant, but text starting with * (**重点**)
                problems.add(rel, line, "", '以“*”开头的文字会被 YAML 当作别名：请把整段文字用引号括起来，如 "**重点** ……"')
            return False
        if state and state[-1] == "key":
            if kind == "ScalarEvent" and event.value == "<<" and not event.style:  # plain, not quoted
                problems.add(rel, line, "", "不支持 YAML 合并键“<<”：请把内容直接写出来")
                return False
            state[-1] = "value"
        elif state and state[-1] == "value":
            state[-1] = "key"
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            state.append("key" if kind == "MappingStartEvent" else "item")
            if depth > MAX_YAML_DEPTH:
                problems.add(
                    rel, line, "", f"括号或缩进层次太深（超过 {MAX_YAML_DEPTH} 层），请检查括号“[ ]”“{{ }}”是否配对、缩进是否正确"
                )
                return False
        if nodes > MAX_YAML_NODES:
            problems.add(
                rel, line, "", f"内容条目太多（超过 {MAX_YAML_NODES} 项），一个内容文件用不到这么多；请检查是否粘贴了大量无关内容"
            )
            return False
    return True


def _check_strings(data, rel: str, problems: Problems, line_offset: int) -> bool:
    """Escapes in double quotes ("\\x01", "\\ud800") can still produce characters no page may hold."""
    found = []

    def walk(node, path):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            for text in (key, value) if isinstance(node, dict) else (value,):
                if isinstance(text, str) and _FORBIDDEN_CHARS.search(text):
                    found.append((line_of(data, path + [key]) + line_offset, _FORBIDDEN_CHARS.search(text).group()))  # type: ignore[union-attr]  # searched just above
            if isinstance(value, (dict, list)):
                walk(value, path + [key])

    walk(data, [])
    for line, ch in found[:5]:
        problems.add(rel, line, "", f"这里有无法发布的字符（U+{ord(ch):04X}），请删掉引号里的“\\”转义，直接写出文字")
    _check_unprintable(data, rel, problems, line_offset)
    return not found


# Private-use code points and the planes Unicode has not assigned (4–13, 15–16): no font has
# them, so a page shows a box and a PDF cannot be made. (Unassigned points inside the BMP are
# rare enough to be left to the PDF stage's glyph check.)
_NO_GLYPH = re.compile("[\ue000-\uf8ff\U00040000-\U000dffff\U000f0000-\U0010ffff]")


def _check_unprintable(data, rel: str, problems: Problems, line_offset: int) -> None:
    def walk(node, path):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str) and not value.isascii():
                bad = _NO_GLYPH.search(value)
                if bad:
                    problems.add(
                        rel,
                        line_of(data, [*path, key]) + line_offset,
                        field_name([*path, key]),
                        f"含有无法显示的字符（U+{ord(bad.group()):04X}，私用区或未分配的编码，"
                        "任何字体都没有），常见于从特殊输入法或乱码里复制：请删掉重新输入",
                    )
            elif isinstance(value, (dict, list)):
                walk(value, [*path, key])

    walk(data, [])


def _check_cut_values(data, lines: list[str], rel: str, problems: Problems, line_offset: int) -> None:
    """`title: 食堂后门 #1 插线板` publishes 食堂后门: YAML takes “ #” as the start of a comment.

    A comment after an unquoted text value on its own line is reported with the text that
    would be lost; after a number, a list or a quoted value it is left alone (nothing is cut)."""

    def walk(node, path):
        if isinstance(node, CommentedMap):
            entries = [(key, node.lc.value(key), node.ca.items.get(key, [None] * 4)[2]) for key in node]
        elif isinstance(node, CommentedSeq):
            entries = [(i, node.lc.item(i), (node.ca.items.get(i) or [None])[0]) for i in range(len(node))]
        else:
            return
        for key, (row, col), token in entries:
            value = node[key]
            if isinstance(value, (CommentedMap, CommentedSeq)):
                walk(value, path + [key])
                continue
            if not isinstance(value, str) or token is None or token.start_mark.line != row:
                continue
            line = lines[row] if row < len(lines) else ""
            if line[col : col + 1] in ("'", '"', "|", ">"):
                continue
            lost = token.value.split("\n", 1)[0].strip()
            name = ".".join(f"{p}" if isinstance(p, str) else f"[{p + 1}]" for p in path + [key]).replace(".[", "[")
            problems.add(
                rel,
                row + 1 + line_offset,
                name,
                f"“ #”后面的文字会被当作注释丢掉：发布的只有“{value}”，“{lost}”不会出现；"
                f'如果这也是内容，请把整段文字用引号括起来，如 "{value} {lost}"',
            )

    walk(data, [])


_CHINESE_COLON = "字段名后要用英文冒号“:”再加一个空格，不能用中文冒号“：”"
_KEY_VALUE = re.compile(r"^( *)(- +)?[^\s#][^:]*?:( +\S| *$)")


def _explain_not_a_field(line: str):
    """(column, hint) for a line meant as `field: value` that is written wrong, or None."""
    if "：" in line and ":" not in line[: line.index("：")]:
        return line.index("："), _CHINESE_COLON
    no_space = re.match(r"^ *(- +)?[A-Za-z_][\w-]*:(?=[^\s:/])", line)
    if no_space:
        return no_space.end() - 1, "冒号“:”后面要加一个空格，如 title: 标题"
    return None


def _explain_stray_colon(lines: list[str], row: int, column: int):
    """A colon the parser did not expect, traced back to the editor's mistake: (row, column, hint) or None.

    When the colon is the first on its line, the line itself looks like a good `field: value`;
    the mistake is then the line before it (no colon, a Chinese colon, no space after the
    colon), which the parser read as text continuing onto this line, or this line's indentation.
    """
    line = lines[row] if row < len(lines) else ""
    if ":" in line[:column]:
        return None  # a colon inside a value: the default hint (use quotes) is right
    prev_row = next((r for r in range(row - 1, -1, -1) if lines[r].strip() and not lines[r].lstrip().startswith("#")), None)
    if prev_row is None:
        return None
    prev = lines[prev_row]
    start = len(prev) - len(prev.lstrip(" -"))
    key_value = _KEY_VALUE.match(prev)
    if not key_value:
        column, hint = _explain_not_a_field(prev) or (start, "这一行缺少冒号“:”（字段名后要写“: ”）")
        return prev_row, column, hint
    indent = len(line) - len(line.lstrip(" "))
    if indent > len(key_value.group(1)) + len(key_value.group(2) or ""):
        return (
            row,
            indent,
            "这一行比上一行多缩进了空格：如果是新的字段，请和上一行左对齐；如果是上一行文字的继续，请把整段文字用引号括起来",
        )
    return None


def _first_key_line(text: str, key: str, before: int, column: int) -> int:
    """1-based line of the nearest earlier `key:` in the same column (the first of a duplicate), or 0."""
    found = 0
    for n, line in enumerate(text.split("\n")[:before], 1):
        if line[:column].strip(" -") == "" and re.match(rf"{re.escape(key)}\s*:", line[column:]):
            found = n
    return found


@lru_cache(maxsize=16)
def _folder_name(top: str) -> str:
    return Path(top).name


def _rel(path: Path, root: Path) -> str:
    """Paths in messages start with content/ as editors see them."""
    full, top = os.fspath(path), os.fspath(root).rstrip(os.sep)
    if full.startswith(top + os.sep) and os.sep + ".." not in full and os.sep + "." + os.sep not in full:
        return _folder_name(top) + "/" + full[len(top) + 1 :].replace(os.sep, "/")
    try:
        return (Path(root.name) / Path(path).relative_to(root)).as_posix()
    except ValueError:
        return Path(path).as_posix()
