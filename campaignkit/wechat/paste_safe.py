"""An article's HTML rewritten into what the 公众号 editor keeps when it is pasted.

The 公众号 editor grew from UEditor; what its paste does is read from UEditor 1.4.3 (npm
`ueditor`, whose example ships it; tests/browser/test_wechat_paste.py pastes every article into
it) and from doocs/md's WeChat preparation (docs/wechat.md; the team's measured notes on the 公众号 editor):

- `div` becomes `p` (UEditor's `allowDivTransToP`): a box made of a `div` loses its border and
  background. Boxes are `section`s, which both keep with their inline style.
- every `li` loses its attributes and its text is wrapped in a `p`; the list gets the editor's
  own class and padding, and markers are lost or renumbered. Lists are written as paragraphs
  whose number or bullet is text.
- links cannot be clicked in a post (external `<a>` are dropped): each link becomes its text
  and a numbered reference listed at the end, one number per distinct source.
- a table as wide as the phone squeezes Chinese text into a column of single characters: it is
  wrapped in a `section` that scrolls sideways (doocs/md does the same), and never narrower
  than a readable width per column.

Classes here only select rules of article.css; articles.py inlines them and drops the classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

# Elements that carry no text of their own and may be left empty.
_VOID = {"img", "br", "hr"}
_BLOCKS = {"p", "section", "blockquote", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "div", "pre", "figure"}
COLUMN_EM = 7  # the narrowest a table column may become before the table scrolls sideways


@dataclass(frozen=True)
class Reference:
    number: int
    title: str
    url: str


def prepare(fragment: str, page_url: str) -> tuple[str, list[Reference]]:
    """`fragment` rewritten for the editor, and the references its links became."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="section")
    references = _references(root, page_url)
    for div in root.iter("div"):
        div.tag = "section"  # admonitions and any other box
    for outer in [e for e in root.iter("ol", "ul") if not _inside_list(e)]:
        _list_as_text(outer, 0)
    for table in list(root.iter("table")):
        _scrolling(table)
    html = lxml.html.tostring(root, encoding="unicode")
    return html[len("<section>") : -len("</section>")], references


def _references(root, page_url: str) -> list[Reference]:
    """Each link → its text and a [n] mark. A source is its URL, or its URL and title when the
    template names the title (`title=""`: two laws on the same database's home page are two
    sources)."""
    numbers: dict[tuple[str, str], Reference] = {}
    for a in list(root.iter("a")):
        url = urljoin(page_url, (a.get("href") or "").strip())
        named = (a.get("title") or "").strip()
        title = named or " ".join(a.text_content().split())
        key = (url, named)
        if key not in numbers:
            numbers[key] = Reference(len(numbers) + 1, title or url, url)
        mark = etree.SubElement(a, "sup")
        mark.text = f"[{numbers[key].number}]"
        a.drop_tag()
    return list(numbers.values())


def _inside_list(element) -> bool:
    return any(parent.tag in ("ol", "ul") for parent in element.iterancestors())


def _list_as_text(lst, depth: int) -> None:
    """An ol/ul → a section of paragraphs, each starting with its number or bullet as text."""
    ordered = lst.tag == "ol"
    start = int(lst.get("start") or 1) if ordered and (lst.get("start") or "").isdigit() else 1
    items = [li for li in lst if isinstance(li.tag, str) and li.tag == "li"]
    wide = ordered and start + len(items) - 1 >= 10
    box = lxml.html.Element("section", {"class": "wx-list wx-list-wide" if wide else "wx-list"})
    for n, li in enumerate(items, start):
        blocks = _item_blocks(li, depth)
        first = blocks[0]  # a p.wx-li: the number or bullet goes in front of its text
        mark = lxml.html.Element("span", {"class": "wx-li-mark"})
        mark.text = f"{n}." if ordered else ("•" if depth == 0 else "◦")
        mark.tail, first.text = first.text, None
        first.insert(0, mark)
        box.extend(blocks)
    box.tail = lst.tail
    lst.getparent().replace(lst, box)


def _item_blocks(li, depth: int) -> list:
    """An li's content as paragraphs (class wx-li / wx-li-more) and nested lists (sections)."""
    blocks, current = [], None

    def paragraph(css: str):
        p = lxml.html.Element("p", {"class": css})
        blocks.append(p)
        return p

    if (li.text or "").strip():
        current = paragraph("wx-li")
        current.text = li.text
    for child in list(li):
        tail = child.tail
        child.tail = None
        if child.tag in ("ol", "ul"):
            holder = lxml.html.Element("section")
            holder.append(child)
            _list_as_text(child, depth + 1)
            nested = holder[0]
            nested.tail = None
            blocks.append(nested)
            current = None
        elif child.tag in _BLOCKS:
            if child.tag == "p":
                current = paragraph("wx-li" if not blocks else "wx-li-more")
                current.text = child.text
                for c in list(child):
                    current.append(c)
            else:
                blocks.append(child)
            current = None
        else:
            if current is None:
                current = paragraph("wx-li" if not blocks else "wx-li-more")
            current.append(child)
        if (tail or "").strip():
            if current is None:
                current = paragraph("wx-li-more")
                current.text = tail
            else:
                _append_text(current, tail)
    if not blocks or blocks[0].get("class") != "wx-li":  # a nested list or a table first
        blocks.insert(0, lxml.html.Element("p", {"class": "wx-li"}))
    return blocks


def _append_text(element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _scrolling(table) -> None:
    """A table in a section that scrolls sideways, at least COLUMN_EM per column."""
    columns = max((len(row.findall("th")) + len(row.findall("td")) for row in table.iter("tr")), default=1)
    box = lxml.html.Element("section", {"class": "wx-table-scroll"})
    table.getparent().replace(table, box)
    box.tail, table.tail = table.tail, None
    box.append(table)
    if columns >= 3:
        style = table.get("style")
        table.set("style", (style + ";" if style else "") + f"min-width: {columns * COLUMN_EM}em")
