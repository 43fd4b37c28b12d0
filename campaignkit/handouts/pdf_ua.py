"""PDF/UA-1 finishing: what WeasyPrint's `pdf_variant="pdf/ua-1"` leaves to the document.

WeasyPrint 70 writes the structure tree, /Lang, /MarkInfo, DisplayDocTitle and the XMP
identification (pdfuaid:part, dc:title). It leaves four things that ISO 14289-1 asks for:

- running headers and footers (margin boxes) are marked content whose structure
  elements hang from no parent (WeasyPrint: "could be included as Artifact, but that's
  only allowed in PDF 2.0"). Here their marked content becomes `/Artifact` with
  `/Type /Pagination` (7.1-3: content is either real content or an artifact), and their
  parent-tree entries are cleared;
- table header cells carry no /Scope (7.5): a TH under THead gets `/Scope /Column`,
  any other TH (a label at the start of a row) `/Scope /Row`;
- link annotations have no /Contents (7.18.5): each gets the address it opens;
- pages with annotations must say `/Tabs /S` (7.18.3): every page gets it.

Alternative text for the QR figure comes from the template (an SVG <title>).
"""

from __future__ import annotations

import re
from typing import Any

import pikepdf

PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def _reachable(root: Any) -> set[tuple[int, int]]:
    """Object ids of every structure element reachable from the StructTreeRoot."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR" and kid.get("/Type") != "/MCR":
                if kid.is_indirect and kid.objgen in seen:
                    continue
                if kid.is_indirect:
                    seen.add(kid.objgen)
                stack.append(kid)
    return seen


def _parent_tree(root: Any) -> dict[int, pikepdf.Object]:
    nums = root.ParentTree.get("/Nums", pikepdf.Array())
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def artifact_orphans(pdf: pikepdf.Pdf) -> int:
    """Mark content tagged under no reachable structure element as a pagination artifact."""
    root = pdf.Root.StructTreeRoot
    reachable = _reachable(root)
    tree = _parent_tree(root)
    changed = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in tree:
            continue
        entries = tree[int(key)]
        orphans = {
            mcid for mcid, elem in enumerate(entries) if isinstance(elem, pikepdf.Dictionary) and elem.objgen not in reachable
        }
        if not orphans:
            continue
        changed += _retag(pdf, page, orphans)
        for mcid in orphans:
            entries[mcid] = pikepdf.Object.parse(b"null")
    return changed


# How pydyf (WeasyPrint's PDF writer) opens marked content with an MCID: `/Span\n<</MCID 3>>\nBDC`.
# Text is written as hex strings, so these bytes occur nowhere else in a page's content.
_MARKED = re.compile(rb"/[A-Za-z0-9_.-]+\n<</MCID (\d+)>>\nBDC")
_ARTIFACT = b"/Artifact\n<</Type /Pagination>>\nBDC"


def _retag(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> int:
    """Make the marked content `orphans` (MCIDs) on `page` pagination artifacts; returns how many.

    The page's one content stream is rewritten in its own bytes (parsing it into operators and
    writing them back took most of the finishing time of a table-heavy sheet); content laid out
    any other way than pydyf's goes through pikepdf's parser."""
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        found = 0

        def swap(match: re.Match) -> bytes:
            nonlocal found
            if int(match.group(1)) not in orphans:
                return match.group(0)
            found += 1
            return _ARTIFACT

        data = _MARKED.sub(swap, contents.read_bytes())
        if found == len(orphans):
            contents.write(data)
            return found
    ops, found = [], 0
    instruction: Any
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction
        if (
            str(operator) == "BDC"
            and len(operands) == 2
            and isinstance(operands[1], pikepdf.Dictionary)
            and int(operands[1].get("/MCID", -1)) in orphans
        ):
            ops.append(([pikepdf.Name.Artifact, PAGINATION], pikepdf.Operator("BDC")))
            found += 1
        else:
            ops.append((operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    return found


def scope_headers(pdf: pikepdf.Pdf) -> int:
    done = 0
    for elem in _elements(pdf):
        if elem.get("/S") != "/TH":
            continue
        row = elem.get("/P")
        section = row.get("/P") if row is not None else None
        scope = "/Column" if section is not None and section.get("/S") == "/THead" else "/Row"
        attrs = elem.get("/A")
        if not isinstance(attrs, pikepdf.Dictionary):
            attrs = pikepdf.Dictionary(O=pikepdf.Name.Table)
            elem.A = attrs
        attrs.Scope = pikepdf.Name(scope)
        done += 1
    return done


def describe_links(pdf: pikepdf.Pdf) -> int:
    done = 0
    for page in pdf.pages:
        page.obj.Tabs = pikepdf.Name.S
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and "/Contents" not in annot:
                action = annot.get("/A")
                target = str(action.get("/URI")) if action is not None and "/URI" in action else "本文件内的位置"
                annot.Contents = pikepdf.String(f"链接：{target}")
                done += 1
    return done


def _elements(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem":
            yield obj


def finish(pdf: pikepdf.Pdf) -> None:
    """Everything above, in place."""
    if "/StructTreeRoot" not in pdf.Root:
        return
    artifact_orphans(pdf)
    scope_headers(pdf)
    describe_links(pdf)
