"""Charts drawn as inline SVG at build time: no chart library, no request, readable in grayscale.

Series differ by fill *and* pattern (solid vs hatched), and every bar carries its
number, so a black-and-white printout or a colour-blind reader loses nothing.
"""

from __future__ import annotations

from html import escape

# Chart text in SVG units: the charts are 360 units wide and shown at most at the phone's width
# (343 px at 375 px), so 14 units are at least 13 px, and at least 12 px down to a 320 px phone.
LABEL = 14
FONT = 'font-family="PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, sans-serif"'
_DEFS = (
    '<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="#2e7d32"/></pattern></defs>'
)


def grouped_bars(chart_id: str, title: str, labels: list[str], series: list[tuple[str, list[int]]], axis: str = "") -> str:
    """Vertical grouped bars (e.g. hazards found vs fixed per patrol round), 360 units wide."""
    width, height, left, bottom, top = 360, 220, 28, 40, 34
    top_value = max([max(v) for _, v in series if v] + [1])
    plot_h = height - bottom - top
    group_w = (width - left - 8) / max(len(labels), 1)
    bar_w = min(14, (group_w - 6) / max(len(series), 1))
    fills = ["#c62828", f"url(#{chart_id}-hatch)", "#555"]
    parts = [
        f'<svg class="ck-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t" {FONT}>',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        _DEFS.format(id=chart_id),
    ]
    for i, (name, _values) in enumerate(series):  # legend
        legend_x = left + i * 110
        parts.append(
            f'<rect x="{legend_x}" y="6" width="14" height="14" fill="{fills[i]}" stroke="#333" stroke-width=".6"/>'
            f'<text x="{legend_x + 19}" y="18" font-size="{LABEL}" fill="#222">{escape(name)}</text>'
        )
    base_y = height - bottom
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{width - 4}" y2="{base_y}" stroke="#333" stroke-width="1"/>')
    for g, label in enumerate(labels):
        gx = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, (_name, values) in enumerate(series):
            v = values[g]
            h = plot_h * v / top_value
            x = gx + s * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{fills[s]}" stroke="#333" stroke-width=".6"/>'
            )
            parts.append(
                f'<text x="{x + (bar_w - 1) / 2:.1f}" y="{base_y - h - 3:.1f}" font-size="{LABEL}" '
                f'text-anchor="middle" fill="#222">{v}</text>'
            )
        parts.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{base_y + 17}" font-size="{LABEL}" '
            f'text-anchor="middle" fill="#222">{escape(label)}</text>'
        )
    if axis:
        parts.append(
            f'<text x="{width / 2:.0f}" y="{height - 4}" font-size="{LABEL}" text-anchor="middle" fill="#222">{escape(axis)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(chart_id: str, title: str, rows: list[tuple[str, int]]) -> str:
    """One bar per category with its count written at the end (cases by status, by hazard)."""
    label_w, width, row_h = 110, 360, 30
    height = row_h * len(rows) + 8
    top_value = max([v for _, v in rows] + [1])
    parts = [
        f'<svg class="ck-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t" {FONT}>',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        w = (width - label_w - 40) * value / top_value
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 19}" font-size="{LABEL}" text-anchor="end" fill="#222">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="18" fill="#c62828" stroke="#333" stroke-width=".6"/>'
        )
        parts.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 19}" font-size="{LABEL}" fill="#222">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def patrol_chart(patrols) -> str:
    return grouped_bars(
        "patrols",
        "历轮巡查发现与整改隐患数",
        [str(p["round"]) for p in patrols],
        [("发现隐患", [p["hazards_found"] or 0 for p in patrols]), ("已整改", [p["rectified_on_spot"] or 0 for p in patrols])],
        axis="巡查轮次",
    )
