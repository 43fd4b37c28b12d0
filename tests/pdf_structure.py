"""Our own PDF/UA-1 structural checks (pikepdf), for the rules that matter to these handouts and
that the `pdfua` package (16 of the 106 machine-checkable rules) does not check or skips:

- language: the catalog's /Lang is set (PDF/UA-1 7.2, Matterhorn 11-006)
- headings: the first is H1 and none goes more than one level deeper than the one before it
  (7.4.2, 14-003; pdfua 0.1.3 raises on its own heading rule and reports it skipped)
- figures: every Figure has a non-empty /Alt (7.3, 13-004)
- tables: every Table has header cells (TH) and every TH a /Scope (7.5, 15-003)
- reading order: `reading_text` gives the text in structure-tree order (what a screen reader
  reads), so a test can check that a two-column layout (before/after photos, 应该/禁止, a case
  sheet's actions beside "记住这一条") reads column by column (7.2, 09-001)
- artifacts: every thin rule drawn (crop marks, running header and footer rules) is an artifact,
  not content (7.1, 01-005), and every marked-content sequence is in the tree or an artifact

Each check returns a list of findings (empty: the rule holds).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pikepdf

HEADINGS = {f"/H{n}": n for n in range(1, 7)}


def _kids(elem) -> list:
    k = elem.get("/K")
    if k is None:
        return []
    if isinstance(k, pikepdf.Array):
        return list(k)
    return [k]


def walk(elem, depth=0):
    """Structure elements in document (tree) order."""
    for kid in _kids(elem):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from walk(kid, depth + 1)


def marked_content_order(pdf: pikepdf.Pdf) -> list[tuple[int, int]]:
    """(page index, MCID) of every marked-content reference, in structure tree order."""
    page_index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    out = []

    def visit(elem, page):
        page = elem.get("/Pg", page)
        for kid in _kids(elem):
            if isinstance(kid, int):
                out.append((page_index.get(page.objgen, -1) if page is not None else -1, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary):
                if kid.get("/Type") == "/MCR":
                    pg = kid.get("/Pg", page)
                    out.append((page_index.get(pg.objgen, -1) if pg is not None else -1, int(kid.MCID)))
                elif "/S" in kid:
                    visit(kid, page)

    visit(pdf.Root.StructTreeRoot, None)
    return out


def check(path: Path) -> list[str]:
    findings: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if not str(root.get("/Lang", "")).strip():
            findings.append("catalog has no /Lang")
        if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked")):
            findings.append("catalog /MarkInfo /Marked is not true")
        tree = root.StructTreeRoot
        elements = list(walk(tree))
        # headings
        levels = [HEADINGS[str(e.S)] for e in elements if str(e.S) in HEADINGS]
        if levels and levels[0] != 1:
            findings.append(f"first heading is H{levels[0]}, not H1")
        for before, after in itertools.pairwise(levels):
            if after > before + 1:
                findings.append(f"heading H{before} followed by H{after} (skips a level)")
        # figures and tables
        for e in elements:
            if str(e.S) == "/Figure" and not str(e.get("/Alt", "")).strip():
                findings.append("Figure without /Alt")
            if str(e.S) == "/Table":
                cells = [x for x in walk(e) if str(x.S) == "/TH"]
                if not cells:
                    findings.append("Table without header cells (TH)")
            if str(e.S) == "/TH" and str(e.get("/A", {}).get("/Scope", "")) not in ("/Column", "/Row", "/Both"):
                findings.append("TH without /Scope")
        order = marked_content_order(pdf)
        tagged = {(p, m) for p, m in order}
        # artifacts: thin rules (crop marks, header and footer rules) and untagged content
        for n, page in enumerate(pdf.pages):
            stack: list[str] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    tag = str(operands[0])
                    if tag != "/Artifact" and op == "BDC" and "/MCID" in operands[1]:
                        if (n, int(operands[1].MCID)) not in tagged:
                            findings.append(f"page {n + 1}: MCID {int(operands[1].MCID)} is not in the structure tree")
                    stack.append(tag)
                elif op == "EMC" and stack:
                    stack.pop()
                elif op == "re" and stack and "/Artifact" not in stack:
                    w, h = (abs(float(x)) for x in operands[2:4])
                    if (w < 1.5 < h) or (h < 1.5 < w):
                        findings.append(f"page {n + 1}: a thin rule ({w:.1f}×{h:.1f}) is drawn as content, not an artifact")
    return findings


def reading_text(path: Path) -> str:
    """The document's text in structure-tree order (marked content mapped to text with pypdf)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    by_mcid: dict[tuple[int, int], list[str]] = {}
    for n, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op, args, _cm, _tm, stack=stack):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else {}
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, _cm, _tm, _font, _size, n=n, stack=stack):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and t.strip():
                by_mcid.setdefault((n, int(mcid)), []).append(t)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    with pikepdf.open(path) as pdf:
        order = marked_content_order(pdf)
    return "".join("".join(by_mcid.get(key, [])) for key in order).replace("\n", "").replace(" ", "")
