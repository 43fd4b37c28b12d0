"""Another community's content, written to docs/内容格式.md by someone who never saw the kit (issue 25).

tests/data/other-community/ holds three enterprises (one a model, one behind an anonymous case and
in two events, one named openly), two patrol rounds of several days with cases found on their
later days, two events and a lesson. It uses only fields the field reference documents, and it
builds with no problem and no warning; the anonymous case is connected to its enterprise nowhere
in public, while the enterprise keeps its page and its place in both events.
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import PROJECT, run_build
from ruamel.yaml import YAML
from test_privacy import assert_no_public_link, output_texts

OTHER = PROJECT / "tests" / "data" / "other-community"
REFERENCE = PROJECT / "docs" / "内容格式.md"
yaml = YAML(typ="safe", pure=True)


def documented_fields() -> dict[str, set[str]]:
    """Kind folder (or site) → the field names the reference's tables list for it."""
    out: dict[str, set[str]] = {}
    kind = None
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### .*（(\w+)）$", line)
        if heading:
            kind = heading.group(1)
        elif line.startswith("## "):
            kind = None
        elif kind and (row := re.match(r"\| `(\w+)`", line)):
            out.setdefault(kind, set()).add(row.group(1))
    return out


def test_the_content_uses_only_documented_fields():
    documented = documented_fields()
    used = {"site": set(yaml.load((OTHER / "site.yml").read_text(encoding="utf-8")))}
    for path in OTHER.glob("*/*.yml"):
        used.setdefault(path.parent.name, set()).update(yaml.load(path.read_text(encoding="utf-8")))
    assert {"enterprises", "cases", "patrols", "events"} <= set(used)
    for kind, fields in used.items():
        assert fields <= documented[kind], (kind, fields - documented[kind])
    assert "end_date" in used["patrols"]


@pytest.fixture(scope="module")
def other_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("other")
    content = root / "content"
    shutil.copytree(OTHER, content)
    result = run_build("--content", str(content), "--output", str(root / "site"), "--no-pdf")
    return root / "site", result


@pytest.mark.slow
def test_it_builds_with_no_problem_and_no_warning(other_build):
    site, result = other_build
    assert result.returncode == 0, result.stderr
    assert "提醒" not in result.stderr and "问题" not in result.stderr, result.stderr
    patrol = output_texts(site)["patrols/round-1/index.html"]
    assert "日期2026年3月2日至2026年3月6日" in re.sub(r"<[^>]+>", "", patrol)
    assert "cases/fuzhuang-chejian-feixian/" in patrol  # found on the third day, recorded for the round


@pytest.mark.slow
def test_the_anonymous_case_is_linked_to_its_enterprise_nowhere_and_the_enterprise_is_everywhere_else(other_build):
    site, result = other_build
    assert result.returncode == 0, result.stderr
    assert_no_public_link(site, OTHER)
    texts = output_texts(site)
    for event in ("xiaofang-peixun-2026-03", "yanlian-2026-04"):
        assert "示例·蓝波服饰有限公司" in texts[f"events/{event}/index.html"], event  # still among the participants
    assert "示例·蓝波服饰有限公司" in texts["enterprises/lanbo-fushi/index.html"]
    assert "示例·强盛五金制品厂" in texts["cases/wujin-cangku-silai/index.html"]  # a named case names its enterprise
