"""A handout's <style> parsed once per worker, not once per PDF.

Every handout carries the kit's whole stylesheet (handout.css, ~26 KB) in its one <style>
element, and WeasyPrint parses it for every document it lays out: tinycss2 tokenising,
declaration validation and selector compiling were ~30 % of a case sheet's CPU time. The
<style> text is the same for every handout of a kind (the kind's label and template styles,
the committee's name), so while `reused()` is active (the kit's renders, handouts._render)
WeasyPrint's stylesheet for a <style> text it has parsed before is the one it made then:
the same selector matcher and the same @page rules, handed to the new document the way
parsing would have handed them (appended to the document's own list of page rules).

Only what parsing hands the document through that list is replayed, so a stylesheet that
touches any other shared state is parsed every time: @font-face (the document's font
configuration), @counter-style, @layer, @color-profile, @import; so is one whose parse
logged a warning (the kit refuses a handout WeasyPrint warned about, and a reused sheet
would not warn again). The finished PDFs are byte for byte the ones WeasyPrint's own
parsing gives (tests/test_print.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
from collections import OrderedDict
from contextlib import contextmanager
from functools import lru_cache

from campaignkit.common import replacements

_ACTIVE = contextvars.ContextVar("reused_stylesheets", default=False)
_NOT_REPLAYED = re.compile(r"@(font-face|counter-style|layer|color-profile|import)\b", re.IGNORECASE)
_KEPT = 64  # stylesheets kept per process (the kit has one per handout kind; the preview runs for hours)
_parsed: OrderedDict[tuple, tuple] = OrderedDict()  # (text, base URL, media) → (matcher, page rules, base URL)


_CSS = replacements.declare("weasyprint", "weasyprint.css.CSS", "a <style> text parsed once per worker")


@contextmanager
def reused():
    """In this thread, until the block ends: a <style> text WeasyPrint has parsed is not parsed again.
    (weasyprint.css.CSS is the kit's while any such block runs, and WeasyPrint's own again after.)"""
    import weasyprint.css

    token = _ACTIVE.set(True)
    try:
        with replacements.replaced(_CSS, weasyprint.css, "CSS", _stylesheet()):
            yield
    finally:
        _ACTIVE.reset(token)


class _Warned(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


@lru_cache(maxsize=1)
def _stylesheet():
    """What replaces weasyprint.css.CSS, which WeasyPrint's find_stylesheets calls (WeasyPrint 70)."""
    from weasyprint import CSS

    def stylesheet(*args, string=None, base_url=None, media_type="print", page_rules=None, layers=None, **kwargs):
        """weasyprint.css's CSS(...) for <style> elements (find_stylesheets), remembered by text."""

        def parse():
            return CSS(
                *args, string=string, base_url=base_url, media_type=media_type, page_rules=page_rules, layers=layers, **kwargs
            )

        if not _ACTIVE.get() or args or string is None or page_rules is None or layers is None or _NOT_REPLAYED.search(string):
            return parse()
        key = (string, base_url, media_type)
        known = _parsed.get(key)
        if known is None:
            first, warned = len(page_rules), _Warned()
            logger = logging.getLogger("weasyprint")
            logger.addHandler(warned)
            try:
                sheet = parse()
            finally:
                logger.removeHandler(warned)
            if not warned.seen and not layers:
                _parsed[key] = (sheet.matcher, page_rules[first:], sheet.base_url)
                while len(_parsed) > _KEPT:
                    _parsed.popitem(last=False)
            return sheet
        _parsed.move_to_end(key)
        matcher, rules, base = known
        page_rules.extend(rules)
        sheet = object.__new__(CSS)  # what CSS.__init__ leaves behind, without parsing again
        sheet.base_url, sheet.matcher, sheet.page_rules, sheet.layers = base, matcher, page_rules, layers
        return sheet

    return stylesheet
