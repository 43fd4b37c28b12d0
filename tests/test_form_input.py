"""Forms cannot produce an invalid file (issue 25): whatever a save sends is normalised before it
is written (form_input.py): an emptied optional field is removed, never written as '', lists lose
their empty items. Every kind is saved through the forms' API (the kit's proxy in front of
decap-server, as the browser's Decap does) with each optional field emptied, and every result
passes the kit's own check.
"""

from __future__ import annotations

import io
import json

import pytest
from conftest import SAMPLE_CONTENT, Scratch
from ruamel.yaml import YAML
from test_forms_config import OWN

from campaignkit.checks.validate import validate
from campaignkit.content.kinds import KINDS, PAGES, SITE, schema_of
from campaignkit.content.load import load_content
from campaignkit.editing import form_input
from campaignkit.editing import forms as admin

# Fields the kit requires only together with another value (status 已整改 → rectified_on,
# model: true → recognized_on): a form that empties them writes a file the check rightly refuses.
REQUIRED_WITH = {"cases": {"rectified_on"}, "enterprises": {"recognized_on"}}


def decap_yaml(data: dict) -> str:
    """YAML as Decap's formatter writes it: every field of the form, '' and [] included."""
    y = YAML(typ="safe", pure=True)
    y.allow_unicode = True
    y.default_flow_style = False
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def emptied(spec: dict):
    """What Decap writes for a field the clerk emptied."""
    if spec.get("type") == "array":
        return []
    if spec.get("type") == "object":
        return {key: emptied(sub) for key, sub in spec["properties"].items()}
    if spec.get("type") in ("integer", "number") or "x-enum" in spec:
        return None
    if spec.get("type") == "boolean":
        return False
    return ""


def with_optional_emptied(kind: str, data: dict, everything: bool) -> dict:
    """`data` with its optional fields emptied (everything), or with every list given an empty item and
    the optional fields inside its maps emptied (the photo's caption and stage, a reference's url)."""
    schema = schema_of(kind)
    out = dict(data)
    for name, spec in schema["properties"].items():
        if name in schema.get("required", ()) or name in REQUIRED_WITH.get(kind, ()) or spec.get("type") == "boolean":
            continue
        if everything:
            out[name] = emptied(spec)
        elif spec.get("type") == "array" and isinstance(data.get(name), list):
            items = spec["items"]
            if items.get("type") == "object":
                # a quiz question's options are required by its kind, not by the schema: kept
                keep = {*items.get("required", ()), "options"}
                kept = [{k: (v if k in keep else emptied(items["properties"][k])) for k, v in i.items()} for i in data[name]]
                out[name] = kept + [emptied(items)]
            else:
                out[name] = [*data[name], ""]
        elif spec.get("type") == "object" and isinstance(data.get(name), dict):
            out[name] = {
                k: (v if k in spec.get("required", ()) else emptied(spec["properties"][k])) for k, v in data[name].items()
            }
    return out


def one_of_each() -> list[tuple[str, str]]:
    """(kind, path relative to content/) of one sample item of every kind, free pages and site.yml."""
    out = [(kind, f"{kind}/{sorted(p.name for p in (SAMPLE_CONTENT / kind).glob('*.yml'))[0]}") for kind in KINDS]
    return out + [(PAGES, "pages/about.md"), (SITE, "site.yml")]


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    scratch = Scratch(tmp_path_factory.mktemp("forms"))
    routes = admin.AdminRoutes(scratch.content)
    routes.start()
    yield scratch, routes
    routes.stop()


def save(routes, path: str, raw: str) -> None:
    request = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": path, "raw": raw, "slug": path}],
            "assets": [],
            "options": {"commitMessage": "保存", "useWorkflow": False, "status": "draft"},
        },
    }
    # as the forms' own page sends it (request_guard: loopback host, its origin, JSON, the page's token)
    own = {**OWN, "CONTENT_TYPE": "application/json", "HTTP_X_CAMPAIGNKIT_TOKEN": routes.token}
    reply = routes.respond("POST", "/admin/api/v1", json.dumps(request, ensure_ascii=False).encode(), environ=own)
    assert reply.status == 200, reply.body


def problems(scratch) -> list[str]:
    content, found = load_content(scratch.content)
    _checked, more = validate(content)
    found.extend(more)
    return [str(p) for p in found.sorted()]


def as_form_sends(kind: str, text: str, data: dict) -> str:
    if kind == PAGES:
        body = text.split("---", 2)[2]
        return "---\n" + decap_yaml(data) + "---" + body
    return decap_yaml(data)


@pytest.mark.slow
@pytest.mark.parametrize("everything", [True, False], ids=["optional-fields-emptied", "empty-list-items"])
@pytest.mark.parametrize("kind, path", one_of_each())
def test_a_save_with_emptied_fields_writes_a_valid_file(forms, kind, path, everything):
    scratch, routes = forms
    original = scratch.read(path)
    y = YAML(typ="safe", pure=True)
    data = y.load(original.split("---", 2)[1] if kind == PAGES else original)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    sent = with_optional_emptied(kind, data, everything)
    assert sent != data or not everything
    try:
        save(routes, path, as_form_sends(kind, original, sent))
        written = scratch.read(path)
        assert "''" not in written and '""' not in written and "[]" not in written and "- \n" not in written, written
        assert ": null" not in written and not written.rstrip().endswith(":"), written
        assert problems(scratch) == []
    finally:
        scratch.write(path, original)


@pytest.mark.slow
def test_the_enterprise_picked_cleared_and_picked_again(forms):
    """The clerk's mistake of issue 25: the × of 涉及的企业 saved enterprise: '' and the preview stopped."""
    scratch, routes = forms
    path = "cases/cangku-silai-dianxian.yml"
    original = scratch.read(path)
    data = YAML(typ="safe", pure=True).load(original)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    try:
        for value, expected in (
            ("xintai-baozhuang", "enterprise: xintai-baozhuang"),
            ("", None),
            ("xintai-baozhuang", "enterprise: xintai-baozhuang"),
        ):
            save(routes, path, decap_yaml({**data, "enterprise": value, "patrol": ""}))
            written = scratch.read(path)
            assert (expected in written) if expected else ("enterprise" not in written and "patrol" not in written), written
            assert problems(scratch) == []
    finally:
        scratch.write(path, original)


def test_normalising_keeps_values_and_drops_only_what_is_empty():
    raw = "title: x\nenterprise: ''\nanonymous: false\nemployees: 0\ntags: ['', a]\nphotos:\n  - file: a.jpg\n    alt: b\n    caption: ''\n  - {file: '', alt: ''}\nquote: {text: '', by: ''}\n"
    assert (
        form_input.normalised_yaml(raw)
        == "title: x\nanonymous: false\nemployees: 0\ntags: [a]\nphotos:\n  - file: a.jpg\n    alt: b\n"
    )
    assert form_input.normalised_yaml("title: x\n") is None  # nothing to change: the form's text goes on as it is
    page = "---\ntitle: 关于\ndescription: ''\n---\n正文\n"
    assert form_input.normalised_file("pages/about.md", page) == "---\ntitle: 关于\n---\n正文\n"
    body = b'{"action": "getEntry"}'
    assert form_input.normalise_request({"action": "getEntry"}, body) is body
