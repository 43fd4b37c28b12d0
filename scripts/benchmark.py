#!/usr/bin/env python3
"""The kit against its floor, side by side in one run, on generated content.

    .venv/bin/python scripts/benchmark.py                      # 500 and 1,000 cases, median of 3
    .venv/bin/python scripts/benchmark.py --sizes 50 --repeat 1 --pdf-cases 10 --json   # CI smoke run

For each size a corpus is generated (tools/corpus.py, seed fixed) into a scratch project
(its own .build, output and .cache, the cache seeded from the size before), the caches are warmed once, and then, each the median
of --repeat runs, all in this one run so that a busy machine slows both sides alike (each run is
one round, for every size in turn, of a cold build, plain MkDocs and the rebuilds):

1. the kit's cold build without PDFs (`build.py --no-pdf`, no kept state, no audit cache), total
   and by stage (load+validate, model, photos, pages, MkDocs, extras, audit, publish);
2. plain `mkdocs build` of the very Markdown that build generated, with the same configuration
   (mkdocs.yml plus the values the kit sets: a generated YAML file), and the ratio of the kit's
   whole site stage to it;
3. rebuilds: with nothing changed, and after editing one case's title, as ratios of the cold
   build (after one rebuild that settles what a clean build leaves, as in an editor's session),
   for build.py and for the `build.py serve` preview (its rebuilds in one process);
4. the largest size's cold build as a ratio of the smallest's;
5. peak memory (the build process's maximum resident set), site size, the largest case page.

Every build runs as an editor's does: Python keeps its compiled modules (`_as_installed`).

PDFs are measured on a smaller corpus (--pdf-cases, default 50: one case sheet costs about half
a second of CPU, so 1,000 of them three times over would not fit in the 15 minutes): the kit's
handout stage with an empty handout cache, a plain serial WeasyPrint render of the same handout
HTML in one process, the kit's handout stage with the cache warm, and the median handout size.
The floor renders exactly the documents the kit's handout stage writes, the private paperwork
(private/: notices, letters, answers) included, each once (`render` and `write_pdf`) from its
first HTML (fit 0): a one-page sheet the kit has to lay out again tighter costs the kit, not the
floor. Both counts are printed (PDFs written by the kit, documents rendered by the floor).

Targets (printed as ✓/✗; CI's smoke run prints them but asserts nothing):
site stage ≤ 1.15× plain MkDocs; load+validate ≤ 0.5 ms a file; one-case rebuild ≤ 0.2× cold at
the largest size; handout stage ≤ 0.6× serial WeasyPrint, a no-op handout stage ≤ 0.02× of it;
largest size ≤ 2.1× the smallest (for 1,000 vs 500); peak memory ≤ 1 GB; case page ≤ 40 KB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

SITE_STAGES = ("load+validate", "model", "photos", "pages", "mkdocs", "extras", "audit", "publish")


class Project:
    """A scratch project: the kit's mkdocs.yml and templates, generated content, the shared caches."""

    def __init__(self, root: Path, cases: int, seed: int):
        from tools.corpus import generate

        self.root = root
        self.cases = cases
        _scratch(root)
        self.content = root / "content"
        self.counts = generate(self.content, cases, seed)
        self.files = 1 + sum(v for k, v in self.counts.items() if k != "photos") + 1  # site.yml, items, about.md

    def build(self, *args: str, output: str = "site") -> dict:
        """Run build.py as an editor would; return wall time, peak memory and the stage figures."""
        timings = self.root / "timings.json"
        timings.unlink(missing_ok=True)
        env = {**_as_installed(), "CAMPAIGNKIT_TIMINGS": str(timings)}
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, str(PROJECT / "build.py"), "--content", str(self.content), "--output", output, *args],
                cwd=self.root,
                env=env,
                stdout=out,
                stderr=err,
            )
            # wait4: this build's own peak (its reaped workers' included), not the run's so far
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            message = err.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            raise SystemExit(f"build.py {' '.join(args)} failed:\n{message}")
        data = json.loads(timings.read_text(encoding="utf-8"))
        return {"seconds": wall, "peak_mb": usage.ru_maxrss / 1024, "stages": data["stages"], "mkdocs": data.get("mkdocs")}

    def forget(self, output: str = "site", handouts: bool = False) -> None:
        """Back to a cold start: no output, no kept state; the photo cache stays warm."""
        shutil.rmtree(self.root / output, ignore_errors=True)
        shutil.rmtree(self.root / ".build", ignore_errors=True)
        if handouts:
            shutil.rmtree(self.root / ".cache" / "handouts", ignore_errors=True)

    def edit_one_case(self, n: int) -> None:
        path = sorted((self.content / "cases").glob("*.yml"))[n]
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^title: .*$", f"title: 改过标题的案例（第{n}次修改）", text, count=1), encoding="utf-8")


