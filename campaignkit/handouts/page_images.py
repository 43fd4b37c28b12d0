"""Handouts as page images, for readers whose browser will not open a PDF (WeChat's own).

Each published PDF is rasterised with PDFium (pypdfium2) into one JPEG per page, 720 px
wide (sharp on a 2x phone screen at 360 px), and shown on the handout's web page as a strip
the reader swipes through. Rendering is cached by the PDF's SHA-256: PDFs are byte-identical
for the same content, so an unchanged handout is never rendered again, and the image names
(hash + page number) are the same on every rebuild.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from campaignkit.common.code_version import code_digest

WIDTH = 720
QUALITY = 72


@dataclass(frozen=True)
class PageImage:
    url: str  # site-relative
    width: int
    height: int


def page_images(handouts, docs_dir: Path, cache_dir: Path) -> dict[str, list[PageImage]]:
    """Render (or take from the cache) every page of every handout; images are copied next to
    the PDFs (downloads/…/x.pdf → downloads/…/x-pages/<hash>-<n>.jpg). Returns them by PDF path."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[PageImage]] = {}
    for h in handouts:
        pdf = docs_dir / h.path
        if not pdf.is_file():
            continue  # the preview renders a PDF only when its link is opened: no page images yet
        # Keyed (and named) by the PDF and the code that draws its pages: images of older code are not reused.
        digest = hashlib.sha256(pdf.read_bytes() + _drawing_code().encode()).hexdigest()[:20]
        cached = _render(pdf, cache_dir / digest)
        folder = h.path[: -len(".pdf")] + "-pages"
        (docs_dir / folder).mkdir(parents=True, exist_ok=True)
        images = []
        for n, (source, width, height) in enumerate(cached, 1):
            url = f"{folder}/{digest[:12]}-{n}.jpg"
            shutil.copyfile(source, docs_dir / url)
            images.append(PageImage(url, width, height))
        out[h.path] = images
    return out


@cache
def _drawing_code() -> str:
    return code_digest(_render, WIDTH, QUALITY)


def _render(pdf: Path, folder: Path) -> list[tuple[Path, int, int]]:
    """The pages of one PDF as JPEGs in `folder` (kept between builds); (file, width, height) each."""
    index = folder / "pages.txt"
    if index.is_file():
        listed = [line.split() for line in index.read_text().splitlines() if line.strip()]
        found = [(folder / name, int(w), int(h)) for name, w, h in listed]
        if all(path.is_file() for path, _, _ in found):
            return found
    import pypdfium2 as pdfium  # only when something must be rendered

    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    rows: list[tuple[str, int, int]] = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(len(document)):
            page = document[n]
            scale = WIDTH / page.get_width()
            image = page.render(scale=scale).to_pil().convert("RGB")
            name = f"{n + 1}.jpg"
            image.save(tmp / name, "JPEG", quality=QUALITY, optimize=True, progressive=True)
            rows.append((name, image.width, image.height))
            page.close()
    finally:
        document.close()
    (tmp / "pages.txt").write_text("".join(f"{name} {w} {h}\n" for name, w, h in rows))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return [(folder / name, w, h) for name, w, h in rows]
