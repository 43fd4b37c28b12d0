"""The architecture's promises, tested as a developer would use them:

- a new content kind is one registry declaration plus one page template, and the build gives it
  item pages, a list page, navigation, sitemap entries, alias redirects, resized photos, search
  hits and file:line validation;
- a new enumeration value is one line, and the site, the charts and the handouts show it;
- templates receive the public view only: nothing reachable from their globals holds an
  unpublished person or a raw document, nothing reachable from an anonymous case leads to its
  enterprise (or any of its names) and nothing reachable from the enterprise leads to the case;
- no jsonschema message in English reaches an editor.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, SAMPLE_CONTENT
from pypdf import PdfReader
from ruamel.yaml import YAML

from campaignkit.build import pipeline
from campaignkit.checks import validate
from campaignkit.content import enterprise_names
from campaignkit.content.kinds import KINDS, schema_of
from campaignkit.content.load import Document, load_content
from campaignkit.view.campaign import PublicItem

yaml = YAML(typ="safe")


def copy_project(root: Path) -> Path:
    """The project as a developer's checkout: code, templates, configuration and the sample content."""
    for name in ("campaignkit", "templates", "content"):
        shutil.copytree(PROJECT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("build.py", "mkdocs.yml"):
        shutil.copy(PROJECT / name, root / name)
    return root


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", *args], cwd=root, capture_output=True, text=True, timeout=600)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


NOTICE_KIND = """
    Kind(
        "notices", "通知", schema.item({
            "title": schema.text("标题"),
            "date": schema.date("发布日期"),
            "level": schema.choice(schema.RISK, "紧急程度"),
            "body": schema.markdown("正文"),
            "enterprise": schema.ref("enterprises", "涉及的企业"),
            "photos": schema.list_of(schema.PHOTO, "照片"),
        }, ("title", "date")),
        "安全通知", lambda c: "共建区发布的消防安全通知。",
        "notice.md.j2", "section.md.j2", "n",
        page_title=lambda n: n.title,
        describe=lambda n, site: plain_text(n.body, 100) or site,
        sort_key=lambda n: n.date, reverse=True,
    ),
"""

NOTICE_TEMPLATE = """{% import "_macros.md.j2" as m with context %}
<p class="ck-lead">{{ n.date | cn_date }} · {{ RISK[n.level].label if n.level else "" }}</p>
{% for p in n.photos %}{{ m.figure(p) }}{% endfor %}
{% if n.enterprise %}<p>涉及企业：<a href="{{ rel(n.enterprise.url) }}">{{ n.enterprise.name }}</a></p>{% endif %}
<div class="ck-prose">
{{ n.body | md }}
</div>
"""


@pytest.mark.slow
def test_a_new_kind_is_one_declaration_and_one_template(tmp_path):
    root = copy_project(tmp_path / "project")
    registry = root / "campaignkit" / "content" / "kinds.py"
    text = registry.read_text(encoding="utf-8")
    end = text.index("\n)\n", text.index("KINDS_LIST = ("))
    registry.write_text(text[:end] + NOTICE_KIND.rstrip("\n") + text[end:], encoding="utf-8")
    (root / "templates" / "pages" / "notice.md.j2").write_text(NOTICE_TEMPLATE, encoding="utf-8")
    shutil.copy(
        root / "content" / "media" / "cases" / "sushe-chuangkou-feixian-before.jpg",
        root / "content" / "media" / "cases" / "notice-photo.jpg",
    )
    notices = root / "content" / "notices"
    notices.mkdir()
    (notices / "chongdian-tongzhi.yml").write_text(
        "title: 关于冬季电动车集中充电的通知\n"
        "date: 2023-11-20\n"
        "level: 高\n"
        "enterprise: hengshun-wuliu\n"
        "aliases: [dongji-tongzhi]\n"
        "body: |\n"
        "  入冬后请各企业督促员工到集中充电处充电，严禁飞线充电。\n"
        "photos:\n"
        "  - file: cases/notice-photo.jpg\n"
        "    alt: 宿舍窗口的飞线\n",
        encoding="utf-8",
    )

    # Validation with file, line and field, in Chinese, for the new kind too.
    (notices / "cuowu.yml").write_text("title: 错误的通知\ndate: 2023-11-20\nlevel: 特急\n", encoding="utf-8")
    result = build(root, "check")
    assert result.returncode == 1
    assert "content/notices/cuowu.yml:3: level: 必须是 高/中/低 之一，现为“特急”" in result.stderr, result.stderr
    (notices / "cuowu.yml").unlink()

    result = build(root, "--no-pdf")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    page = (site / "notices" / "chongdian-tongzhi" / "index.html").read_text(encoding="utf-8")
    assert "关于冬季电动车集中充电的通知" in page and "2023年11月20日" in page and "高风险" in page
    assert 'href="../../enterprises/hengshun-wuliu/"' in page
    photos = re.findall(r'src="../../(media/[0-9a-f]{16}-\d+\.jpg)"', page)
    assert photos and all((site / p).is_file() for p in photos)  # resized, published under a hash name
    listing = (site / "notices" / "index.html").read_text(encoding="utf-8")
    assert "安全通知" in listing and 'href="chongdian-tongzhi/"' in listing
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="notices/"' in home and "安全通知" in home  # in the navigation
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://aqcd.example.cn/notices/chongdian-tongzhi/" in sitemap, sitemap[:300]
    redirect = (site / "notices" / "dongji-tongzhi" / "index.html").read_text(encoding="utf-8")
    assert "url=../chongdian-tongzhi/" in redirect
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    hits = [d["location"] for d in index["docs"] if "严禁飞线充电" in d["text"].replace("\u200b", "")]
    assert any(loc.startswith("notices/chongdian-tongzhi/") for loc in hits), hits


@pytest.mark.slow
def test_a_new_value_is_one_line(tmp_path):
    root = copy_project(tmp_path / "project")
    edit(
        root / "campaignkit" / "content" / "enums.py",
        '    Value("其他", "other", synonyms=("其它",), checklist=',
        '    Value("充电器老化", "old-charger", words=("充电器",), checklist="充电器外壳破裂、发烫、线头老化"),\n'
        '    Value("其他", "other", synonyms=("其它",), checklist=',
    )
    case = root / "content" / "cases" / "sushe-chuangkou-feixian.yml"
    edit(case, "hazard: 飞线充电", "hazard: 充电器老化")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    page = (site / "cases" / "sushe-chuangkou-feixian" / "index.html").read_text(encoding="utf-8")
    assert '<span class="ck-badge ck-kind">充电器老化</span>' in page
    hazard_list = (site / "cases" / "hazard" / "old-charger" / "index.html").read_text(encoding="utf-8")
    assert "类型：充电器老化" in hazard_list and "sushe-chuangkou-feixian/" in hazard_list
    cases = (site / "cases" / "index.html").read_text(encoding="utf-8")
    assert ">充电器老化</text>" in cases  # the chart's bar label
    assert "cases/hazard/old-charger/" in cases or "hazard/old-charger/" in cases  # the filter chip

    def pdf_text(rel: str) -> str:
        return "".join(p.extract_text() for p in PdfReader(site / rel).pages).replace(" ", "").replace("\n", "")

    assert "充电器老化" in pdf_text("downloads/cases/sushe-chuangkou-feixian.pdf")
    assert "充电器老化" in pdf_text("downloads/patrol-form.pdf")  # the patrol form's checklist


# ---- the public view is all templates get ------------------------------------------------------


def reachable(*roots, own_of: object = None) -> tuple[list[str], list[object]]:
    """Every string and every object reachable from `roots` (attributes, slots, items, properties).
    `own_of`: only what a template reaches from that one item: its values and the items it refers
    to, without going on through those (a case's lessons lead to other cases, and those to their
    enterprises: not this case's link), nor through computed properties."""
    strings, objects, seen, todo = [], [], set(), list(roots)
    while todo:
        obj = todo.pop()
        if id(obj) in seen or obj is None or isinstance(obj, (int, float, bool, bytes)):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            strings.append(obj)
            continue
        objects.append(obj)
        if own_of is not None and obj is not own_of and isinstance(obj, PublicItem):
            continue  # another item: reached, not walked through
        if isinstance(obj, dict):
            todo += list(obj.keys()) + list(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo += list(obj)
        elif dataclasses.is_dataclass(obj):
            todo += [getattr(obj, f.name) for f in dataclasses.fields(obj)]
            if own_of is None:
                for name, value in vars(type(obj)).items():  # properties: what templates can compute
                    if isinstance(value, property):
                        todo.append(getattr(obj, name))
    return strings, objects


def own_reach(item) -> tuple[list[str], list[object]]:
    return reachable(item, own_of=item)


def anonymous_links(content=SAMPLE_CONTENT) -> list[tuple[str, str]]:
    """(case id, enterprise id) of each anonymous case with an enterprise."""
    out = []
    for path in sorted((content / "cases").glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        if data.get("anonymous", True) and data.get("enterprise"):
            out.append((path.stem, data["enterprise"]))
    return out


def test_the_view_never_connects_an_anonymous_case_to_its_enterprise():
    """From an anonymous case nothing reaches its enterprise (nor any of its names), and from the
    enterprise nothing reaches the case; the enterprise itself is in the view (its page, events, lists)."""
    campaign, _renditions = pipeline.public_view(PROJECT, SAMPLE_CONTENT)
    cases = {c.id: c for c in campaign.cases}
    enterprises = {e.id: e for e in campaign.enterprises}
    links = anonymous_links()
    assert links, "the sample has anonymous cases with an enterprise"
    for case_id, ent_id in links:
        case, ent = cases[case_id], enterprises.get(ent_id)
        assert ent is not None, f"{ent_id} behind an anonymous case is still published"
        strings, objects = own_reach(case)
        assert not [o for o in objects if o is ent], f"{case_id} reaches {ent_id}"
        names = enterprise_names.enterprise_names(yaml.load((SAMPLE_CONTENT / "enterprises" / f"{ent_id}.yml").read_text()))
        text = "\n".join(strings)
        assert not [n for n in names if n in text], f"{case_id} names {ent_id}"
        _strings, objects = own_reach(ent)
        assert not [o for o in objects if o is case], f"{ent_id} reaches {case_id}"
        assert case not in ent.cases and case.enterprise is None
    # and the walk can fail: a named case does reach its enterprise
    named = next(c for c in campaign.cases if c.enterprise is not None)
    assert [o for o in own_reach(named)[1] if o is named.enterprise]


def test_templates_reach_no_unpublished_person_or_raw_document():
    campaign, _renditions = pipeline.public_view(PROJECT, SAMPLE_CONTENT)
    strings, objects = reachable(campaign, campaign.teams(), campaign.site, campaign.stats)
    text = "\n".join(strings)
    unpublished = [yaml.load(p.read_text(encoding="utf-8")) for p in (SAMPLE_CONTENT / "people").glob("*.yml")]
    unpublished = [d["name"] for d in unpublished if d.get("draft") or d.get("consent") is not True]
    assert unpublished, "the sample has an unpublished person"
    for name in unpublished:
        assert name not in text, name
    assert not [o for o in objects if isinstance(o, Document)]
    # Photos are published under hashes: the editors' file names are not in the view either.
    assert not [s for s in strings if re.search(r"\.(jpe?g|png|webp)$", s, re.I) and not s.startswith("media/")]


def test_items_are_closed_no_stage_can_add_an_attribute():
    campaign, _ = pipeline.public_view(PROJECT, SAMPLE_CONTENT)
    case = campaign.cases[0]
    with pytest.raises(AttributeError):
        case.srcset = "x"  # the kind of late addition the media stage used to make
    assert case["title"] == case.title


# ---- no English reaches an editor ------------------------------------------------------------

WRONG_VALUES = [None, "", 12, -3, 1.5, True, [], [1, 2], {}, {"x": 1}, "x" * 25_000, "2023-13-45", "not an id!"]
ALLOWED_ASCII = {"true", "false", "YYYY", "http", "https", "YAML", "JPEG", "WebP", "Markdown", "content", "media"}


def english_words(message: str, known: set[str]) -> list[str]:
    unquoted = re.sub(r"“[^”]*”|（[^）]*[A-Za-z][^）]*）|\[[^\]]*\]|content/\S+", "", message)
    return [w for w in re.findall(r"[A-Za-z_]{3,}", unquoted) if w not in known]


@pytest.mark.slow
@pytest.mark.parametrize("kind", [*KINDS, "site"])
def test_no_english_message_reaches_an_editor(tmp_path, kind):
    """Every field of every kind, given every wrong kind of value: each message is Chinese."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    properties = schema_of(kind)["properties"]
    known = set(ALLOWED_ASCII) | set(properties)
    for spec in properties.values():
        known |= set(spec.get("properties", {})) | set(spec.get("items", {}).get("properties", {}))
    target = content / "site.yml" if kind == "site" else next((content / kind).glob("*.yml"))
    original = yaml.load(target.read_text(encoding="utf-8"))
    messages = []
    for n, value in enumerate(WRONG_VALUES):
        data = dict.fromkeys(properties, value) | {"extra_field": value}
        doc_path = target if n == 0 else target.with_name(f"wrong-{n}.yml") if kind != "site" else target
        y = YAML()
        y.width = 100_000
        with doc_path.open("w", encoding="utf-8") as f:
            y.dump(data, f)
        loaded, problems = load_content(content)
        _checked, more = validate.validate(loaded)
        messages += [str(p) for p in problems.items + more.items]
        if kind == "site":
            y.dump(original, target.open("w", encoding="utf-8"))
    assert messages
    for message in messages:
        assert not english_words(message.split(": ", 2)[-1], known), message


@pytest.mark.parametrize(
    "keyword, schema, instance",
    [
        ("const", {"const": "a"}, "b"),
        ("minItems", {"type": "array", "minItems": 2}, [1]),
        ("uniqueItems", {"type": "array", "uniqueItems": True}, [1, 1]),
        ("exclusiveMinimum", {"exclusiveMinimum": 0}, 0),
        ("exclusiveMaximum", {"exclusiveMaximum": 1}, 1),
        ("multipleOf", {"multipleOf": 5}, 3),
        ("minProperties", {"type": "object", "minProperties": 1}, {}),
        ("maxProperties", {"type": "object", "maxProperties": 0}, {"a": 1}),
        ("dependentRequired", {"dependentRequired": {"a": ["b"]}}, {"a": 1}),
        ("anyOf", {"anyOf": [{"type": "string"}, {"type": "integer"}]}, []),
        ("oneOf", {"oneOf": [{"type": "string"}, {"type": "integer"}]}, []),
        ("not", {"not": {"type": "string"}}, "x"),
        ("contains", {"contains": {"type": "string"}}, [1]),
    ],
)
def test_every_jsonschema_keyword_has_a_chinese_message(keyword, schema, instance):
    error = next(validate.validator_class()(schema).iter_errors(instance))
    assert error.validator == keyword
    messages = [m for _path, m in validate._translate(error, [])]
    assert messages and all(re.search(r"[\u4e00-\u9fff]", m) and not english_words(m, set()) for m in messages), messages
