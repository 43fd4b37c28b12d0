"""What lecturers get: the first page of one handout of each kind the site offers (as listed on
资料下载), rasterised with pdftoppm into test-artifacts/handouts/ beside the phone screenshots, so
a person can look at both. Each preview must have ink on it (a blank or unreadable PDF fails)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from .support import artifacts_dir

KIND = re.compile(
    r'<h2 id="[^"]*">([^<]+)</h2>\s*<div class="ck-downloads">\s*(?:<div class="ck-handout">\s*)?<a class="ck-download" href="([^"]+\.pdf)"'
)


def handout_kinds(site: Path) -> list[tuple[str, Path]]:
    """(kind label, first PDF of that kind) for each section of the downloads page."""
    page = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    return [(html.unescape(label), site / "downloads" / href) for label, href in KIND.findall(page)]


def first_page_png(pdf: Path, target: Path) -> Path:
    """Rasterise page 1 of `pdf` to target (a .png) at 60 dpi: enough to judge a layout."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is missing: run scripts/setup.sh --dev (poppler-utils)")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target.with_suffix(""))],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return target


def ink(png: Path) -> float:
    """Share of pixels that are not near-white."""
    with Image.open(png) as im:
        grey = im.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:200]) / (grey.width * grey.height)


def test_first_page_of_each_handout_kind_is_rasterised(sample_site):
    kinds = handout_kinds(sample_site)
    assert kinds, "the downloads page lists no handout"
    out = artifacts_dir() / "handouts"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    labels = []
    for n, (label, pdf) in enumerate(kinds, 1):
        assert pdf.is_file(), (label, pdf)
        png = first_page_png(pdf, out / f"{n:02d}-{pdf.stem}.png")
        assert ink(png) > 0.005, f"{label}: the first page of {pdf.name} is blank"
        labels.append(f"{png.name}\t{label}\t{pdf.relative_to(sample_site)}")
    (out / "kinds.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
