"""公众号 articles and the campaign report, read as an editor pasting them would read them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLE_CONTENT
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from campaignkit.wechat.articles import ARTICLE_RULES

BASE = "https://aqcd.example.cn/"


def _yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _content(kind: str) -> dict[str, dict]:
    return {p.stem: _yaml(p) for p in sorted((SAMPLE_CONTENT / kind).glob("*.yml"))}


@pytest.fixture(scope="module")
def articles(sample_site) -> dict[str, str]:
    folder = sample_site.parent / "wechat"
    return {
        p.relative_to(folder).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.html"))
        if p != folder / "index.html"
    }


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


@pytest.mark.slow
def test_an_article_for_every_case_model_enterprise_person_event_and_lesson(articles):
    expected = {"report"}
    expected |= {f"cases/{i}" for i in _content("cases")}
    expected |= {f"enterprises/{i}" for i, e in _content("enterprises").items() if e.get("model")}
    expected |= {f"people/{i}" for i, p in _content("people").items() if p.get("consent") and not p.get("draft")}
    expected |= {f"events/{i}" for i in _content("events")}
    expected |= {f"lessons/{i}" for i in _content("lessons")}
    assert set(articles) == expected


@pytest.mark.slow
def test_the_articles_and_export_page_are_not_part_of_the_public_site(sample_site):
    assert (sample_site.parent / "wechat" / "index.html").is_file()
    assert not list(sample_site.rglob("report.html")) and not (sample_site / "wechat").exists()
    for page in sample_site.rglob("*.html"):
        assert "公众号文章导出" not in page.read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_articles_keep_their_look_when_pasted(articles):
    for key, html in articles.items():
        assert "<style" not in html and "class=" not in html and "<script" not in html, key
        assert "<a " not in html, key  # links are not clickable in posts: numbered references instead
        for attr, url in re.findall(r'\s(src|href|srcset)="([^"]*)"', html):
            assert attr == "src" and url.startswith(BASE), (key, attr, url)
        for img in re.findall(r"<img\b[^>]*>", html):
            assert re.search(
                r'src="https://aqcd\.example\.cn/(media/[0-9a-f]{16}-\d+\.jpg|assets/charts/patrols-[0-9a-f]{16}\.png)"', img
            ), (key, img)
            assert re.search(r'alt="[^"]+"', img) and 'style="' in img, (key, img)
        assert 'style="' in html
        assert ARTICLE_RULES.findings(html, BASE) == []


def test_article_rules_catch_what_the_editor_would_drop():
    bad = (
        '<p class="x">a</p><style>p{}</style><img src="media/a.jpg"><img src="http://aqcd.example.cn/a.jpg">'
        '<a href="https://other.example/">x</a><p onclick="f()">b</p><script>x()</script>'
        '<div style="background-color: #eee">box</div><ol><li>one</li></ol><p style="background: url(#hatch)">c</p>'
    )
    found = " ".join(ARTICLE_RULES.findings(bad, BASE))
    for what in (
        "class=",
        "<style>",
        "<script>",
        "media/a.jpg",
        "http://aqcd.example.cn/a.jpg",
        "https://other.example/",
        "on…=",
        "<div>",
        "<ol>",
        "<li>",
        "<a>",
        "url(…)",
    ):
        assert what in found, what
    # text that only looks like code (escaped, or inside an attribute) is not code
    assert (
        ARTICLE_RULES.findings('<p>&lt;script&gt; onclick=x</p><img src="https://aqcd.example.cn/a.jpg" alt="<script>">', BASE)
        == []
    )
    assert ARTICLE_RULES.findings(f'<p style="color:red">a</p><img src="{BASE}media/a.jpg" style="width:100%">', BASE) == []


@pytest.mark.slow
def test_every_article_ends_with_the_credits_and_its_address_goes_to_the_original_link_field(articles, sample_site):
    site = _yaml(SAMPLE_CONTENT / "site.yml")
    credits = site["credits"]
    manifest = {
        a["key"]: a for a in json.loads((sample_site.parent / "wechat" / "articles.json").read_text(encoding="utf-8"))["articles"]
    }
    assert set(manifest) == set(articles)
    for key, html in articles.items():
        text = _text(html)
        assert "阅读原文" not in text, key  # plain text in a post: the page's address goes to 原文链接
        url = BASE if key == "report" else f"{BASE}{key}/"
        assert manifest[key]["page_url"] == url
        assert (
            text.index(f"供稿：{credits['contributor']}")
            < text.index(f"审核、编辑：{credits['reviewer']}")
            < text.index(f"发布：{credits['publisher']}")
        ), key
    export = (sample_site.parent / "wechat" / "index.html").read_text(encoding="utf-8")
    assert export.count("<b>原文链接</b>") == len(articles) and f'data-copy-text="{BASE}cases/hengshun-cangku-feixian/"' in export


@pytest.mark.slow
def test_links_become_titled_references_one_number_per_source(articles):
    lesson = _content("lessons")["qiye-zeren"]
    cited = [r for r in lesson.get("references", []) if r.get("url")]
    assert len({r["url"] for r in cited}) < len(cited), "the sample cites two laws on the same database's home page"
    text = _text(articles["lessons/qiye-zeren"])
    refs = text[text.index("参考资料") :]
    for n, r in enumerate(cited, 1):
        assert f"[{n}] {r['title']}：{r['url']}" in refs
        assert f"{r['title']}[{n}]" in text[text.index("依据与参考") : text.index("参考资料")]
    assert text.index("参考资料") > text.index("依据与参考")


@pytest.mark.slow
def test_no_article_has_a_div_box_a_shared_reference_number_or_a_doubled_quiz_kind(articles, sample_site):
    """The issue's end state: what the editor would rewrite is gone, every image is a file the site
    publishes (or the 公众号's own copy, after build.py wechat), each reference number one source."""
    for key, html in articles.items():
        assert "<div" not in html and "<ol" not in html and "<li" not in html, key
        assert "（多选）（多选）" not in _text(html), key
        for src in re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', html):
            assert src.startswith(BASE) and (sample_site / src[len(BASE) :]).is_file(), (key, src)
        text = _text(html)
        if "参考资料" in text:
            numbered = re.findall(r"\[(\d+)\] ([^\n]+)", text[text.index("参考资料") :])
            assert len({n for n, _ in numbered}) == len({source for _, source in numbered}) == len(numbered), key


@pytest.mark.slow
def test_the_report_shows_the_patrol_chart_as_a_picture_of_the_same_data(articles, sample_site):
    from PIL import Image

    html = articles["report"]
    [src] = re.findall(r'src="(https://aqcd\.example\.cn/assets/charts/[^"]+\.png)"', html)
    with Image.open(sample_site / src[len(BASE) :]) as image:
        assert image.format == "PNG" and image.size == (720, 440)
        assert image.getpixel((5, 5)) == (255, 255, 255)  # drawn, not blank: the bars' red is in it
        assert (198, 40, 40) in {c for _, c in image.getcolors(1 << 16)}
    patrols = sorted(_content("patrols").values(), key=lambda p: p["round"])
    alt = re.search(r'<img [^>]*alt="(历轮巡查[^"]+)"', html).group(1)
    for p in patrols:
        assert f"第 {p['round']} 轮发现 {p.get('hazards_found', 0)} 处、整改 {p.get('rectified_on_spot', 0)} 处" in alt


@pytest.mark.slow
def test_each_articles_images_are_numbered_in_article_order_for_inserting_by_hand(articles, sample_site):
    folder = sample_site.parent / "wechat"
    manifest = {a["key"]: a for a in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]}
    case = "cases/hengshun-cangku-feixian"
    srcs = [s[len(BASE) :] for s in re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', articles[case])]
    assert len(srcs) >= 2 and manifest[case]["images"] == srcs
    numbered = sorted((folder / "photos" / case).iterdir())
    assert [p.name for p in numbered] == [f"{n:02d}.jpg" for n in range(1, len(srcs) + 1)]
    for path, src in zip(numbered, srcs, strict=True):
        assert path.read_bytes() == (sample_site / src).read_bytes()
    export = (folder / "index.html").read_text(encoding="utf-8")
    assert f"这篇有 <strong>{len(srcs)} 张图片</strong>" in export and "网站还没发布到这个地址之前，照片会是空白" in export
    assert f"wechat/photos/{case}/" in export


def test_lists_become_paragraphs_with_their_numbers_as_text():
    from campaignkit.wechat.paste_safe import prepare

    html, refs = prepare(
        '<ol start="9"><li>九</li><li><p>十</p><p>更多</p><ul><li>子项</li></ul></li></ol>'
        '<ul><li><a href="/a/" title="甲">甲文</a></li><li><a href="/a/" title="乙">乙文</a> 和 <a href="/a/" title="甲">再引甲</a></li></ul>'
        '<div class="admonition warning"><p>注意</p></div><table><tr><td>1</td><td>2</td><td>3</td></tr></table>',
        "https://aqcd.example.cn/lessons/x/",
    )
    assert "<ol" not in html and "<ul" not in html and "<li" not in html and "<div" not in html and "<a" not in html
    text = _text(html)
    assert "9.九" in text and "10.十" in text and "更多" in text and "◦子项" in text and text.index("10.十") < text.index("◦子项")
    assert "•甲文[1]" in text and "•乙文[2] 和 再引甲[1]" in text
    assert [(r.number, r.title, r.url) for r in refs] == [
        (1, "甲", "https://aqcd.example.cn/a/"),
        (2, "乙", "https://aqcd.example.cn/a/"),
    ]
    assert '<section class="admonition warning">' in html
    assert '<section class="wx-table-scroll"><table style="min-width: 21em">' in html


@pytest.mark.slow
def test_quiz_answers_and_explanations_come_after_the_questions(articles):
    lesson = _content("lessons")["feixian-chongdian"]
    text = _text(articles["lessons/feixian-chongdian"])
    answers = text.index("答案与解析", text.index("答案与解析在文末") + 1)
    for n, q in enumerate(lesson["quiz"], 1):
        assert text.index(q["question"]) < answers
        answer = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        shown = "、".join(str(a).strip().upper() if q["kind"] != "judge" else str(a) for a in answer)
        assert f"{n}. 答案：{shown}" in text[answers:]
        if q.get("explanation"):
            assert q["explanation"] in text[answers:]
    for opt in lesson["quiz"][0].get("options", []):
        assert opt in text[:answers]


@pytest.mark.slow
def test_anonymity_and_consent_hold_in_articles(articles, sample_site):
    enterprises = _content("enterprises")
    hidden = {c["enterprise"] for c in _content("cases").values() if c.get("anonymous", True) and c.get("enterprise")}
    names = [enterprises[e]["name"] for e in hidden]
    assert names
    everything = "\n".join(articles.values()) + (sample_site.parent / "wechat" / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert name not in everything and name.replace("示例·", "").replace("有限公司", "") not in everything
    for pid, person in _content("people").items():
        if not person.get("consent") or person.get("draft"):
            assert person["name"] not in everything and f"people/{pid}" not in articles


@pytest.mark.slow
def test_the_report_has_the_original_sections_and_computed_figures(articles):
    site = _yaml(SAMPLE_CONTENT / "site.yml")
    patrols = _content("patrols").values()
    facilities = _content("facilities").values()
    enterprises = _content("enterprises").values()
    events = _content("events").values()
    text = _text(articles["report"])
    positions = [text.index(s) for s in ("编者按", "立项动因", "推进举措", "项目成效")]
    assert positions == sorted(positions)
    for measure in site["report"]["measures"]:
        assert measure["title"] in text
    figures = {
        "内有工业企业{}家": site["area"]["enterprise_count"],
        "已开展巡查{}轮": len(patrols),
        "整改{}处": sum(p.get("rectified_on_spot", 0) for p in patrols),
        "登记相关企业{}家": sum(1 for e in enterprises if e.get("registered")),
        "简易集中充电处{}处": sum(1 for f in facilities if f["kind"] == "集中充电处"),
        "微型消防站{}座": sum(1 for f in facilities if f["kind"] == "微型消防站"),
        "等活动{}场": sum(1 for e in events if e.get("kind") != "巡查"),
        "安全生产企业典型{}家": sum(1 for e in enterprises if e.get("model")),
    }
    for sentence, value in figures.items():
        assert sentence.format(value) in text, sentence.format(value)
    assert list(figures.values())[:4] == [81, 10, 23, 4]  # the sample matches the campaign's own article
    assert "{" not in text
    # 放样子、亮群像: the model enterprises and the people, from the content
    for e in enterprises:
        assert (e["name"] in text) == bool(e.get("model"))
    for p in _content("people").values():
        if p.get("consent") and not p.get("draft"):
            assert p["name"] in text


def test_a_hand_typed_or_unknown_figure_in_the_report_is_refused(scratch):
    scratch.replace("site.yml", "内有工业企业{企业总数}家", "内有工业企业81家")
    scratch.replace("site.yml", "微型消防站{微型消防站}座", "微型消防站{消防站}座")
    result = scratch.check()
    assert result.returncode == 1
    motivation = scratch.line_of("site.yml", "motivation:")
    assert f"content/site.yml:{motivation}: report.motivation: 数字“81家”是手写的" in result.stderr, result.stderr
    assert re.search(r"content/site\.yml:\d+: report\.measures\[\d\]\.text: 不认识的数字名称“\{消防站\}”", result.stderr)
    assert "共发现 2 处问题" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_preview_serves_the_export_page_with_its_own_photos(sample_site):
    from types import SimpleNamespace

    from campaignkit.editing.wechat_export_page import PREFIX, export_app

    preview = SimpleNamespace(site_dir=sample_site, content_root=SAMPLE_CONTENT)

    def get(path):
        answer = {}
        body = b"".join(
            export_app(
                {"PATH_INFO": path, "campaignkit.preview": preview},
                lambda status, headers: answer.update(status=status, headers=dict(headers)),
            )
        )
        return answer["status"], answer["headers"]["Content-Type"], body.decode("utf-8")

    status, kind, page = get(PREFIX)
    assert status == "200 OK" and kind.startswith("text/html")
    assert 'src="/media/' in page and 'src="../site/' not in page  # photos from the preview's site
    assert 'href="/media/' in page and 'href="../site/' not in page  # …and their download links
    assert f'src="{BASE}media/' in page  # …while the fragments to copy keep the public address
    status, _, fragment = get(PREFIX + "report.html")
    assert status == "200 OK" and "立项动因" in fragment
    assert get(PREFIX + "../../etc/passwd")[0] == "404 Not Found"
    assert get(PREFIX + "cases/no-such-case.html")[0] == "404 Not Found"


_WORDS = st.text(alphabet="飞线充电安全整改abc", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["- ", "1. ", "    - ", "    1. "]), _WORDS, st.sampled_from(["", "**重点**", "[链接](/a/)"])),
        min_size=1,
        max_size=8,
    )
)
def test_any_markdown_list_keeps_its_text_and_loses_its_list_tags(lines):
    """Whatever lists an editor writes (nested, ordered or not, with bold or links), the article keeps
    every word, gives every item a mark, and has no list tag left for the editor to rewrite."""
    from campaignkit.content.markup import render_markdown
    from campaignkit.wechat.paste_safe import prepare

    source = "\n".join(f"{indent}{words}{extra}" for indent, words, extra in lines)
    html = str(render_markdown(source))
    out, _refs = prepare(html, "https://aqcd.example.cn/lessons/x/")
    assert not re.search(r"<(ol|ul|li|a)\b", out)
    words = lambda h: re.sub(r"\s+|\[\d+\]|\d+\.|[•◦]", "", _text(h))  # noqa: E731
    assert words(out) == words(html)
    assert len(re.findall(r'class="wx-li-mark"', out)) == html.count("<li")
