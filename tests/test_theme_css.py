"""Material's stylesheets cut to what the site uses (campaignkit/website/theme_css.py, issue 12): nothing a
page or one of Material's scripts can show loses its rule, and the cut stylesheet is what every
page links, under a name that changes with its content."""

from __future__ import annotations

import os
import re
import shutil
from importlib import resources
from pathlib import Path

import cssselect2
import tinycss2
import tinyhtml5
from hypothesis import given, settings
from hypothesis import strategies as st
from tinycss2 import ast

from campaignkit.website import theme_css

MATERIAL = resources.files("material") / "templates" / "assets"
IMMUTABLE = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")  # docs/发布指南.md: cached for a year


def vocab(pages: str = "", scripts: str = "") -> theme_css.Vocabulary:
    page_words = frozenset(theme_css._WORD.findall(pages))
    words = page_words | frozenset(theme_css._WORD.findall(scripts))
    return theme_css.Vocabulary(words, page_words, tuple(theme_css.RUNTIME_PREFIX.findall(scripts)))


def cut(css: str, v: theme_css.Vocabulary, *others: str) -> str:
    return theme_css.purge({"x": css}, v, others)["x"]


def test_a_rule_stays_when_its_names_occur_and_goes_when_one_does_not():
    css = ".a .b{color:red}.a .c{color:blue}.d,.a>p{margin:0}#top .a{padding:0}ul li.e{x:y}"
    out = cut(css, vocab('<div class="a b"><p id="top">'))
    assert out == ".a .b{color:red}.a>p{margin:0}#top .a{padding:0}"


def test_states_and_pseudo_classes_require_nothing_more():
    css = ".a:hover{x:1}.a::before{x:2}.a:not(.gone){x:3}:is(.gone) .a{x:4}.a:nth-child(2){x:5}.gone:hover{x:6}"
    assert (
        cut(css, vocab('<i class="a">')) == ".a:hover{x:1}.a::before{x:2}.a:not(.gone){x:3}:is(.gone) .a{x:4}.a:nth-child(2){x:5}"
    )


def test_classes_only_a_script_creates_are_kept_and_composed_ones_by_their_prefix():
    bundle = 'e.classList.toggle("md-header--shadow",s);h("li",{class:`md-tag--${t}`});x="md-fact--"+n'
    css = ".md-header--shadow{a:1}.md-tag--note{b:2}.md-fact--stars{c:3}.md-never{d:4}"
    assert cut(css, vocab("<header>", bundle)) == ".md-header--shadow{a:1}.md-tag--note{b:2}.md-fact--stars{c:3}"


def test_attribute_values_must_be_in_the_pages_not_only_in_a_script():
    css = "[dir=rtl] .a{x:1}[data-md-color-accent=deep-orange]{--c:red}.a{color:var(--c)}[hidden]{display:none}"
    out = cut(css, vocab('<body data-md-color-accent="deep-orange" hidden><i class="a">', 'e.dir==="rtl"'))
    assert out == "[data-md-color-accent=deep-orange]{--c:red}.a{color:var(--c)}[hidden]{display:none}"


def test_media_groups_are_cut_inside_and_dropped_when_empty():
    css = "@media screen{.a{x:1}.gone{x:2}}@media print{.gone{x:3}}@keyframes spin{0%{x:0}to{x:1}}"
    assert cut(css, vocab('<i class="a">')) == "@media screen{.a{x:1}}@keyframes spin{0%{x:0}to{x:1}}"


def test_custom_properties_nothing_reads_are_dropped_across_stylesheets():
    css = ":root{--used:1px;--chain:var(--deep);--deep:2px;--unread:url(x.svg);--by-script:3}.a{margin:var(--used)}"
    out = cut(css, vocab('<i class="a">', 'getPropertyValue("--by-script")'), ".kit{padding:var(--chain)}")
    assert out == ":root{--used:1px;--chain:var(--deep);--deep:2px;--by-script:3}.a{margin:var(--used)}"


def test_the_stylesheet_is_cut_again_only_when_a_word_it_names_comes_or_goes():
    """An editor's new word ("USB", "A栋") must not cost a new cut (a second at 1,000 cases); a word
    the stylesheet names must, and two vocabularies with one key must give one cut."""
    with resources.as_file(MATERIAL / "stylesheets" / "main.57a0d79d.min.css") as source:
        css = source.read_text(encoding="utf-8")
    sheets = [("assets/stylesheets/main.57a0d79d.min.css", css)]
    base = '<body dir="ltr"><div class="md-grid md-typeset"><a class="md-nav__link">x</a>'

    names = theme_css.asked_names(theme_css.parse({"x": css}).values(), [css])
    sheets_key = theme_css.sheets_key(sheets, [])

    def key(pages: str, scripts: str = "") -> str:
        return theme_css.cut_key(vocab(pages, scripts), sheets_key, names)

    assert key(base + "USB 充电器 A栋 XYZ123") == key(base)  # words the stylesheet never names
    assert key(base + '<i class="md-typeset__table">') != key(base)  # a class it has a rule for
    assert key(base, "md-header--shadow") != key(base)  # a class only a script adds
    assert key(base + ' dir="rtl"') != key(base, "rtl")  # [dir=rtl] needs the value in a page
    variants = [base, base + "USB A栋", base + '<i class="md-typeset__table">', base + "<table><kbd>"]
    cuts = {}
    for pages in variants:
        cuts.setdefault(key(pages), set()).add(cut(css, vocab(pages)))
    assert len(cuts) == 3 and all(len(found) == 1 for found in cuts.values())


