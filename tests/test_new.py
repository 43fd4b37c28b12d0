"""`build.py new <kind> <id>`: for every kind, a file with every field explained in Chinese that
passes the content check once its required values are filled in; bad and taken ids refused
with a valid suggestion."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from campaignkit.commandline import main as cli
from campaignkit.content.enums import ENUMERATIONS
from campaignkit.content.kinds import schema_of
from campaignkit.editing import new_file as scaffold

TODAY = dt.date.today().isoformat()


def filled(kind: str, text: str, item_id: str) -> str:
    """The new file with each required value written in, as an editor would."""
    schema = schema_of(kind)
    for key in schema["required"]:
        spec = schema["properties"][key]
        if spec.get("x-enum"):
            value = next(iter(ENUMERATIONS[spec["x-enum"]])).text
        elif spec.get("x-date"):
            value = TODAY
        elif spec.get("type") == "integer":
            value = "97"  # a patrol round no sample patrol uses
        elif spec.get("type") == "array":
            value = f"[测试{item_id}]"  # a required list (a pledge's promises): one item
        else:
            value = f"测试{item_id}"
        text, n = re.subn(rf"^{key}:[ ]*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
        if not n:
            assert re.search(rf"^{key}: \S", text, re.MULTILINE), (key, text)  # prefilled (today's date)
    return text


@pytest.mark.parametrize("kind", scaffold.kinds())
def test_new_file_for_every_kind_validates_once_filled(kind, scratch, capsys):
    item_id = "xin-tiao-mu"
    code = cli.main(["new", kind, item_id, "--content", str(scratch.content)])
    out, err = capsys.readouterr()
    assert code == 0, err
    path = scratch.content / kind / (f"{item_id}.md" if kind == "pages" else f"{item_id}.yml")
    assert "已新建 " in out and path.name in out
    text = path.read_text(encoding="utf-8")
    props, required = schema_of(kind)["properties"], schema_of(kind)["required"]

    # every field of the kind is in the file, with its Chinese description; required ones marked
    lines = text.splitlines()
    for key, spec in props.items():
        at = next((n for n, ln in enumerate(lines) if re.match(rf"^#?{key}:", ln)), None)
        assert at is not None, f"{key} missing from the new {kind} file"
        line = lines[at - 1]  # the explanation is on its own line above (never a "# " after a value)
        assert line.startswith("# ") and spec["description"] in line, line
        assert ("（必填）" in line) == (key in required), line
        if spec.get("x-enum"):
            assert all(v.text in line for v in ENUMERATIONS[spec["x-enum"]]), line
    for key in scaffold.TODAY_FIELDS.get(kind, ()):
        assert re.search(rf"^{key}: {TODAY}", text, re.MULTILINE), key

    # unfilled, the check names each required field; filled, it passes
    assert cli.main(["check", "--content", str(scratch.content)]) == 1
    _out, err = capsys.readouterr()
    rel = path.relative_to(scratch.root).as_posix()
    empty = [k for k in required if k not in scaffold.TODAY_FIELDS.get(kind, ())]
    for key in empty:
        assert re.search(rf"^{re.escape(rel)}:\d+: {key}: ", err, re.MULTILINE), (key, err)
    path.write_text(filled(kind, text, item_id), encoding="utf-8")
    code = cli.main(["check", "--content", str(scratch.content)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("内容检查通过")


def test_every_optional_field_validates_when_uncommented(scratch, capsys):
    """Uncommenting the scalar examples (dates, numbers, choices) gives valid values, not a trap."""
    cli.main(["new", "events", "huodong-ceshi", "--content", str(scratch.content)])
    path = scratch.content / "events" / "huodong-ceshi.yml"
    text = filled("events", path.read_text(encoding="utf-8"), "huodong-ceshi")
    for key in ("kind", "attendance"):
        text = re.sub(rf"^#{key}: ", f"{key}: ", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["check", "--content", str(scratch.content)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "wanted, suggestion",
    [
        ("物流仓库飞线充电", "wuliu-cangku-feixian-chongdian"),
        ("Round_03", "round-03"),
        ("2024年3月 飞线", "2024-nian-3-yue-feixian"),
        ("ABC__x", "abc-x"),
    ],
)
def test_an_invalid_id_is_refused_with_a_valid_suggestion(wanted, suggestion, scratch, capsys):
    before = sorted(scratch.content.rglob("*"))
    code = cli.main(["new", "cases", wanted, "--content", str(scratch.content)])
    _out, err = capsys.readouterr()
    assert code == 1
    assert f"编号“{wanted}”不能用" in err and err.rstrip().endswith(f"可以用：{suggestion}"), err
    assert sorted(scratch.content.rglob("*")) == before


def test_an_existing_id_is_refused_and_the_file_kept(scratch, capsys):
    before = scratch.read("cases/hengshun-cangku-feixian.yml")
    code = cli.main(["new", "cases", "hengshun-cangku-feixian", "--content", str(scratch.content)])
    _out, err = capsys.readouterr()
    assert code == 1
    assert "已经有编号为“hengshun-cangku-feixian”的文件" in err and err.rstrip().endswith("如：hengshun-cangku-feixian-2"), err
    assert scratch.read("cases/hengshun-cangku-feixian.yml") == before


def test_an_unknown_kind_is_a_usage_error_in_chinese(scratch, capsys):
    code = cli.main(["new", "anli", "x", "--content", str(scratch.content)])
    _out, err = capsys.readouterr()
    assert code == 64
    assert "“anli”不是可选的值" in err and "cases" in err, err
