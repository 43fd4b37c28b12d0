"""Compact CJK font subsets in a finished PDF.

WeasyPrint 70 subsets with HarfBuzz's "retain glyph IDs" flag, so an embedded
Noto CJK subset keeps every slot up to the highest glyph used (~63,000 of them,
almost all empty) plus one horizontal and one vertical metric per slot: a lesson
handout carried ~380 KiB of font of which ~275 KiB was padding.

Noto CJK is a CID-keyed CFF font (ROS Adobe-Identity-0) and WeasyPrint embeds it
as a CIDFontType0 with Identity-H, so the codes in the page content are CIDs, and
a CIDFontType0 reader looks a CID up through the CFF charset, not by glyph
position. That lets the subset drop the empty slots (retain-gids off: the
charset keeps each glyph's CID) without touching a single content stream.
The bare CFF table is embedded as FontFile3/CIDFontType0C, the form Adobe's own
tools write for CID fonts: the OpenType wrapper's hmtx/vmtx add nothing, since
PDF widths come from /W. The glyphs kept are the CIDs listed in /W (WeasyPrint
writes a width for every glyph it drew), looked up in the subset's charset.

The subsetting is HarfBuzz's (libharfbuzz-subset, which WeasyPrint needs anyway;
called here through ctypes, since WeasyPrint's bindings declare no way to open a
font from bytes): about a millisecond a font, where fontTools took a quarter of a
second and was more than half of the handout stage's CPU time. HarfBuzz's CFF
subsetter writes each kept glyph's original CID into the new charset. It is given
only the CFF, head and maxp tables: with the cmap it would also keep the variant
glyphs of every character drawn (Unicode variation sequences), which no page uses.
"""

from __future__ import annotations

import bisect
import contextvars
import ctypes
import ctypes.util
import struct
import sys
from array import array
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from campaignkit.common import replacements

if TYPE_CHECKING:  # imported where PDFs are finished: pikepdf is a fifth of a site-only build's start
    import pikepdf

_CFF = b"CFF "
_KEEP_TABLES = (_CFF, b"head", b"maxp")  # all HarfBuzz needs to subset the CFF (glyph count, units)
# hb-subset.h: HB_SUBSET_FLAGS_NO_HINTING, _DESUBROUTINIZE, _PASSTHROUGH_UNRECOGNIZED, _NOTDEF_OUTLINE
# (a missing glyph still draws its box); HB_SUBSET_SETS_DROP_TABLE_TAG
_NO_HINTING, _DESUBROUTINIZE, _PASSTHROUGH, _NOTDEF_OUTLINE = 0x1, 0x4, 0x20, 0x40
_DROP_TABLE_TAG = 3
_ROS = 12 << 8 | 30  # Top DICT operators: ROS (CID-keyed font), charset, CharStrings
_CHARSET, _CHARSTRINGS = 15, 17


def used_cids(widths: pikepdf.Array) -> set[int]:
    """The CIDs a /W array gives widths for: `c [w1 w2 …]` and `c_first c_last w` forms."""
    import pikepdf

    items, out, i = list(widths), set[int](), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            out.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            out.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return out


# ---- the few bytes of OpenType and CFF read here ------------------------------------------------


def _tables(otf: bytes) -> dict[bytes, bytes]:
    """An OpenType font's tables by tag (the table directory: tag, checksum, offset, length)."""
    if otf[:4] != b"OTTO":
        return {}
    count = struct.unpack_from(">H", otf, 4)[0]
    out = {}
    for n in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", otf, 12 + 16 * n)
        out[tag] = otf[offset : offset + length]
    return out


