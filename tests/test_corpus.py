"""The generated corpus (tools/corpus.py) is what benchmarks and scale tests build: it must be
valid content an editor could have written, the same for a seed, with every kind and its links."""

from __future__ import annotations

from conftest import tree
from PIL import Image

from campaignkit.checks.validate import validate
from campaignkit.content.kinds import KINDS
from campaignkit.content.load import load_content
from tools.corpus import generate, sizes


def test_a_corpus_validates_and_links_every_kind(tmp_path):
    counts = generate(tmp_path / "content", cases=60, seed=5)
    content, problems = load_content(tmp_path / "content")
    _checked, more = validate(content)
    assert not problems and not more, (problems.sorted() + more.sorted())[:5]
    assert {kind: len(content.items[kind]) for kind in KINDS} == {k: v for k, v in sizes(60).items() if k in KINDS}
    assert counts["photos"] > 60
    docs = {kind: {d.id: d.data for d in content.items[kind]} for kind in KINDS}
    cases, patrols = docs["cases"], docs["patrols"]
    # cases ↔ patrol rounds ↔ lessons ↔ enterprises ↔ events, both ways
    assert all(c["patrol"] in patrols and set(c["lessons"]) <= set(docs["lessons"]) for c in cases.values())
    assert all(set(p["cases"]) <= set(cases) for p in patrols.values())
    assert all(set(lesson["cases"]) <= set(cases) for lesson in docs["lessons"].values())
    assert all(set(e["enterprises"]) <= set(docs["enterprises"]) and e["lessons"] for e in docs["events"].values())
    assert any(c.get("enterprise") and not c["anonymous"] for c in cases.values())
    assert any(c.get("enterprise") and c["anonymous"] for c in cases.values())
    # figures that agree, and no case dated after its round
    for patrol_id, p in patrols.items():
        linked = [c for c in cases.values() if c["patrol"] == patrol_id]
        assert p["rectified_on_spot"] + p["referred"] <= p["hazards_found"]
        assert len(linked) <= p["hazards_found"]
        assert all(c["found_on"] <= p["date"] for c in linked)
    # photos are phone-shaped JPEGs
    photo = next((tmp_path / "content" / "media" / "cases").glob("*.jpg"))
    with Image.open(photo) as im:
        assert im.format == "JPEG" and im.width * 3 == im.height * 4


def test_a_seed_gives_the_same_files(tmp_path):
    generate(tmp_path / "a", cases=15, seed=9)
    generate(tmp_path / "b", cases=15, seed=9)
    generate(tmp_path / "c", cases=15, seed=10)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")
