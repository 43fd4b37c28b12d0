"""The speed machinery where privacy is at stake: drawn sequences of edits — a case made anonymous
and back, a person drafted and published again, a person's consent withdrawn and given again, a
page withdrawn and put back, a photo replaced, a template changed, a title edited — each followed
by an incremental build, whose site and 公众号 articles (and, in one example at least, PDFs and
private paperwork) must be byte for byte what a cold build of the same content writes. A remembered
render that kept publishing what has just become private would show up here as a difference.

Derandomised in CI (conftest.py loads hypothesis' "ci" profile when CI is set); a developer's run
explores new sequences every time. Each example starts from its own project (mkdocs.yml,
templates, generated content); the caches of photos, PDFs and QR codes are shared among the
examples, as they are between an editor's builds.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PROJECT, tree
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from campaignkit.build import pipeline
from tools.corpus import draw_photo, generate

pytestmark = pytest.mark.slow

CASES = 8
SEED = 1


@dataclass
class Project:
    root: Path
    content: Path
    site: Path
    hidden: dict[str, str] = field(default_factory=dict)  # anonymous case → the enterprise only it hides
    named: set[str] = field(default_factory=set)  # those of them this sequence has named
    drafted: set[str] = field(default_factory=set)
    no_consent: set[str] = field(default_factory=set)
    withdrawn_pages: dict[str, str] = field(default_factory=dict)  # page id → its text
    gone: set[str] = field(default_factory=set)  # URLs published before and withdrawn on purpose (site.yml)
    edits: int = 0


def _set(path: Path, key: str, value: str) -> None:
    """Set a top-level `key: value` line of a YAML file (added at the end when missing)."""
    text = path.read_text(encoding="utf-8")
    line = f"{key}: {value}"
    if re.search(rf"(?m)^{key}:", text):
        text = re.sub(rf"(?m)^{key}:.*$", line, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n{line}\n"
    path.write_text(text, encoding="utf-8")


def _unset(path: Path, key: str) -> None:
    path.write_text(re.sub(rf"(?m)^{key}:.*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")


def _write_withdrawn(p: Project) -> None:
    site = p.content / "site.yml"
    if p.gone:
        _set(site, "withdrawn", "[" + ", ".join(sorted(p.gone)) + "]")
    else:
        _unset(site, "withdrawn")


def _pick(items: list, n: int):
    return items[n % len(items)]


def _people(p: Project, half: int) -> list[Path]:
    """People for drafting (half 0) and for consent (half 1): never the same person for both."""
    return sorted(p.content.glob("people/*.yml"))[half::2]


def edit_anonymous(p: Project, n: int) -> str:
    """A case kept anonymous by the corpus is named, then made anonymous again. Anonymity hides
    the link, not the enterprise: its page stays published either way (no URL is withdrawn), and
    nothing public may connect the two while the case is anonymous."""
    case = _pick(sorted(p.hidden), n)
    path = p.content / "cases" / f"{case}.yml"
    if case in p.named:
        _set(path, "anonymous", "true")
        p.named.discard(case)
        return f"case {case} made anonymous again"
    _set(path, "anonymous", "false")
    p.named.add(case)
    return f"case {case} named"


def edit_draft(p: Project, n: int) -> str:
    path = _pick(_people(p, 0), n)
    url = f"people/{path.stem}/"
    if path.stem in p.drafted:
        _unset(path, "draft")
        p.drafted.discard(path.stem)
        p.gone.discard(url)
        _write_withdrawn(p)
        return f"person {path.stem} published"
    _set(path, "draft", "true")
    p.drafted.add(path.stem)
    p.gone.add(url)
    _write_withdrawn(p)
    return f"person {path.stem} drafted"


def edit_consent(p: Project, n: int) -> str:
    """Consent withdrawn: `consent: false` and, as the build's message asks, `draft: true`."""
    path = _pick(_people(p, 1), n)
    url = f"people/{path.stem}/"
    if path.stem in p.no_consent:
        _set(path, "consent", "true")
        _unset(path, "draft")
        p.no_consent.discard(path.stem)
        p.gone.discard(url)
        _write_withdrawn(p)
        return f"person {path.stem} consents again"
    _set(path, "consent", "false")
    _set(path, "draft", "true")
    p.no_consent.add(path.stem)
    p.gone.add(url)
    _write_withdrawn(p)
    return f"person {path.stem} withdrew consent"