def small_site(tmp_path: Path, body: str) -> Path:
    """A site with Material's real stylesheets and bundle, and one page."""
    site = tmp_path / "site"
    for rel in (
        "stylesheets/main.57a0d79d.min.css",
        "stylesheets/main.57a0d79d.min.css.map",
        "stylesheets/palette.fb2fffe2.min.css",
        "javascripts/bundle.a5f9d56c.min.js",
    ):
        (site / "assets" / rel).parent.mkdir(parents=True, exist_ok=True)
        with resources.as_file(MATERIAL / rel) as source:
            shutil.copyfile(source, site / "assets" / rel)
    (site / "index.html").write_text(
        '<!doctype html><html lang="zh"><head><link rel="stylesheet" href="assets/stylesheets/main.57a0d79d.min.css">'
        '<link rel="stylesheet" href="/sub/assets/stylesheets/palette.fb2fffe2.min.css"></head>'
        f'<body dir="ltr" data-md-color-accent="deep-orange">{body}<a class="md-top md-icon" hidden>top</a>'
        '<script src="assets/javascripts/bundle.a5f9d56c.min.js"></script></body></html>',
        encoding="utf-8",
    )
    return site


def test_material_stylesheet_keeps_the_runtime_classes_and_gets_a_content_name(tmp_path):
    site = small_site(tmp_path, '<div class="md-typeset"><p>x</p><table><tr><td>1</td></tr></table></div>')
    renamed = theme_css.purge_site(site)
    main = site / renamed["assets/stylesheets/main.57a0d79d.min.css"]
    assert IMMUTABLE.search(main.name) and main.name != "main.57a0d79d.min.css"
    assert not list(site.glob("assets/stylesheets/*.map")) and not (site / "assets/stylesheets/main.57a0d79d.min.css").exists()
    html = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="assets/stylesheets/{main.name}"' in html
    assert f'href="/sub/{renamed["assets/stylesheets/palette.fb2fffe2.min.css"]}"' in html  # absolute links too
    shipped = main.read_text(encoding="utf-8")
    original = (MATERIAL / "stylesheets/main.57a0d79d.min.css").read_text(encoding="utf-8")
    assert len(shipped) < len(original) * 0.6
    # made by Material's bundle at run time: search results, the header's shadow, table wrappers
    for rule in (".md-search-result__item{", ".md-header--shadow{", ".md-typeset__scrollwrap{", ".md-top[hidden]{"):
        assert rule in shipped, rule
    assert "[dir=rtl]" in original and "[dir=rtl]" not in shipped
    accent = (site / renamed["assets/stylesheets/palette.fb2fffe2.min.css"]).read_text(encoding="utf-8")
    assert "[data-md-color-accent=deep-orange]{--md-accent-fg-color:#ff6e42" in accent
    assert "indigo" not in accent


def test_the_cut_is_the_same_every_time(tmp_path):
    a = theme_css.purge_site(small_site(tmp_path / "a", '<div class="md-typeset"></div>'))
    b = theme_css.purge_site(small_site(tmp_path / "b", '<div class="md-typeset"></div>'))
    assert a == b


def _next_tree(published: Path, target: Path, page: str | None = None, body: str = "") -> Path:
    """What an incremental build hands the CSS cut: the published pages as hard links, Material's
    stylesheets as MkDocs copies them, and (optionally) one page MkDocs wrote again."""
    fresh = small_site(target.parent / "material", body or "<p>x</p>")
    shutil.copytree(published, target, copy_function=os.link)
    for css in (target / "assets" / "stylesheets").glob("*.css"):
        css.unlink()  # the cut of the last build: written after MkDocs, so never in the new tree
    shutil.copytree(fresh / "assets" / "stylesheets", target / "assets" / "stylesheets", dirs_exist_ok=True)
    if page:
        (target / page).unlink()
        shutil.copyfile(fresh / "index.html", target / page)
    return target


