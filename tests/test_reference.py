"""docs/内容格式.md, the editors' field reference, is what campaignkit/editing/field_reference.py makes from the
schema today: every kind, field, type, requirement and allowed value is in it, each error it
lists is one the kit really prints, and nothing in the repository points outside it."""

from __future__ import annotations

import re
import subprocess

from campaignkit.content.enums import ENUMERATIONS
from campaignkit.content.kinds import SITE, name_of, schema_of
from campaignkit.editing import field_reference as reference
from campaignkit.editing.new_file import kinds
from tests.conftest import PROJECT

DOC = PROJECT / reference.DEFAULT_PATH


def test_the_field_reference_is_up_to_date():
    assert DOC.is_file(), "docs/内容格式.md is missing: run .venv/bin/python build.py reference"
    assert DOC.read_text(encoding="utf-8") == reference.render(), (
        "docs/内容格式.md is stale: run .venv/bin/python build.py reference and commit the result"
    )


def rows(text: str) -> dict[str, list[str]]:
    """Field rows of every table: `field` → its cells."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\| `([a-z_.]+)` \| (.*) \|$", line)
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
    return out


def test_every_kind_and_field_is_described_with_type_and_requirement():
    text = DOC.read_text(encoding="utf-8")
    table = rows(text)
    for kind in [SITE, *kinds()]:
        schema = schema_of(kind)
        assert f"（{kind}）" in text, kind
        for key, spec in schema["properties"].items():
            assert key in table, f"{kind}.{key}"
            cells = [c.split(" | ") for c in table[key]]
            wanted = "必填" if key in schema["required"] else ""
            assert any(c[1] == wanted and spec["description"] in c[2] for c in cells), (kind, key, cells)
    for kind in kinds():
        assert f"### {name_of(kind)}（{kind}）" in text


def test_every_allowed_value_is_listed_with_its_hint():
    text = DOC.read_text(encoding="utf-8")
    for enum in ENUMERATIONS.values():
        assert f"### {enum.name}" in text
        for v in enum:
            line = next(ln for ln in text.splitlines() if ln.startswith(f"| `{v.text}` |"))
            if v.hint:
                assert v.hint in line
            for synonym in v.synonyms:
                assert synonym in line


def test_an_example_per_kind_from_the_sample_content():
    text = DOC.read_text(encoding="utf-8")
    examples = re.findall(r"例子（示例内容里的 `(content/[^`]+)`）：", text)
    assert len(examples) == 1 + len(kinds())
    for rel in examples:
        assert (PROJECT / rel).read_text(encoding="utf-8").rstrip("\n") in text, rel


def test_the_rules_editors_need_are_there():
    text = DOC.read_text(encoding="utf-8")
    for heading in (
        "### 编号",
        "### 日期和数字",
        "### 照片",
        "### 匿名",
        "### 本人同意（consent）",
        "### 草稿（draft）",
        "### 改名和旧网址（aliases）",
        "## 常见错误和改法",
        "## 命令和退出状态",
    ):
        assert heading in text, heading


def test_each_listed_error_is_one_the_kit_prints():
    """A message reworded in the code makes this fail until the table says what editors will see."""
    code = "".join(
        p.read_text(encoding="utf-8") for p in (PROJECT / "campaignkit").rglob("*.py") if p.name != "field_reference.py"
    )
    known = code + "".join(v.text for e in ENUMERATIONS.values() for v in e)
    for message, _cause, _fix in reference.COMMON_ERRORS:
        for fragment in re.split(r"[…“”（），]", message):
            fragment = fragment.strip()
            if len(fragment) >= 2:
                assert fragment in known, (message, fragment)


def test_readme_links_the_reference_and_nothing_points_outside_the_repository():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "docs/内容格式.md" in readme
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()
    folder = "shared"  # spelt apart so that this test does not find itself
    outside = re.compile(
        re.escape(f"../{folder}/")
        + "|"
        + re.escape(f"/work/{folder}")
        + "|"
        + rf"\b{folder}/(content-format|design-notes|fire-safety-facts|seed)"
    )
    for rel in tracked:
        path = PROJECT / rel
        if path.suffix in (".py", ".md", ".yml", ".yaml", ".j2", ".html", ".sh", ".txt", ".ini", ".toml", ".json", ".css", ".js"):
            if path.is_file() and not path.is_symlink():
                assert not outside.search(path.read_text(encoding="utf-8", errors="replace")), rel