def _sfnt(tables: dict[bytes, bytes]) -> bytes:
    """An OpenType font made of `tables` (checksums left 0: HarfBuzz does not read them)."""
    tags = sorted(tables)
    offset = 12 + 16 * len(tags)
    directory, body = [], []
    for tag in tags:
        data = tables[tag]
        directory.append(struct.pack(">4sIII", tag, 0, offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    return struct.pack(">4sHHHH", b"OTTO", len(tags), 0, 0, 0) + b"".join(directory) + b"".join(body)


def _index(data: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    """A CFF INDEX at `pos`: the (start, end) of each entry, and where the INDEX ends."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    offsets = [int.from_bytes(data[pos + 3 + i * size : pos + 3 + (i + 1) * size], "big") for i in range(count + 1)]
    base = pos + 2 + (count + 1) * size
    return [(base + offsets[i], base + offsets[i + 1]) for i in range(count)], base + offsets[-1]


def _dict(data: bytes, start: int, end: int) -> dict[int, list[float]]:
    """A CFF DICT: operator (escaped ones as 12 << 8 | b1) → operands."""
    out: dict[int, list[float]] = {}
    operands: list[float] = []
    pos = start
    while pos < end:
        b0 = data[pos]
        if b0 <= 21:
            op = b0
            pos += 1
            if b0 == 12:
                op, pos = 12 << 8 | data[pos], pos + 1
            out[op], operands = operands, []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, pos + 1)[0])
            pos += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, pos + 1)[0])
            pos += 5
        elif b0 == 30:  # a real number: nibbles up to 0xf; only integers are used here
            pos += 1
            while data[pos] & 0x0F != 0x0F and data[pos] >> 4 != 0x0F:
                pos += 1
            operands.append(0)
            pos += 1
        elif b0 <= 246:
            operands.append(b0 - 139)
            pos += 1
        elif b0 <= 250:
            operands.append((b0 - 247) * 256 + data[pos + 1] + 108)
            pos += 2
        elif b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[pos + 1] - 108)
            pos += 2
        else:
            raise ValueError("reserved byte in a CFF DICT")
    return out


def _cid_keyed_top(cff: bytes) -> dict[int, list[float]] | None:
    """The Top DICT of a CID-keyed CFF (it starts with ROS and names its charset); else None.
    It sits in the table's first bytes (header, font name, Top DICT)."""
    _names, pos = _index(cff, cff[2])
    top, _pos = _index(cff, pos)
    if not top:
        return None
    entries = _dict(cff, *top[0])
    if _ROS not in entries or _CHARSET not in entries or _CHARSTRINGS not in entries:
        return None
    return entries


def _glyphs_of_cids(cff: bytes, cids: set[int]) -> list[int] | None:
    """The glyph ids of `cids` in a CID-keyed CFF (by its charset: glyph → CID), sorted; None for a
    font that is not CID-keyed. A charset maps ~63,000 glyphs, mostly in runs: it is read as runs
    (CID, glyph, length) and each CID looked up, never as a table of every glyph."""
    entries = _cid_keyed_top(cff)
    if entries is None:
        return None
    glyphs = struct.unpack_from(">H", cff, int(entries[_CHARSTRINGS][0]))[0]
    pos = int(entries[_CHARSET][0])
    if pos <= 2:  # the predefined charsets are for name-keyed fonts
        return None
    form, pos = cff[pos], pos + 1
    runs: list[tuple[int, int, int]] = []  # (first CID, its glyph, glyphs in the run)
    if form == 0:  # one CID per glyph from glyph 1 on
        table = array("H", cff[pos : pos + 2 * (glyphs - 1)])
        if sys.byteorder == "little":
            table.byteswap()
        return sorted(_lookup_in_table(table, cids))
    if form not in (1, 2):
        return None
    gid, layout = 1, ">HB" if form == 1 else ">HH"
    step = struct.calcsize(layout)
    while gid < glyphs:
        first, left = struct.unpack_from(layout, cff, pos)
        runs.append((first, gid, left + 1))
        pos += step
        gid += left + 1
    runs.sort()
    starts = [run[0] for run in runs]
    out = []
    for cid in cids:
        i = bisect.bisect_right(starts, cid) - 1
        if i >= 0 and cid < runs[i][0] + runs[i][2]:
            out.append(runs[i][1] + cid - runs[i][0])
    return sorted(out)


def _lookup_in_table(table: array, cids: set[int]):
    """Glyph ids of `cids` in a format-0 charset (table[gid - 1] is glyph gid's CID): each where
    its own number says (an identity charset), else by a search of the whole table."""
    inverse = None
    for cid in cids:
        if 0 < cid <= len(table) and table[cid - 1] == cid:
            yield cid
            continue
        if inverse is None:
            inverse = {c: g for g, c in enumerate(table, start=1)}
        if cid in inverse:
            yield inverse[cid]


# ---- HarfBuzz -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _harfbuzz() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    """libharfbuzz and libharfbuzz-subset with the prototypes used here."""

    def load(name: str) -> ctypes.CDLL:
        for soname in (f"lib{name}.so.0", f"lib{name}.0.dylib"):  # by name: find_library runs ldconfig, gcc…
            try:
                return ctypes.CDLL(soname)
            except OSError:
                pass
        return ctypes.CDLL(ctypes.util.find_library(name) or f"lib{name}.so.0")

    hb, sub = load("harfbuzz"), load("harfbuzz-subset")
    p, uint = ctypes.c_void_p, ctypes.c_uint
    for lib, name, restype, argtypes in (
        (hb, "hb_blob_create", p, [ctypes.c_char_p, uint, ctypes.c_int, p, p]),
        (hb, "hb_face_create", p, [p, uint]),
        (hb, "hb_face_reference_table", p, [p, ctypes.c_uint32]),
        (hb, "hb_blob_get_data", ctypes.c_void_p, [p, ctypes.POINTER(uint)]),
        (hb, "hb_blob_destroy", None, [p]),
        (hb, "hb_face_destroy", None, [p]),
        (hb, "hb_face_reference_blob", p, [p]),
        (hb, "hb_blob_get_length", uint, [p]),
        (hb, "hb_set_add", None, [p, ctypes.c_uint32]),
        (hb, "hb_version_string", ctypes.c_char_p, []),
        (sub, "hb_subset_input_create_or_fail", p, []),
        (sub, "hb_subset_input_destroy", None, [p]),
        (sub, "hb_subset_input_glyph_set", p, [p]),
        (sub, "hb_subset_input_set_flags", None, [p, uint]),
        (sub, "hb_subset_input_set", p, [p, ctypes.c_int]),
        (sub, "hb_subset_or_fail", p, [p, p]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return hb, sub


def harfbuzz_version() -> str:
    """For the handout cache key: another HarfBuzz may write other bytes."""
    return _harfbuzz()[0].hb_version_string().decode()


def _subset(face: int, glyphs: list[int], flags: int, table: bytes | None, drop: tuple[bytes, ...] = ()) -> bytes | None:
    """HarfBuzz's subset of `face` (an hb_face_t pointer) to `glyphs` (glyph ids; .notdef always
    kept): the bytes of its `table`, or of the whole font when `table` is None; None on failure."""
    hb, sub = _harfbuzz()
    request = sub.hb_subset_input_create_or_fail()
    subset = blob = None
    try:
        if not request:
            return None
        wanted = sub.hb_subset_input_glyph_set(request)
        for gid in [0, *glyphs]:
            hb.hb_set_add(wanted, gid)
        dropped = sub.hb_subset_input_set(request, _DROP_TABLE_TAG)
        for tag in drop:
            hb.hb_set_add(dropped, int.from_bytes(tag, "big"))
        sub.hb_subset_input_set_flags(request, flags)
        subset = sub.hb_subset_or_fail(face, request)
        if not subset:
            return None
        blob = (
            hb.hb_face_reference_blob(subset)
            if table is None
            else hb.hb_face_reference_table(subset, int.from_bytes(table, "big"))
        )
        return _blob_bytes(blob)
    finally:
        if blob:
            hb.hb_blob_destroy(blob)
        if subset:
            hb.hb_face_destroy(subset)
        if request:
            sub.hb_subset_input_destroy(request)


def _blob_bytes(blob: int, limit: int | None = None) -> bytes | None:
    """A HarfBuzz blob's bytes (its first `limit` of them), or None when it is empty."""
    hb = _harfbuzz()[0]
    length = ctypes.c_uint()
    data = hb.hb_blob_get_data(blob, ctypes.byref(length))
    if not data or not length.value:
        return None
    return ctypes.string_at(data, length.value if limit is None else min(limit, length.value))


def _subset_cff(otf: bytes, glyphs: list[int]) -> bytes | None:
    """The CFF table of `otf` cut to `glyphs` (glyph ids; .notdef always kept), or None."""
    hb = _harfbuzz()[0]
    blob = hb.hb_blob_create(otf, len(otf), 1, None, None)  # HB_MEMORY_MODE_READONLY: `otf` outlives it
    face = hb.hb_face_create(blob, 0)
    try:
        return _subset(face, glyphs, _NOTDEF_OUTLINE, _CFF)
    finally:
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _compact_cff(otf: bytes, cids: set[int]) -> bytes | None:
    """A compact bare CFF holding `cids` of a CID-keyed OpenType/CFF font; None for any other font."""
    tables = _tables(otf)
    if not all(tag in tables for tag in _KEEP_TABLES):
        return None
    glyphs = _glyphs_of_cids(tables[_CFF], cids)
    if glyphs is None:
        return None  # only CID-keyed CFF looks glyphs up by CID
    return _subset_cff(_sfnt({tag: tables[tag] for tag in _KEEP_TABLES}), glyphs)


def compact_fonts(pdf: pikepdf.Pdf) -> int:
    """Replace every CID-keyed OpenType/CFF subset by a compact bare CFF; returns how many."""
    import pikepdf

    done = 0
    for font in pdf.objects:
        if not (isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font" and font.get("/Subtype") == "/Type0"):
            continue
        cid_font = font.DescendantFonts[0]
        descriptor: Any = cid_font.get("/FontDescriptor")
        stream = descriptor.get("/FontFile3") if descriptor is not None else None
        if (
            cid_font.get("/Subtype") != "/CIDFontType0"
            or stream is None
            or stream.get("/Subtype") != "/OpenType"
            or "/W" not in cid_font
        ):
            continue
        compact = _compact_cff(stream.read_bytes(), used_cids(cid_font.W))  # type: ignore[arg-type]  # checked: "/W" in cid_font
        if compact is None:
            continue  # anything else keeps WeasyPrint's subset
        descriptor.FontFile3 = pdf.make_stream(compact, Subtype=pikepdf.Name.CIDFontType0C)
        if "/CIDToGIDMap" in cid_font:  # meaningless for CIDFontType0 (only TrueType CID fonts use it)
            del cid_font["/CIDToGIDMap"]
        done += 1
    return done


# ---- WeasyPrint's own subset, in one pass ------------------------------------------------------
#
# WeasyPrint subsets each font twice with HarfBuzz, keeping glyph ids, so its subset carries the
# ~63,000 empty slots that compact_fonts then removes: ~45 ms a font, plus compressing the padded
# ~800 KB font into the PDF and inflating it again here (about a fifth of a case sheet's CPU). A
# CID-keyed CFF needs no kept glyph ids (see the top), so while `one_pass_subsets()` is active
# (the kit's renders) WeasyPrint's subset of such a font is made in one pass without them, with
# WeasyPrint's own flags and dropped tables. compact_fonts turns it into the very bytes it makes
# from WeasyPrint's usual subset (tests/test_print.py), so the PDFs written stay byte for byte the
# same; a font WeasyPrint embeds any other way keeps WeasyPrint's own subset.

_ONE_PASS = contextvars.ContextVar("one_pass_subsets", default=False)
# WeasyPrint 70's _harfbuzz_subset drops these tables (weasyprint/pdf/fonts.py)
_WEASYPRINT_DROPS = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@contextmanager
def one_pass_subsets():
    """In this thread, until the block ends: WeasyPrint subsets CID-keyed CFF fonts in one pass.
    Only for PDFs that compact_fonts finishes (WeasyPrint's raw output would show wrong glyphs
    in readers that ignore a CID font's charset)."""
    from weasyprint.pdf.fonts import Font

    token = _ONE_PASS.set(True)
    try:
        with replacements.replaced(_FONT_SUBSET, Font, "subset", _one_pass_subset()):
            yield
    finally:
        _ONE_PASS.reset(token)


_FONT_SUBSET = replacements.declare(
    "weasyprint", "weasyprint.pdf.fonts.Font.subset", "a CID-keyed CFF font subset in one pass, without kept glyph ids"
)


@lru_cache(maxsize=1)
def _one_pass_subset():
    """What replaces WeasyPrint 70's Font.subset while one_pass_subsets() is active."""
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.ffi import ffi

    weasyprint_subset = Font.subset

    def subset(font, to_unicode, hinting):
        if _ONE_PASS.get() and to_unicode and "CFF " in font.tables and "fvar" not in font.tables:
            face = int(ffi.cast("uintptr_t", font.hb_face))
            if _face_is_cid_keyed(face):
                flags = (
                    _PASSTHROUGH | _DESUBROUTINIZE | (0 if hinting else _NO_HINTING) | (_NOTDEF_OUTLINE if font.missing else 0)
                )
                made = _subset(face, sorted(to_unicode), flags, None, _WEASYPRINT_DROPS)
                if made is not None:
                    font.file_content = made
                    return
        weasyprint_subset(font, to_unicode, hinting)

    return subset


def _face_is_cid_keyed(face: int) -> bool:
    hb = _harfbuzz()[0]
    blob = hb.hb_face_reference_table(face, int.from_bytes(_CFF, "big"))
    try:
        head = _blob_bytes(blob, 64 * 1024)  # the Top DICT is within the first few hundred bytes
        return head is not None and _cid_keyed_top(head) is not None
    except (IndexError, struct.error, ValueError):
        return False
    finally:
        hb.hb_blob_destroy(blob)