def test_a_remembered_cut_equals_a_fresh_one_and_every_page_links_it(tmp_path):
    """With what the last build read kept (incremental builds), the result is a fresh cut's:
    same stylesheets, and every page, also one not written again, links them."""
    memory = tmp_path / "css.cache"
    first = small_site(tmp_path / "a", '<div class="md-typeset"></div>')
    shutil.copyfile(first / "index.html", first / "other.html")
    theme_css.purge_site(first, memory)
    # Nothing new: the cut and the names are the last build's, unchanged pages are not read.
    second = _next_tree(first, tmp_path / "b" / "site")
    assert theme_css.purge_site(second, memory) == theme_css.purge_site(_next_tree(first, tmp_path / "c" / "site"))
    # One page written again with an admonition: the cut changes, and the page not written again links it too.
    third = _next_tree(
        second,
        tmp_path / "d" / "site",
        "index.html",
        '<div class="md-typeset"><div class="admonition note"><p class="admonition-title">注意</p></div></div>',
    )
    fresh = _next_tree(
        second,
        tmp_path / "e" / "site",
        "index.html",
        '<div class="md-typeset"><div class="admonition note"><p class="admonition-title">注意</p></div></div>',
    )
    renamed = theme_css.purge_site(third, memory)
    assert renamed == theme_css.purge_site(fresh)
    assert renamed != theme_css.purge_site(_next_tree(first, tmp_path / "f" / "site"))
    main = renamed["assets/stylesheets/main.57a0d79d.min.css"].rsplit("/", 1)[1]
    for page in ("index.html", "other.html"):
        assert main in (third / page).read_text(encoding="utf-8"), page
    assert {p.name: p.read_bytes() for p in third.rglob("*") if p.is_file()} == {
        p.name: p.read_bytes() for p in fresh.rglob("*") if p.is_file()
    }


# --------------------------------------------------------------------------- the sample site


def static_form(tokens: list) -> str:
    """A selector without its pseudo-classes and pseudo-elements (:hover, ::before, :not(…)): what
    an element must be to be styled by it in some state. `a>:first-child` becomes `a>*`."""
    out: list = []
    for n, t in enumerate(tokens):
        if t.type == "literal" and t.value == ":":
            continue
        if n and tokens[n - 1].type == "literal" and tokens[n - 1].value == ":" and t.type in ("ident", "function"):
            last = next((x for x in reversed(out)), None)
            if last is None or last.type == "whitespace" or (last.type == "literal" and last.value in ">+~"):
                out.append(ast.LiteralToken(t.source_line, t.source_column, "*"))
            continue
        out.append(t)
    return tinycss2.serialize(out).strip()


def test_every_rule_a_sample_page_uses_is_shipped(sample_site):
    """Each selector of Material's original stylesheets that styles an element of a built page
    (in any state) is in the stylesheet the page links."""
    shipped_names = {p.name for p in (sample_site / "assets/stylesheets").glob("*.css")}
    assert shipped_names and all(IMMUTABLE.search(n) for n in shipped_names), shipped_names
    shipped = set()
    for path in (sample_site / "assets/stylesheets").glob("*.css"):
        for rule in tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True):
            shipped.update(_selectors(rule))
    matcher = cssselect2.Matcher()
    for name in ("main.57a0d79d.min.css", "palette.fb2fffe2.min.css"):
        css = (MATERIAL / "stylesheets" / name).read_text(encoding="utf-8")
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            for text, tokens in _selectors(rule, with_tokens=True):
                try:
                    for compiled in cssselect2.compile_selector_list(tinycss2.parse_component_value_list(static_form(tokens))):
                        matcher.add_selector(compiled, text)
                except cssselect2.SelectorError:
                    pass
    missing: dict[tuple, str] = {}
    pages = sorted(sample_site.glob("**/index.html")) + [sample_site / "404.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"stylesheets/(main|palette)\.(57a0d79d|fb2fffe2)\.min\.css", html), page
        for element in cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html)).iter_subtree():
            for *_, text in matcher.match(element):
                if text not in shipped:
                    missing.setdefault(text, str(page.relative_to(sample_site)))
    assert not missing, [(selector, page) for (selector, _), page in list(missing.items())[:20]]


def _selectors(rule, with_tokens: bool = False):
    """(selector, what the rule declares besides custom properties) for each selector of a rule,
    so that a rule lost beside another with the same selector is noticed (custom properties are
    left out: the cut drops those nothing reads, tested above)."""
    if rule.type == "qualified-rule":
        declarations = ";".join(
            f"{d.name}:{tinycss2.serialize(d.value).strip()}"
            for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
            if d.type == "declaration" and not d.name.startswith("--")
        )
        if not declarations:
            return
        for tokens in theme_css._split(rule.prelude):
            key = (tinycss2.serialize(tokens).strip(), declarations)
            yield (key, tokens) if with_tokens else key
    elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in theme_css._GROUPS:
        for inner in tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True):
            yield from _selectors(inner, with_tokens)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(alphabet="ab1_- -<>\"'{}.:é中\n", max_size=200).map(str.encode))
def test_a_files_words_are_the_words_the_pattern_finds_in_the_whole_file(data):
    """`_words` runs the word pattern on each distinct run of word bytes, not on the file: the
    same words as the pattern on the whole file, hyphen prefixes and leading digits included."""
    path = Path("page.html")
    found, _composed = theme_css._words(path, data)
    assert found == frozenset(theme_css._WORD_BYTES.findall(data))