class SampleProject(Project):
    """The repository's own sample content in a scratch project (for the preview's figures)."""

    def __init__(self, root: Path):
        self.root = root
        _scratch(root)
        self.content = root / "content"
        shutil.copytree(PROJECT / "content", self.content)
        self.counts, self.files = {}, 0


def _as_installed() -> dict[str, str]:
    """The environment of a build as an editor runs it: Python keeps the kit's compiled modules
    (__pycache__), as it does unless told not to. Some sandboxes and CI images set
    PYTHONDONTWRITEBYTECODE, and every build then compiles the kit's 90 modules again (0.1 s of a
    2 s rebuild), which no editor's machine does."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _scratch(root: Path) -> None:
    """A scratch project folder with the kit's configuration and templates. Its .cache starts as
    hard links to the cache of the scratch project made before it (photo renditions, share cards,
    QR codes, PDFs are keyed by content, and the corpora of different sizes have many photos and
    titles in common, so warming each size's cache redraws only what is new to it). Each project
    keeps its own: the memories in it (photo checks, validation) keep what their project's last
    build used, and two projects sharing one would undo each other's, as no editor's would."""
    root.mkdir(parents=True)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", root / "templates")
    earlier = sorted(
        (p / ".cache" for p in root.parent.iterdir() if (p / ".cache").is_dir()), key=lambda cache: cache.stat().st_mtime_ns
    )
    if earlier:  # files there are replaced by rename, never written into: links are safe
        shutil.copytree(earlier[-1], root / ".cache", copy_function=os.link)
    else:
        (root / ".cache").mkdir()


def plain_mkdocs(project: Project, settings: dict, target: Path) -> float:
    """`mkdocs build` of the kit's generated docs with the same configuration, in a fresh process."""
    import yaml

    from campaignkit.build.pipeline import FILE_FOLDERS
    from campaignkit.website import engine

    settings = dict(settings)
    # The same site: the kit links its photos, share cards and QR codes into the site beside MkDocs
    # (pipeline.FILE_FOLDERS); a plain MkDocs site has them in its docs folder and copies them.
    docs = project.root / "plain-docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(settings["docs_dir"], docs, copy_function=os.link)
    for folder in FILE_FOLDERS:
        shutil.copytree(project.root / "site" / folder, docs / folder, copy_function=os.link, dirs_exist_ok=True)
    settings["docs_dir"] = str(docs)
    # The kit's mkdocs.yml as it is (it holds Python tags, e.g. the headings' slugify), with what the
    # kit sets at build time on top: MkDocs' INHERIT merges mappings (extra.help) and replaces the rest.
    config = {"INHERIT": "mkdocs.yml", **settings, "site_dir": str(target)}
    config_file = project.root / "plain-mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    # Strict as the kit is: a warning fails the build. Not `-q`, which raises the log level above
    # WARNING, so that strict mode never sees a warning and the build exits 0 whatever it warned.
    proc = subprocess.run(
        [sys.executable, "-m", engine.PACKAGE, "build", "--strict", "-f", str(config_file)],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**_as_installed(), "SOURCE_DATE_EPOCH": "1782777600"},
    )
    if proc.returncode != 0 or re.search(r"(?m)^WARNING\s+-", proc.stderr):
        raise SystemExit(f"plain {engine.NAME} build failed (strict mode, as the kit's):\n{proc.stderr}")
    return time.perf_counter() - start


def serial_weasyprint(project: Project) -> tuple[float, int]:
    """Every document the kit's handout stage writes (public handouts and private paperwork, as
    `build.py` with PDFs plans them), rendered one after the other by WeasyPrint in one process,
    each once from its first HTML; returns (seconds, documents rendered)."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(PROJECT)!r})
from pathlib import Path
from campaignkit.build import pipeline
from campaignkit.handouts import kinds as handout_kinds
from campaignkit.handouts import pdf_render as handouts
root = Path({str(project.root)!r})
loaded = pipeline.load_and_validate(root / "content", False)
campaign, _ = pipeline.public_view(root, root / "content", loaded=loaded)
jobs = handouts.plan(campaign, root / "templates", root / ".cache" / "media", handout_kinds.private_view(*loaded))
from weasyprint import HTML
start = time.perf_counter()
for job in jobs:
    HTML(string=job.html, base_url=str(root / "templates" / "handouts")).write_pdf(**handouts.RENDER_OPTIONS)
print(json.dumps([time.perf_counter() - start, len(jobs)]))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project.root, env=_as_installed())
    if proc.returncode != 0:
        raise SystemExit(f"serial WeasyPrint failed:\n{proc.stderr}")
    seconds, count = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, count


def serve_rebuilds(project: Project, repeat: int) -> dict:
    """The `build.py serve` preview's rebuilds, in one long-running process as the server runs
    them (serve.rebuild_once): the first (cold), then with nothing changed, then after one edit."""
    code = f"""