def edit_page(p: Project, n: int) -> str:
    """The about page withdrawn (file deleted, URL listed as withdrawn) and put back."""
    page = p.content / "pages" / "about.md"
    if "about" in p.withdrawn_pages:
        page.write_text(p.withdrawn_pages.pop("about"), encoding="utf-8")
        p.gone.discard("about/")
        _write_withdrawn(p)
        return "page about put back"
    p.withdrawn_pages["about"] = page.read_text(encoding="utf-8")
    page.unlink()
    p.gone.add("about/")
    _write_withdrawn(p)
    return "page about withdrawn"


def edit_photo(p: Project, n: int) -> str:
    import random

    photos = sorted((p.content / "media").rglob("*.jpg"))
    photo = _pick(photos, n)
    photo.unlink()  # a new file, as a camera or an editor's tool writes one
    draw_photo(random.Random(n)).save(photo, "JPEG", quality=80)
    return f"photo {photo.relative_to(p.content).as_posix()} replaced"


def edit_template(p: Project, n: int) -> str:
    template, line = _pick(
        [
            ("templates/pages/case.md.j2", "\n本页模板修改第{n}版。\n"),
            ("templates/pages/person.md.j2", "\n人物页模板修改第{n}版。\n"),
            ("templates/wechat/case.html.j2", "\n<p>文章模板修改第{n}版。</p>\n"),
        ],
        n,
    )
    path = p.root / template
    path.write_text(path.read_text(encoding="utf-8") + line.format(n=n), encoding="utf-8")
    return f"template {template} changed"


def edit_title(p: Project, n: int) -> str:
    path = _pick(sorted(p.content.glob("cases/*.yml")), n)
    _set(path, "title", f"改过的标题第{n}次")
    return f"case {path.stem} retitled"


EDITS = {
    "anonymous": edit_anonymous,
    "draft": edit_draft,
    "consent": edit_consent,
    "page": edit_page,
    "photo": edit_photo,
    "template": edit_template,
    "title": edit_title,
}

_shared_cache = Path(tempfile.mkdtemp(prefix="incremental-props-cache-"))
atexit.register(shutil.rmtree, _shared_cache, True)


def _project(root: Path) -> Project:
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", root / "templates")
    (root / ".cache").symlink_to(_shared_cache)
    content = root / "content"
    generate(content, cases=CASES, seed=SEED)
    p = Project(root, content, root / "out" / "site")
    behind: dict[str, list[str]] = {}  # enterprise → the cases that reference it
    anonymous = set()
    for case in sorted(content.glob("cases/*.yml")):
        text = case.read_text(encoding="utf-8")
        found = re.search(r"(?m)^enterprise: (\S+)$", text)
        if found:
            behind.setdefault(found.group(1), []).append(case.stem)
        if re.search(r"(?m)^anonymous: true$", text):
            anonymous.add(case.stem)
    p.hidden = {cases[0]: ent for ent, cases in behind.items() if len(cases) == 1 and cases[0] in anonymous}
    assert p.hidden, "the corpus needs an anonymous case that alone hides its enterprise"
    return p


def _outputs(site: Path, pdf: bool) -> dict[str, dict[str, str]]:
    found = {"site": tree(site), "wechat": tree(site.parent / "wechat")}
    if pdf:
        found["private"] = tree(site.parent / "private")
    return found


@settings(
    max_examples=2,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: every step is two builds
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 999)), min_size=3, max_size=5),
    pdf=st.just(False),
)
@example(steps=[("anonymous", 0), ("photo", 1), ("consent", 2), ("anonymous", 0)], pdf=True)
@example(steps=[("draft", 3), ("page", 0), ("template", 4), ("draft", 3), ("page", 0), ("title", 5)], pdf=False)
def test_incremental_builds_equal_cold_builds_after_drawn_edits(steps, pdf):
    with tempfile.TemporaryDirectory(prefix="incremental-props-") as folder:
        p = _project(Path(folder))
        pipeline.build(p.root, p.content, p.site, pdf=pdf, jobs=2)
        done = []
        for k, (name, n) in enumerate(steps):
            done.append(EDITS[name](p, n))
            pipeline.build(p.root, p.content, p.site, pdf=pdf, jobs=2)
            cold = p.root / f"cold-{k}" / "site"
            pipeline.build(p.root, p.content, cold, pdf=pdf, jobs=1, incremental_build=False)
            incremental, expected = _outputs(p.site, pdf), _outputs(cold, pdf)
            for output in expected:
                differ = sorted(
                    rel
                    for rel in incremental[output].keys() | expected[output].keys()
                    if incremental[output].get(rel) != expected[output].get(rel)
                )
                assert not differ, f"{output}/ after {done}: {differ[:8]}"
            shutil.rmtree(cold.parent)
