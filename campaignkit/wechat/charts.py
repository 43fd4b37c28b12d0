"""The site's charts as PNG images, for the 公众号 articles.

The site draws its charts as inline SVG (render/svg_charts.py), with patterns referenced by
`url(#…)`: the 公众号 editor drops SVG ids, `<defs>` and `url(#…)`, so an article shows the
same chart as a picture. The picture is the very SVG the site shows, drawn by WeasyPrint (which
renders SVG patterns) into a one-page PDF and rasterised by pdfium (pypdfium2): both already
make the handouts, so no new library and no second drawing of the same data.

Each PNG is named by a digest of its SVG, cached in .cache/charts/ and published in the site
under FOLDER (pipeline.FILE_FOLDERS), so the article's image is at the site's own address and
`build.py wechat` uploads it like a photo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from campaignkit.common import fstree
from campaignkit.render import svg_charts

FOLDER = "assets/charts"
SCALE = 2  # pixels per SVG unit: sharp on a phone's 2x screen (720 × 440 for the patrol chart)


@dataclass(frozen=True)
class Chart:
    name: str
    svg: str
    title: str
    alt: str
    width: int  # SVG units (CSS pixels)
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.svg.encode()).hexdigest()[:16]

    @property
    def path(self) -> str:
        """Where the site publishes it."""
        return f"{FOLDER}/{self.name}-{self.digest}.png"


def report_charts(campaign) -> list[Chart]:
    """The charts the campaign report shows: found vs fixed per patrol round (as on the home page)."""
    patrols = campaign.patrols
    if not patrols:
        return []
    rows = "；".join(
        f"第 {p['round']} 轮发现 {p['hazards_found'] or 0} 处、整改 {p['rectified_on_spot'] or 0} 处" for p in patrols
    )
    title = "历轮巡查发现与整改隐患数"
    return [Chart("patrols", svg_charts.patrol_chart(patrols), title, f"{title}：{rows}", 360, 220)]


def render_png(chart: Chart) -> bytes:
    import io

    import pypdfium2
    import weasyprint

    page = (
        f"<style>@page {{ size: {chart.width}px {chart.height}px; margin: 0 }} body {{ margin: 0; background: #fff }}"
        f" svg {{ display: block; width: {chart.width}px; height: {chart.height}px }}</style>{chart.svg}"
    )
    pdf = pypdfium2.PdfDocument(weasyprint.HTML(string=page).write_pdf())
    try:
        image = pdf[0].render(scale=SCALE * 96 / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def run(b) -> None:
    """The pipeline's output: each chart drawn once per content (cached by digest), linked into the site."""
    for chart in report_charts(b.campaign):
        cached = Path(b.cache) / "charts" / f"{chart.digest}.png"
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            fstree.replace_file(cached, render_png(chart))
        b.files.link(chart.path, cached)
