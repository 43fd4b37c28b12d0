"""The fast paths decide nothing on their own: libyaml's reading gives exactly ruamel's data (or
steps aside), fastjsonschema never accepts what jsonschema reports, and a file read the fast way
still gets its exact line when a problem is found in it."""

from __future__ import annotations

import json

from conftest import SAMPLE_CONTENT
from hypothesis import given, settings
from hypothesis import strategies as st

from campaignkit.checks import validate
from campaignkit.common.problems import Problems
from campaignkit.content import load
from campaignkit.content.kinds import schema_of
from tools.corpus import generate


def _typed(value):
    """The data with each scalar's type spelled out (True == 1 in Python, not in YAML); ruamel's
    own subclasses (ScalarFloat, LiteralScalarString) count as the type they extend."""
    if isinstance(value, dict):
        return [(_typed(k), _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_typed(v) for v in value]
    kind = next((t.__name__ for t in (bool, int, float, str) if isinstance(value, t)), type(value).__name__)
    return kind, repr(float(value)) if kind == "float" else str(value)


def _same_as_ruamel(text: str) -> bool | None:
    fast = load._fast_parse(text)
    if fast is None:
        return None  # stepped aside: ruamel reads it
    return _typed(fast) == _typed(load._yaml().load(text))


def test_sample_and_corpus_are_read_the_fast_way_with_the_same_data(tmp_path):
    generate(tmp_path / "content", cases=20, seed=2, photos=False)
    files = sorted(SAMPLE_CONTENT.rglob("*.yml")) + sorted((tmp_path / "content").rglob("*.yml"))
    for path in files:
        text = load._read_text(path, path.parent, Problems())
        assert _same_as_ruamel(text) is True, path


SCALARS = st.sampled_from(
    [
        "12",
        "012",
        "1_000",
        "0x1f",
        "0o7",
        "+5",
        "-3",
        "1.5",
        ".5",
        "1e3",
        "true",
        "True",
        "FALSE",
        "yes",
        "no",
        "on",
        "~",
        "null",
        "",
        "2023-01-02",
        "2023-13-45",
        "=",
        "<<",
        "'quoted'",
        '"x\\u0041"',
        "a: b",
        "[a, b]",
        "{a: 1}",
        "&a x",
        "!!str 5",
        "!tag x",
        "飞线充电",
        "|\n  block",
        ">\n  folded",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["title", "round", "answer", "x", "1", "true"]), SCALARS), min_size=1, max_size=6))
def test_any_mix_of_scalars_reads_as_ruamel_reads_it(pairs):
    text = "".join(f"{key}: {value}\n" for key, value in pairs)
    try:
        expected = load._yaml().load(text)
    except Exception:
        assert load._fast_parse(text) is None  # a file ruamel refuses is never read the fast way
        return
    fast = load._fast_parse(text)
    if fast is not None:
        assert _typed(fast) == _typed(expected), text


VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, width=16)
    | st.sampled_from(["", "x", "2023-02-30", "2023-01-02", "已整改", "完成", "B", "a" * 201]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["file", "alt", "x"]), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["cases", "patrols", "lessons", "facilities"]),
    st.dictionaries(
        st.sampled_from(
            [
                "title",
                "found_on",
                "place",
                "hazard",
                "risk",
                "status",
                "round",
                "date",
                "photos",
                "quiz",
                "location",
                "capacity",
                "name",
                "kind",
                "address",
                "tags",
                "bogus",
            ]
        ),
        VALUES,
        max_size=8,
    ),
)
def test_fastjsonschema_never_accepts_what_jsonschema_reports(kind, data):
    doc = load.Document(kind, "x", f"content/{kind}/x.yml", data)
    full = list(validate._validator(kind).iter_errors(data))
    if full:
        assert not validate._passes_quickly(doc), json.dumps(data, ensure_ascii=False, default=str)


def test_a_problem_in_a_fast_read_file_names_its_exact_line(scratch):
    """The broken value is found by validation, after the fast reading: its line comes from ruamel then."""
    scratch.replace("cases/hengshun-cangku-feixian.yml", "risk: 高", "risk: 很高")
    assert load._fast_parse(scratch.read("cases/hengshun-cangku-feixian.yml")) is not None
    content, _problems = load.load_content(scratch.content)
    _checked, more = validate.validate(content)
    line = scratch.line_of("cases/hengshun-cangku-feixian.yml", "risk: 很高")
    assert [str(p) for p in more.sorted()] == [
        f"content/cases/hengshun-cangku-feixian.yml:{line}: risk: 必须是 高/中/低 之一，现为“很高”"
    ]
    assert schema_of("cases")["properties"]["risk"]["enum"] == ["高", "中", "低"]
