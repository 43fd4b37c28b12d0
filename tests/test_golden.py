"""Golden test: the Markdown pages generated from the sample content, compared with tests/golden/docs/.

Every generated .md file (and the list of them) must equal the committed golden copy;
binary assets (photos, share card, CSS, scripts) are not compared. When a template or
the sample content changes on purpose, refresh the goldens with one command and review
the diff in git:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

The pages are rendered the way the build renders them (load → validate → model →
pipeline.render_docs) but without PDFs and without running MkDocs, so the test takes a
second or two.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from campaignkit.build import pipeline

PROJECT = Path(__file__).resolve().parents[1]
GOLDEN = PROJECT / "tests" / "golden" / "docs"
REFRESH = "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"
DIFF_LINES = 60


def render(docs: Path) -> Path:
    content_root = PROJECT / "content"
    campaign, renditions = pipeline.public_view(PROJECT, content_root)
    pipeline.render_docs(pipeline.Build(PROJECT, content_root, campaign, renditions, docs, docs.parent / "site", pdf=False))
    return docs


def markdown_files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.md"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, str]:
    return markdown_files(render(tmp_path_factory.mktemp("golden") / "docs"))


def refresh(generated: dict[str, str]) -> None:
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for rel, text in generated.items():
        target = GOLDEN / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def mismatch_report(generated: dict[str, str], golden: dict[str, str]) -> str:
    """What differs, short enough to read in a test failure: file lists, then the first diff."""
    lines = ["The generated Markdown differs from tests/golden/docs/."]
    missing, extra = sorted(golden.keys() - generated.keys()), sorted(generated.keys() - golden.keys())
    if missing:
        lines.append(f"No longer generated ({len(missing)}): " + ", ".join(missing[:20]))
    if extra:
        lines.append(f"New pages ({len(extra)}): " + ", ".join(extra[:20]))
    changed = [rel for rel in sorted(golden.keys() & generated.keys()) if golden[rel] != generated[rel]]
    if changed:
        lines.append(f"Changed ({len(changed)}): " + ", ".join(changed[:20]) + (" …" if len(changed) > 20 else ""))
        first = changed[0]
        diff = list(
            difflib.unified_diff(
                golden[first].splitlines(),
                generated[first].splitlines(),
                f"golden/docs/{first}",
                f"generated/{first}",
                lineterm="",
                n=2,
            )
        )
        lines += diff[:DIFF_LINES] + ([f"… ({len(diff) - DIFF_LINES} more diff lines)"] if len(diff) > DIFF_LINES else [])
    lines.append(f"If the change is intended, refresh the goldens and review them in git:\n    {REFRESH}")
    return "\n".join(lines)


def test_generated_markdown_matches_the_goldens(generated):
    if os.environ.get("UPDATE_GOLDEN"):
        refresh(generated)
    golden = markdown_files(GOLDEN) if GOLDEN.is_dir() else {}
    if generated != golden:
        pytest.fail(mismatch_report(generated, golden), pytrace=False)


def test_the_goldens_cover_every_page_kind(generated):
    """A refresh that silently lost a section would pass the comparison; these pages must exist."""
    for rel in (
        "index.md",
        "cases/index.md",
        "cases/hengshun-cangku-feixian.md",
        "enterprises/index.md",
        "enterprises/hengshun-wuliu.md",
        "people/index.md",
        "lessons/feixian-chongdian.md",
        "facilities/beiqu-chongdian.md",
        "patrols/round-01.md",
        "events/yantaohui-2023-07.md",
        "downloads/index.md",
        "about.md",
    ):
        assert rel in generated, rel
    # Enterprises behind anonymous cases keep their page; it does not list those cases.
    for behind, case in (("suda-kuaiyun", "sushe-loudao-tingfang"), ("tongqu-gongyinglian", "fenjianchang-chuangkou-feixian")):
        assert f"enterprises/{behind}.md" in generated
        assert f"cases/{case}/" not in generated[f"enterprises/{behind}.md"]
