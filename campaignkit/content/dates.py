"""Dates as Chinese public pages write them. Declarations (the kinds' descriptions) and every
output use the same function, so it lives with the content, below rendering."""

import datetime as dt


def cn_date(value: str | None) -> str:
    """2023-12-08 → 2023年12月8日, as dates are written on Chinese public pages."""
    if not value:
        return ""
    d = dt.date.fromisoformat(value)
    return f"{d.year}年{d.month}月{d.day}日"