import json, re, sys
sys.path.insert(0, {str(PROJECT)!r})
from pathlib import Path
from campaignkit.editing import preview_server as serve
root = Path({str(project.root)!r})
out = root / "preview" / "site"
def run():
    r = serve.rebuild_once(root, root / "content", out)
    assert r.ok, (r.problems, r.error)
    return r.seconds
cold = run()
noop = [run() for _ in range({repeat})]
edits = []
for n in range({repeat}):
    path = sorted((root / "content" / "cases").glob("*.yml"))[-1 - n]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: 预览里改的标题{{n}}", text, count=1), encoding="utf-8")
    edits.append(run())
print(json.dumps({{"cold": cold, "noop": noop, "edit": edits}}))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project.root, env=_as_installed())
    if proc.returncode != 0:
        raise SystemExit(f"serve rebuilds failed:\n{proc.stderr}")
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"cold": found["cold"], "noop": statistics.median(found["noop"]), "edit": statistics.median(found["edit"])}


def median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def stage_medians(runs: list[dict]) -> dict[str, float]:
    names = {n for r in runs for n in r["stages"]}
    return {n: statistics.median(r["stages"].get(n, 0.0) for r in runs) for n in names}


class SizeRuns:
    """One corpus size's project and its runs."""

    def __init__(self, cases: int, work: Path, seed: int):
        self.work = work
        self.project = Project(work / f"cases-{cases}", cases, seed)
        self.project.build("--no-pdf")  # warms the photo cache (resizing is measured on its own line)
        self.project.forget()
        self.cold, self.plain, self.noop, self.edits = [], [], [], []

    def round(self, n: int) -> None:
        """The cold build, plain MkDocs of the docs it generated, and the rebuilds, one after the
        other; the rebuilds after one that settles the state a clean build leaves (it has no spare
        tree yet: incremental.py), as in an editor's session of many rebuilds."""
        project = self.project
        project.forget()
        self.cold.append(project.build("--no-pdf"))
        self.plain.append(plain_mkdocs(project, self.cold[-1]["mkdocs"], self.work / "plain-site"))
        project.build("--no-pdf")
        self.noop.append(project.build("--no-pdf"))
        project.edit_one_case(n)
        self.edits.append(project.build("--no-pdf"))

    def result(self, repeat: int) -> dict:
        project, cold, noop, edits = self.project, self.cold, self.noop, self.edits
        try:
            from campaignkit.editing import preview_server as serve  # noqa: F401  (the preview, when this checkout has it)

            preview = serve_rebuilds(project, repeat)
        except ImportError:
            preview = None
        site = project.root / "site"
        case_pages = [p for p in (site / "cases").glob("*/index.html") if p.parent.name not in ("all", "status", "hazard")]
        result = {
            "cases": project.cases,
            "files": project.files,
            "counts": project.counts,
            "cold": median(cold),
            "cold_stages": stage_medians(cold),
            "plain_mkdocs": statistics.median(self.plain),
            "noop": median(noop),
            "edit": median(edits),
            "peak_mb": max(r["peak_mb"] for r in cold + noop + edits),
            "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
            "largest_case_page_kb": max(p.stat().st_size for p in case_pages) / 1024,
        }
        stages = result["cold_stages"]
        result["load_validate_ms_per_file"] = 1000 * stages.get("load+validate", 0.0) / project.files
        result["site_ratio"] = result["cold"] / result["plain_mkdocs"]
        result["noop_ratio"] = result["noop"] / result["cold"]
        result["edit_ratio"] = result["edit"] / result["cold"]
        if preview:
            result["serve"] = {
                **preview,
                "noop_ratio": preview["noop"] / preview["cold"],
                "edit_ratio": preview["edit"] / preview["cold"],
            }
        shutil.rmtree(project.root / "site", ignore_errors=True)
        shutil.rmtree(self.work / "plain-site", ignore_errors=True)
        return result


