"""Compact CJK font subsets in a finished PDF.

WeasyPrint 70 subsets with HarfBuzz's "retain glyph IDs" flag, so an embedded
Noto CJK subset keeps every slot up to the highest glyph used (~63,000 of them,
almost all empty) plus one horizontal and one vertical metric per slot: a lesson
handout carried ~380 KiB of font of which ~275 KiB was padding.

Noto CJK is a CID-keyed CFF font (ROS Adobe-Identity-0) and WeasyPrint embeds it
as a CIDFontType0 with Identity-H, so the codes in the page content are CIDs, and
a CIDFontType0 reader looks a CID up through the CFF charset, not by glyph
position. That lets the subset drop the empty slots (fontTools, retain_gids off:
the charset keeps each glyph's CID) without touching a single content stream.
The bare CFF table is embedded as FontFile3/CIDFontType0C, the form Adobe's own
tools write for CID fonts: the OpenType wrapper's hmtx/vmtx add nothing, since
PDF widths come from /W. The glyphs kept are the CIDs listed in /W (WeasyPrint
writes a width for every glyph it drew).
"""
from __future__ import annotations

import io
import logging

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont

# fontTools logs each table it prunes at INFO; WeasyPrint-style warnings are what we collect.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def used_cids(widths: pikepdf.Array) -> set[int]:
    """The CIDs a /W array gives widths for: `c [w1 w2 …]` and `c_first c_last w` forms."""
    items, out, i = list(widths), set(), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            out.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            out.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return out


def _compact_cff(otf: bytes, cids: set[int]) -> bytes:
    font = TTFont(io.BytesIO(otf), lazy=True)
    options = subset.Options(retain_gids=False, notdef_outline=True, name_IDs=[], layout_features=[],
                             ignore_missing_glyphs=True, desubroutinize=True, hinting=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=[".notdef"] + [f"cid{cid:05d}" for cid in sorted(cids)])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return TTFont(io.BytesIO(out.getvalue())).getTableData("CFF ")


def compact_fonts(pdf: pikepdf.Pdf) -> int:
    """Replace every CID-keyed OpenType/CFF subset by a compact bare CFF; returns how many."""
    done = 0
    for font in pdf.objects:
        if not (isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font"
                and font.get("/Subtype") == "/Type0"):
            continue
        cid_font = font.DescendantFonts[0]
        descriptor = cid_font.get("/FontDescriptor")
        stream = descriptor.get("/FontFile3") if descriptor is not None else None
        if (cid_font.get("/Subtype") != "/CIDFontType0" or stream is None
                or stream.get("/Subtype") != "/OpenType" or "/W" not in cid_font):
            continue
        data = stream.read_bytes()
        probe = TTFont(io.BytesIO(data), lazy=True)
        if "CFF " not in probe or not hasattr(probe["CFF "].cff.topDictIndex[0], "ROS"):
            continue  # only CID-keyed CFF looks glyphs up by CID; anything else keeps WeasyPrint's subset
        descriptor.FontFile3 = pdf.make_stream(_compact_cff(data, used_cids(cid_font.W)),
                                               Subtype=pikepdf.Name.CIDFontType0C)
        if "/CIDToGIDMap" in cid_font:  # meaningless for CIDFontType0 (only TrueType CID fonts use it)
            del cid_font["/CIDToGIDMap"]
        done += 1
    return done
