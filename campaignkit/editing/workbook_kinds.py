"""The committee's workbooks, declared: which content kind each holds and which fields it carries.

Kept apart from sheets.py (which writes and reads them with openpyxl) so that the command line
can name them without loading openpyxl: every build.py run starts 70 ms sooner.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaignkit.content.kinds import KINDS


@dataclass(frozen=True)
class Book:
    """One of the committee's workbooks: the content kind it holds and the fields it carries."""

    title: str
    kind: str
    fields: tuple[str, ...]
    id_example: str  # an id of this book's own kind, shown in the 编号 column's note and messages
    photos: bool = False  # a photo pair (before/after) as two columns each: file name and description

    @property
    def sheet(self) -> str:
        return KINDS[self.kind].name

    @property
    def schema(self) -> dict:
        return KINDS[self.kind].schema


BOOKS = {
    b.title: b
    for b in (
        Book("花名册", "enterprises", ("name", "industry", "employees", "model", "recognized_on", "honor"), "hengshun-wuliu"),
        Book(
            "巡查记录",
            "patrols",
            (
                "round",
                "date",
                "end_date",
                "team",
                "enterprises_checked",
                "hazards_found",
                "rectified_on_spot",
                "referred",
                "cases",  # the round's cases, by title, one a line
                "note",
            ),
            "round-11",
        ),
        Book(
            "隐患台账",
            "cases",
            (
                "title",
                "found_on",
                "place",
                "enterprise",
                "anonymous",
                "hazard",
                "risk",
                "status",
                "rectified_on",
                "summary",
                "description",
                "actions",
                "patrol",
                "tags",
            ),
            "2024-03-cangku-feixian",
            photos=True,
        ),
    )
}