def measure_sizes(sizes: list[int], repeat: int, work: Path, seed: int) -> list[dict]:
    """Each run is one round of every size (SizeRuns.round), smallest first: a machine whose speed
    drifts during the benchmark (a shared VM's does, by a third) moves both sides of every ratio
    alike, the largest size's against the smallest's included."""
    runs = [SizeRuns(cases, work, seed) for cases in sizes]
    for n in range(repeat):
        for size in runs:
            size.round(n)
    return [size.result(repeat) for size in runs]


def measure_pdfs(cases: int, repeat: int, work: Path, seed: int, jobs: int) -> dict:
    project = Project(work / f"pdf-{cases}", cases, seed)
    project.build("--no-pdf")  # photo cache
    cold = []
    for _ in range(repeat):
        project.forget(handouts=True)
        cold.append(project.build("--jobs", str(jobs)))
    serial = [serial_weasyprint(project) for _ in range(repeat)]
    noop = [project.build("--jobs", str(jobs)) for _ in range(repeat)]
    sizes = sorted(p.stat().st_size for p in (project.root / "site" / "downloads").rglob("*.pdf"))
    written = len(sizes) + sum(1 for _ in (project.root / "private").rglob("*.pdf"))  # private/ beside site/
    kit_cold = statistics.median(r["stages"]["handouts"] for r in cold)
    kit_noop = statistics.median(r["stages"]["handouts"] for r in noop)
    floor = statistics.median(seconds for seconds, _count in serial)
    return {
        "cases": cases,
        "handouts": len(sizes),
        "documents": written,
        "floor_documents": serial[0][1],
        "jobs": jobs,
        "kit_cold": kit_cold,
        "serial_weasyprint": floor,
        "kit_noop": kit_noop,
        "cold_ratio": kit_cold / floor,
        "noop_ratio": kit_noop / floor,
        "median_handout_kb": statistics.median(sizes) / 1024 if sizes else 0.0,
        "peak_mb": max(r["peak_mb"] for r in cold + noop),
    }


