#!/usr/bin/env python3
"""Side-by-side measurements of the choices that decide speed and memory.

    .venv/bin/python scripts/benchmark.py [--cases 1000]

Each variant runs in its own child process (so its peak memory is its own) on the
same machine in the same run, and the table reports each pair as a ratio:

1. PDF font subsetting: HarfBuzz (libharfbuzz-subset0) vs WeasyPrint's fontTools fallback,
   one lesson handout.
2. Handouts: cold serial (1 worker) vs cold parallel (all cores) vs warm cache.
3. Photos: resizing every sample photo cold vs from the media cache.
4. A site with N extra cases: item pages kept out of the navigation (this kit) vs every
   case page in the navigation (MkDocs' default habit): build time, peak memory,
   mean case page size, site size.

Nothing here is asserted: the figures are for people (and the README), not for CI.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

# The case tests/test_scale.py writes a thousand times (its first line is a comment).
CASE = (PROJECT / "tests" / "data" / "bulk_case.yml.template").read_text(encoding="utf-8").split("\n", 1)[1]


def _campaign(content: Path):
    from campaignkit.model import build_campaign
    from campaignkit.pipeline import load_and_validate

    content_obj, checked = load_and_validate(content, include_drafts=False)
    return build_campaign(content_obj, checked)


def _prepare_media(campaign, content: Path, cache: Path):
    from campaignkit import media
    from campaignkit.problems import Problems

    problems = Problems()
    media.attach_renditions(campaign, content, cache, problems)
    problems.raise_if_any()


def variant(name: str, work: Path, cases: int) -> dict:
    """Run one measured variant in this (child) process; return its figures."""
    from campaignkit import extras, handouts, pipeline, site

    content = PROJECT / "content"
    templates = PROJECT / "templates"
    result: dict = {}
    if name in ("subset-harfbuzz", "subset-fonttools"):
        import weasyprint.pdf.fonts as wfonts
        from weasyprint import HTML

        campaign = _campaign(content)
        _prepare_media(campaign, content, work / "media")
        job = next(j for j in handouts.plan(campaign, templates, work / "media") if j.kind == "lesson")
        if name == "subset-fonttools":
            wfonts.harfbuzz_subset = None  # what WeasyPrint does when libharfbuzz-subset0 is missing
        # Warm up (fontconfig, font loading, Python imports) so only the document itself is timed.
        HTML(string='<p style="font-family: Noto Sans CJK SC">预热</p><p style="font-family: Noto Serif CJK SC">预热</p>').write_pdf()
        start = time.perf_counter()
        pdf = HTML(string=job.html, base_url=str(templates / "handouts")).write_pdf()
        result.update(seconds=time.perf_counter() - start, bytes=len(pdf))
    elif name.startswith("handouts-"):
        campaign = _campaign(content)
        _prepare_media(campaign, content, work / "media")
        cache = work / "handout-cache"
        if name == "handouts-warm":
            handouts.render_all(campaign, templates, work / "docs-prime", cache, work / "media", jobs=os.cpu_count() or 1)
        jobs = 1 if name == "handouts-serial" else (os.cpu_count() or 1)
        start = time.perf_counter()
        made = handouts.render_all(campaign, templates, work / "docs", cache, work / "media", jobs=jobs)
        result.update(seconds=time.perf_counter() - start, handouts=len(made))
    elif name in ("media-cold", "media-warm"):
        campaign = _campaign(content)
        if name == "media-warm":
            _prepare_media(campaign, content, work / "media")
            campaign = _campaign(content)
        start = time.perf_counter()
        _prepare_media(campaign, content, work / "media")
        result.update(seconds=time.perf_counter() - start)
    elif name in ("nav-sections", "nav-every-case"):
        big = work / "content"
        shutil.copytree(content, big)
        for n in range(cases):
            (big / "cases" / f"bulk-{n:04d}.yml").write_text(
                CASE.format(n=n, month=n % 12 + 1, day=n % 28 + 1), encoding="utf-8")
        campaign = _campaign(big)
        docs, out = work / "docs", work / "site"
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(extras.content_epoch(campaign)))
        _, nav = pipeline.render_docs(PROJECT, big, campaign, docs, pdf=False)
        if name == "nav-every-case":
            nav = [{title: ([path] + [{c["title"]: f"cases/{c.id}.md"} for c in campaign.cases]
                            if path == "cases/index.md" else path)}
                   for entry in nav for title, path in entry.items()]
        start = time.perf_counter()
        site.run_mkdocs(PROJECT / "mkdocs.yml", docs, out, campaign.site, nav)
        pages = [p for p in (out / "cases").glob("*/index.html") if p.parent.name not in ("all", "status", "hazard")]
        result.update(seconds=time.perf_counter() - start,
                      case_page_kb=sum(p.stat().st_size for p in pages) / len(pages) / 1024,
                      site_mb=sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_child(name: str, cases: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        proc = subprocess.run([sys.executable, __file__, "--variant", name, "--work", tmp, "--cases", str(cases)],
                              capture_output=True, text=True, cwd=PROJECT)
        if proc.returncode != 0:
            raise SystemExit(f"variant {name} failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--variant")
    parser.add_argument("--work")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(variant(args.variant, Path(args.work), args.cases)))
        return

    def row(label, fast, slow, key="seconds", unit="s"):
        a, b = fast[key], slow[key]
        print(f"{label:<52} {a:>9.2f}{unit:<3} {b:>9.2f}{unit:<3} {b / a if a else float('inf'):>7.1f}x")

    print(f"{'measurement (this kit vs the alternative)':<52} {'kit':>12} {'other':>12} {'ratio':>8}")
    hb, ft = run_child("subset-harfbuzz", args.cases), run_child("subset-fonttools", args.cases)
    row("lesson PDF: HarfBuzz subset vs fontTools fallback", hb, ft)
    row("  peak memory of that render", hb, ft, key="peak_mb", unit="MB")
    serial, parallel, warm = (run_child(n, args.cases) for n in ("handouts-serial", "handouts-parallel", "handouts-warm"))
    row(f"{serial['handouts']} handouts: parallel ({os.cpu_count()} workers) vs serial", parallel, serial)
    row(f"{serial['handouts']} handouts: warm cache vs cold serial", warm, serial)
    cold, cached = run_child("media-cold", args.cases), run_child("media-warm", args.cases)
    row("sample photos: cached vs resized cold", cached, cold)
    small, every = run_child("nav-sections", args.cases), run_child("nav-every-case", args.cases)
    row(f"+{args.cases} cases, MkDocs build: sections-only nav vs every case", small, every)
    row("  peak memory of that build", small, every, key="peak_mb", unit="MB")
    row("  mean case page size", small, every, key="case_page_kb", unit="KB")
    row("  whole site size", small, every, key="site_mb", unit="MB")


if __name__ == "__main__":
    main()