def report(results: dict) -> str:
    sizes, pdf = results["sizes"], results["pdf"]
    lines = [f"machine: {results['machine']}", ""]

    def ok(good: bool) -> str:
        return "✓" if good else "✗"

    head = f"{'':<44}" + "".join(f"{str(s['cases']) + ' cases':>14}" for s in sizes)
    lines.append(head)

    def row(label, values, fmt="{:.2f}s"):
        lines.append(f"{label:<44}" + "".join(f"{fmt.format(v):>14}" for v in values))

    row("kit cold build, no PDFs (site stage)", [s["cold"] for s in sizes])
    for name in SITE_STAGES:
        row(f"  {name}", [s["cold_stages"].get(name, 0.0) for s in sizes])
    row("plain mkdocs build, same docs and config", [s["plain_mkdocs"] for s in sizes])
    row("site stage / plain MkDocs (≤ 1.15)", [s["site_ratio"] for s in sizes], "{:.2f}x")
    row("load+validate per file (≤ 0.5 ms)", [s["load_validate_ms_per_file"] for s in sizes], "{:.2f}ms")
    row("no-op rebuild", [s["noop"] for s in sizes])
    row("  / cold", [s["noop_ratio"] for s in sizes], "{:.2f}x")
    row("rebuild after editing one case", [s["edit"] for s in sizes])
    row("  / cold (≤ 0.2 at the largest size)", [s["edit_ratio"] for s in sizes], "{:.2f}x")
    if all("serve" in s for s in sizes):
        row("serve preview: first build (in process)", [s["serve"]["cold"] for s in sizes])
        row("  no-op rebuild / first", [s["serve"]["noop_ratio"] for s in sizes], "{:.2f}x")
        row("  rebuild after one edit / first", [s["serve"]["edit_ratio"] for s in sizes], "{:.2f}x")
        row("  rebuild after one edit (≤ 3 s at 1,000)", [s["serve"]["edit"] for s in sizes])
    row("peak memory (≤ 1024 MB)", [s["peak_mb"] for s in sizes], "{:.0f}MB")
    row("site size", [s["site_mb"] for s in sizes], "{:.1f}MB")
    row("largest case page (≤ 40 KB)", [s["largest_case_page_kb"] for s in sizes], "{:.1f}KB")
    lines.append("")
    growth = sizes[-1]["cold"] / sizes[0]["cold"] if len(sizes) > 1 else float("nan")
    if len(sizes) > 1:
        lines.append(
            f"cold build {sizes[-1]['cases']} / {sizes[0]['cases']} cases: {growth:.2f}x "
            f"(cases ratio {sizes[-1]['cases'] / sizes[0]['cases']:.1f}; ≤ 2.1 for 1,000 / 500)"
        )
        lines.append("")
    lines.append(
        f"handouts ({pdf['handouts']} published PDFs and {pdf['documents'] - pdf['handouts']} private "
        f"from {pdf['cases']} cases, {pdf['jobs']} workers):"
    )
    lines.append(f"  kit handout stage, empty cache        {pdf['kit_cold']:8.2f}s   {pdf['documents']} PDFs written")
    lines.append(
        f"  plain serial WeasyPrint, same HTML     {pdf['serial_weasyprint']:8.2f}s   "
        f"{pdf['floor_documents']} documents rendered, each once at fit 0"
    )
    lines.append(f"  ratio (≤ 0.6)                          {pdf['cold_ratio']:8.2f}x {ok(pdf['cold_ratio'] <= 0.6)}")
    lines.append(f"  kit handout stage, nothing changed     {pdf['kit_noop']:8.2f}s")
    lines.append(f"  ratio to serial WeasyPrint (≤ 0.02)    {pdf['noop_ratio']:8.3f}x {ok(pdf['noop_ratio'] <= 0.02)}")
    lines.append(f"  median handout size                    {pdf['median_handout_kb']:8.1f}KB")
    lines.append("")
    last = sizes[-1]
    checks = [
        ("site stage ≤ 1.15× plain MkDocs", all(s["site_ratio"] <= 1.15 for s in sizes)),
        ("load+validate ≤ 0.5 ms a file", all(s["load_validate_ms_per_file"] <= 0.5 for s in sizes)),
        (f"one-case rebuild ≤ 0.2× cold at {last['cases']} cases", last["edit_ratio"] <= 0.2),
        ("handout stage ≤ 0.6× serial WeasyPrint", pdf["cold_ratio"] <= 0.6),
        ("the floor renders as many documents as the kit writes", pdf["floor_documents"] == pdf["documents"]),
        ("no-op handout stage ≤ 0.02× serial WeasyPrint", pdf["noop_ratio"] <= 0.02),
        ("peak memory ≤ 1 GB", max(s["peak_mb"] for s in sizes) <= 1024),
        ("case page ≤ 40 KB", all(s["largest_case_page_kb"] <= 40 for s in sizes)),
    ]
    if len(sizes) > 1:
        checks.append(("largest / smallest size ≤ 2.1×", growth <= 2.1))
    preview = results["sample_serve"]
    lines.append(
        f"serve preview of the sample: first build {preview['cold']:.2f}s, no-op {preview['noop']:.2f}s, "
        f"after one edit {preview['edit']:.2f}s"
    )
    lines.append("")
    checks.append(("preview rebuild after one edit < 2 s on the sample", preview["edit"] < 2))
    if all("serve" in s for s in sizes) and last["cases"] >= 1000:
        checks.append((f"preview rebuild after one edit < 3 s at {last['cases']} cases", last["serve"]["edit"] < 3))
    lines += [f"{ok(good)} {label}" for label, good in checks]
    if not all("serve" in s for s in sizes):
        lines.append("serve preview: not measured (this checkout has no build.py serve)")
    lines.append(f"benchmark took {results['seconds'] / 60:.1f} min")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,1000", help="case counts, comma-separated (default 500,1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown (default 3)")
    parser.add_argument("--pdf-cases", type=int, default=50, help="cases of the corpus the handouts are measured on")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--save", help="also write the figures as JSON to this file")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="campaignkit-bench-") as tmp:
        work = Path(tmp)
        sizes = measure_sizes(sorted(int(x) for x in args.sizes.split(",")), args.repeat, work, args.seed)
        pdf = measure_pdfs(args.pdf_cases, args.repeat, work, args.seed, os.cpu_count() or 1)
        sample = SampleProject(work / "sample")
        sample.build("--no-pdf")  # photo cache, as on an editor's machine
        sample_serve = serve_rebuilds(sample, args.repeat)
    uname = os.uname()
    results = {
        "machine": f"{os.cpu_count()} CPUs, {uname.sysname} {uname.release}, Python {sys.version.split()[0]}, "
        f"load average at the end {os.getloadavg()[0]:.1f}",
        "sizes": sizes,
        "pdf": pdf,
        "sample_serve": sample_serve,
        "seconds": time.perf_counter() - start,
    }
    if args.save:
        Path(args.save).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2) if args.json else report(results))


if __name__ == "__main__":
    main()
