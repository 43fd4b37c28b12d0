"""Privacy (issue 5): personal numbers are errors unless allowed; people without consent never
appear in any output (pages, search index, feed, sitemap, robots.txt, handouts, share images,
file names, alt texts, image metadata); an anonymous case is never connected to its enterprise
in public (issue 25: the case's page, handout, article, search and feed entries never name the
enterprise, the enterprise's page never lists the case, while the enterprise keeps its page and
its events); published photos carry no EXIF/GPS, camera, XMP, comment or ICC data.

Outputs are read as a visitor's tools would: HTML and XML text, JSON, text extracted from
PDFs (and their metadata), image metadata, and the path of every file.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import os
import random
import re
import struct
import unicodedata
from pathlib import Path

import pytest
from conftest import SAMPLE_CONTENT, Scratch
from PIL import ExifTags, Image
from pypdf import PdfReader
from ruamel.yaml import YAML

from campaignkit.checks import validate
from campaignkit.checks.validate import _name_forms, personal_data
from campaignkit.commandline import main as cli
from campaignkit.content import photos as media

yaml = YAML(typ="safe", pure=True)
CASE = "cases/hengshun-cangku-feixian.yml"  # named case (anonymous: false)
PAGE = "pages/join.md"
EVENT = "events/yantaohui-2023-07.yml"
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".js", ".css", ".svg", ".map"}


def check(s: Scratch, capsys) -> tuple[int, list[str]]:
    code = cli.main(["check", "--content", str(s.content), "--output", str(s.root / "site")])
    _out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, err.splitlines()


def problems(s: Scratch, capsys) -> list[str]:
    code, lines = check(s, capsys)
    assert code == 1, lines
    return lines[:-1]


# ---- personal numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, masked",
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("+8613812345678", "138****5678"),
        ("0086-13812345678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),  # full-width digits from a Chinese input method
    ],
)
def test_mobile_numbers_as_people_write_them(scratch, capsys, written, masked):
    scratch.replace(CASE, "summary: 仓库", f"summary: 联系人电话{written}，仓库")
    n = scratch.line_of(CASE, "summary:")
    assert problems(scratch, capsys) == [
        f"content/{CASE}:{n}: summary: 含手机号码（{masked}），公开内容不能有个人信息；确需公开请在本文件加 allow_personal_data: true"
    ]


@pytest.mark.parametrize("written", ["32010219900101123X", "320102 19900101 123x", "３２０１０２１９９００１０１１２３４"])
def test_resident_id_numbers(scratch, capsys, written):
    scratch.replace("people/xu-lei.yml", "story: |\n", f"story: |\n  身份证 {written}\n")
    found = problems(scratch, capsys)
    assert (
        len(found) == 1 and found[0].startswith("content/people/xu-lei.yml:") and ": story: 含身份证号码（320****" in found[0]
    ), found


def test_numbers_in_lists_alt_texts_and_page_bodies(scratch, capsys):
    scratch.replace(CASE, "  - 企业当场拆除", "  - 值班员 13912345678 当场拆除")
    scratch.replace(CASE, "alt: 仓库外墙", "alt: 手机 13712345678 仓库外墙")
    scratch.replace(PAGE, "## 想加入志愿服务队", "## 想加入志愿服务队\n\n报名请打 15012345678。")
    found = problems(scratch, capsys)
    assert found == [
        f"content/{CASE}:{scratch.line_of(CASE, '值班员')}: actions[2]: 含手机号码（139****5678），公开内容不能有个人信息；确需公开请在本文件加 allow_personal_data: true",
        f"content/{CASE}:{scratch.line_of(CASE, '手机 137')}: photos[1].alt: 含手机号码（137****5678），公开内容不能有个人信息；确需公开请在本文件加 allow_personal_data: true",
        f"content/{PAGE}:{scratch.line_of(PAGE, '报名请打')}: 正文: 含手机号码（150****5678），公开内容不能有个人信息",
    ], found


def test_allow_personal_data_lets_an_item_publish_a_number(scratch, capsys):
    scratch.replace(CASE, "summary: 仓库", "summary: 企业值班电话 13812345678，仓库")
    scratch.replace(CASE, "title:", "allow_personal_data: true\ntitle:")
    assert check(scratch, capsys)[0] == 0


@pytest.mark.parametrize("text", ["0523-86000000", "订单 2023091212345678", "第 13 轮巡查发现 81 处", "2023年12月8日13时"])
def test_what_is_not_a_personal_number(text):
    assert list(personal_data(text)) == []


@pytest.mark.parametrize(
    "written",
    ["138\u30001234\u30005678", "138－1234－5678", "１３８ １２３４ ５６７８"],
    ids=["ideographic-spaces", "full-width-hyphens", "full-width-digits-and-spaces"],
)
def test_a_number_grouped_by_full_width_characters_is_found(scratch, capsys, written):
    """Full-width spaces and hyphens from a Chinese input method: the quick look before NFKC
    (validate._eleven_digits) must not let these through."""
    scratch.replace(CASE, "summary: 仓库", f"summary: 联系人电话{written}，仓库")
    found = problems(scratch, capsys)
    assert len(found) == 1 and "summary: 含手机号码（138****5678）" in found[0], found


def test_the_quick_look_for_numbers_sees_what_nfkc_would():
    """_eleven_digits skips NFKC for texts of inert characters: true only because CJK ideographs have
    no decomposition and no character's canonical decomposition starts with a digit, space or
    hyphen (NFKC cannot merge one into something else); checked over all of Unicode here."""
    assert all(unicodedata.decomposition(chr(c)) == "" for c in range(0x4E00, 0xA000))
    starts_with_kept = [
        hex(c)
        for c in range(0x110000)
        if (d := unicodedata.decomposition(chr(c))) and not d.startswith("<") and chr(int(d.split()[0], 16)) in "0123456789 -"
    ]
    assert starts_with_kept == []
    inert = validate._not_inert()
    pieces = [
        "1",
        "3",
        "8",
        " ",
        "-",
        "，",
        "。",
        "文",
        "·",
        "—",
        "℃",
        "（",
        "）",
        "\u3000",
        "１",
        "－",
        "①",
        "½",
        "²",
        "\u00a0",
        "\u2002",
        "㏠",
        "\u0301",
        "🄁",
    ]
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert validate._eleven_digits(text) == bool(validate._ELEVEN_DIGITS.search(unicodedata.normalize("NFKC", text))), text
    # every character the quick look lets through is left by NFKC without a digit, space or hyphen
    for c in range(0x80, 0x10000):
        if 0xD800 <= c < 0xE000 or inert.search(chr(c)):
            continue
        assert not re.search("[0-9 -]", unicodedata.normalize("NFKC", chr(c))), hex(c)


# ---- consent ---------------------------------------------------------------------------------


@pytest.mark.parametrize("consent", ["consent: false", None], ids=["false", "missing"])
def test_a_person_without_consent_is_refused(scratch, capsys, consent):
    rel = "people/xu-lei.yml"
    scratch.replace(rel, "consent: true\n", f"{consent}\n" if consent else "")
    found = problems(scratch, capsys)
    assert len(found) == 1 and found[0].startswith(f"content/{rel}:") and "consent" in found[0] and "draft: true" in found[0], (
        found
    )


# ---- anonymous cases --------------------------------------------------------------------------


def hidden_enterprises(content: Path = SAMPLE_CONTENT) -> dict[str, str]:
    """id → name of every enterprise behind an anonymous published case."""
    return {ent_id: name for _case, _title, ent_id, name in anonymous_links(content)}


def anonymous_links(content: Path = SAMPLE_CONTENT) -> list[tuple[str, str, str, str]]:
    """(case id, case title, enterprise id, enterprise name) of every anonymous published case with an enterprise."""
    out = []
    for path in sorted((content / "cases").glob("*.yml")):
        case = yaml.load(path.read_text(encoding="utf-8"))
        if case.get("anonymous", True) and case.get("enterprise") and not case.get("draft"):
            ent = yaml.load((content / "enterprises" / f"{case['enterprise']}.yml").read_text(encoding="utf-8"))
            out.append((path.stem, case["title"], case["enterprise"], ent["name"]))
    return out


def test_the_sample_has_enterprises_behind_anonymous_cases():
    assert len(hidden_enterprises()) >= 2  # otherwise the output tests below prove nothing


ANONYMOUS_CASE = "cases/sushe-loudao-tingfang.yml"  # anonymous, enterprise suda-kuaiyun


@pytest.mark.parametrize(
    "old, field",
    [("title: ", "title"), ("place: ", "place"), ("summary: ", "summary"), ("  - 巡查队请", "actions[1]")],
)
@pytest.mark.parametrize("form", ["full", "short"])
def test_the_anonymous_case_may_not_name_its_enterprise(scratch, capsys, old, field, form):
    name = hidden_enterprises()["suda-kuaiyun"]
    written = _name_forms(name)[0 if form == "full" else -1]
    assert form == "full" or written != name
    assert old in scratch.read(ANONYMOUS_CASE), old
    scratch.replace(ANONYMOUS_CASE, old, f"{old}{written}")
    found = problems(scratch, capsys)
    assert found == [
        f"content/{ANONYMOUS_CASE}:{scratch.line_of(ANONYMOUS_CASE, written)}: {field}: "
        f"匿名案例的公开文字里出现了企业名称“{written}”，请删掉或改成“某企业”"
    ], found


@pytest.mark.parametrize(
    "rel, old",
    [
        (EVENT, "title: 共建区安全工作研讨会"),
        ("lessons/qiye-zeren.yml", "title: 企业负责人的消防安全责任"),
        (CASE, "summary: 仓库"),  # another, named case
        (PAGE, "## 想加入志愿服务队"),
    ],
)
def test_the_enterprise_behind_an_anonymous_case_may_be_named_anywhere_else(scratch, capsys, rel, old):
    """Anonymity hides the link between a case and its enterprise, not the enterprise."""
    name = hidden_enterprises()["suda-kuaiyun"]
    scratch.replace(rel, old, f"{old}（{name}）")
    code, lines = check(scratch, capsys)
    assert code == 0, lines


# ---- what the outputs hold ------------------------------------------------------------------

_texts: dict[Path, dict[str, str]] = {}


def output_texts(site: Path) -> dict[str, str]:
    """Every output file as the text a reader or a crawler gets from it (whitespace removed)."""
    if site not in _texts:
        _texts[site] = _read_outputs(site)
    return _texts[site]


def _read_outputs(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if path.suffix == ".gz":
            data, path = gzip.decompress(data), path.with_suffix("")
        if path.suffix in TEXT_SUFFIXES:
            text = html.unescape(data.decode("utf-8"))
        elif path.suffix == ".pdf":
            reader = PdfReader(io.BytesIO(data))
            text = "".join(page.extract_text() for page in reader.pages)
            text += " ".join(str(v) for v in (reader.metadata or {}).values())
        elif path.suffix in (".jpg", ".png", ".webp"):
            text = image_metadata_text(data)
        else:
            text = ""
        out[rel] = re.sub(r"[\s\u200b]+", "", text)
    return out


def image_metadata_text(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as im:
        parts = [str(v) for k, v in im.info.items() if isinstance(v, (str, bytes))]
        parts += [str(v) for v in im.getexif().values()]
    return " ".join(parts)


def assert_absent(site: Path, needles: list[str]) -> None:
    texts = output_texts(site)
    for needle in needles:
        squeezed = re.sub(r"\s+", "", needle)
        in_files = [rel for rel, text in texts.items() if squeezed in text]
        in_names = [rel for rel in texts if needle in rel]
        assert not in_files and not in_names, f"{needle!r} published in {in_files or in_names}"


def public_units(site: Path, folder: str, item_id: str) -> dict[str, str]:
    """What the public gets about one item, each as its text: its page, its handout, its 公众号 article,
    its search entries and its feed entries (name → text, whitespace removed)."""
    texts = output_texts(site)
    out = {rel: text for rel, text in texts.items() if rel.startswith(f"{folder}/{item_id}/")}
    out.update({rel: text for rel, text in texts.items() if rel.startswith(f"downloads/{folder}/{item_id}")})
    article = site.parent / "wechat" / folder / f"{item_id}.html"
    if article.is_file():
        out[f"wechat/{folder}/{item_id}.html"] = re.sub(r"[\s\u200b]+", "", html.unescape(article.read_text(encoding="utf-8")))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        if doc["location"].startswith(f"{folder}/{item_id}/"):
            out[f"search:{doc['location']}"] = re.sub(r"[\s\u200b]+", "", html.unescape(doc["title"] + doc["text"]))
    for feed in ("feed.xml", "rss.xml"):
        for entry in re.findall(r"<(entry|item)>(.*?)</\1>", (site / feed).read_text(encoding="utf-8"), re.S):
            if f"/{folder}/{item_id}/" in entry[1]:
                out[f"{feed}:{item_id}"] = re.sub(r"[\s\u200b]+", "", html.unescape(entry[1]))
    return out


def assert_no_public_link(site: Path, content: Path) -> None:
    """No public file connects an anonymous case to its enterprise: the case's page, handout, article,
    search and feed entries never name the enterprise (any of its names) or link its page; the
    enterprise's page, article and search entries never name or link the case. The enterprise itself
    is still published: its page, and the events and lists that name it."""
    links = anonymous_links(content)
    assert links
    for case_id, title, ent_id, name in links:
        case_units = public_units(site, "cases", case_id)
        assert f"cases/{case_id}/index.html" in case_units and any(k.startswith("search:") for k in case_units)
        assert any(k.startswith("wechat/") for k in case_units) or not (site.parent / "wechat").is_dir()
        for unit, text in case_units.items():
            for needle in [*_name_forms(name), f"enterprises/{ent_id}"]:
                assert re.sub(r"\s+", "", needle) not in text, f"{needle!r} on {unit}, the anonymous case's"
        ent_units = public_units(site, "enterprises", ent_id)
        assert f"enterprises/{ent_id}/index.html" in ent_units, f"the enterprise {ent_id} lost its page"
        for unit, text in ent_units.items():
            for needle in (re.sub(r"\s+", "", title), f"cases/{case_id}"):
                assert needle not in text, f"{needle!r} on {unit}, the page of the enterprise behind it"
        assert name in output_texts(site)["enterprises/index.html"]


def test_no_public_file_links_an_anonymous_case_to_its_enterprise(sample_site):
    assert_no_public_link(sample_site, SAMPLE_CONTENT)  # (an enterprise in events too: tests/test_other_community.py)


def test_the_link_check_finds_a_leak(tmp_path):
    """assert_no_public_link fails on a site where an anonymous case's page names its enterprise."""
    site = tmp_path / "site"
    case_id, _title, _ent_id, name = anonymous_links()[0]
    for rel, text in {
        f"cases/{case_id}/index.html": f"<p>{name}</p>",
        "enterprises/index.html": "",
        "search/search_index.json": json.dumps({"docs": [{"location": f"cases/{case_id}/", "title": "", "text": ""}]}),
        "feed.xml": "",
        "rss.xml": "",
    }.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    with pytest.raises(AssertionError, match="the anonymous case's"):
        assert_no_public_link(site, SAMPLE_CONTENT)


def test_no_trace_of_people_without_consent(sample_site):
    for path in sorted((SAMPLE_CONTENT / "people").glob("*.yml")):
        person = yaml.load(path.read_text(encoding="utf-8"))
        if person.get("consent") is not True:
            assert_absent(sample_site, [person["name"], f"people/{path.stem}"])


def test_no_personal_numbers_in_any_output(sample_site):
    for rel, text in output_texts(sample_site).items():
        assert not list(personal_data(text)), rel


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of a JPEG's segments up to the image data."""
    out, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        out.append((marker, data[i + 4 : i + 2 + length]))
        i += 2 + length
    return out


def assert_bare_photo(path: Path) -> None:
    """No EXIF, GPS, XMP, ICC, comment or any other metadata segment: only JFIF and the image."""
    data = path.read_bytes()
    with Image.open(path) as im:
        assert not im.getexif(), (path, dict(im.getexif()))
        assert not set(im.info) - {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"}, (
            path,
            im.info.keys(),
        )
    kinds = {marker for marker, _ in jpeg_segments(data)}
    assert not kinds & ({0xE1, 0xE2, 0xED, 0xFE} | set(range(0xE3, 0xF0))), (path, sorted(hex(k) for k in kinds))
    assert b"GPS" not in data and b"Exif" not in data and b"http://ns.adobe.com/xap" not in data


def test_published_photos_carry_no_metadata(sample_site):
    photos = sorted((sample_site / "media").glob("*.jpg"))
    assert photos
    for path in photos:
        assert_bare_photo(path)
    assert all(re.fullmatch(r"[0-9a-f]{16}-\d+\.jpg", p.name) for p in photos)  # no editor's file name


# ---- a build with everything that must stay private ------------------------------------------

SECRET_PERSON = "保密人员测试姓名"
SECRET_CASE = "未发布的草稿案例标题测试"
CAMERA = "SecretPhoneMaker"


def make_exif_photo(path: Path, icc: bool = False) -> None:
    """A phone photo: EXIF with GPS and camera, XMP with GPS, a JPEG comment; with `icc`, a colour profile."""
    from PIL import ImageCms

    im = Image.new("RGB", (1600, 1200), (200, 120, 60))
    for x in range(0, 1600, 40):  # some detail, so the photo is not one flat colour
        im.paste((30, 60, 90), (x, 0, x + 10, 1200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = "Model X"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: must be applied, then dropped
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (32.0, 29.0, 1.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (119.0, 55.0, 3.0),
    }
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="32,29.0N"/></rdf:RDF></x:xmpmeta>'
    )
    extra = {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()} if icc else {}
    # A fresh comment each run: a new file hash, so the media cache can't serve renditions made by older code.
    comment = f"{CAMERA} GPS 32.48N {os.urandom(8).hex()}".encode()
    im.save(path, "JPEG", exif=exif, xmp=xmp, comment=comment, quality=90, **extra)


@pytest.fixture(scope="module")
def private_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("private")
    s = Scratch(root)
    make_exif_photo(s.path("media/cases/phone.jpg"))
    make_exif_photo(s.path("media/cases/phone-p3.jpg"), icc=True)
    s.replace(CASE, "  - file: cases/hengshun-cangku-feixian-before.jpg", "  - file: cases/phone.jpg")
    s.replace(CASE, "  - file: cases/hengshun-cangku-feixian-after.jpg", "  - file: cases/phone-p3.jpg")
    Image.new("RGB", (400, 400), (1, 2, 3)).save(s.path("media/people/secret.jpg"))
    s.write(
        "people/secret-person.yml",
        f"name: {SECRET_PERSON}\nrole: 志愿者\nteam: 共建区党员志愿服务队\nconsent: false\n"
        "draft: true\nphoto:\n  file: people/secret.jpg\n  alt: 保密人员的照片\n"
        "story: 还没有同意公开。\n",
    )
    s.write(
        "cases/secret-draft.yml",
        s.read(CASE).replace("title: 物流仓库窗口拉线给电动车充电", f"draft: true\ntitle: {SECRET_CASE}"),
    )
    result = s.build()
    return s, root / "site", result


def test_private_build_succeeds(private_build):
    _s, _site, result = private_build
    assert result.returncode == 0, result.stderr


def test_drafts_and_people_without_consent_leave_no_trace(private_build):
    s, site, result = private_build
    assert result.returncode == 0, result.stderr
    assert_absent(site, [SECRET_PERSON, SECRET_CASE, "secret-person", "secret-draft", "保密人员的照片"])
    assert not list((site / "media").glob(f"{media.published_name(s.path('media/people/secret.jpg'))}-*"))
    assert_no_public_link(site, s.content)


def test_phone_photo_is_published_without_gps_camera_or_comment(private_build):
    s, site, result = private_build
    assert result.returncode == 0, result.stderr
    published = []
    for photo in ("phone.jpg", "phone-p3.jpg"):
        name = media.published_name(s.path(f"media/cases/{photo}"))
        published += sorted((site / "media").glob(f"{name}-*.jpg"))
    assert len(published) >= 4
    for path in published:
        assert_bare_photo(path)
        assert CAMERA.encode() not in path.read_bytes()
        with Image.open(path) as im:
            assert im.height > im.width  # the EXIF orientation was applied before it was dropped
    assert_absent(site, [CAMERA, "32,29.0N"])
    # the same renditions go into the handouts: the case sheet's PDF holds no camera data either
    assert CAMERA.encode() not in (site / "downloads/cases/hengshun-cangku-feixian.pdf").read_bytes()


def test_share_images_are_the_pages_own_cards_without_metadata(private_build):
    _s, site, result = private_build
    assert result.returncode == 0, result.stderr
    for page in site.rglob("index.html"):
        m = re.search(r'<meta property="og:image" content="([^"]+)"', page.read_text(encoding="utf-8"))
        if not m:
            continue
        url = m.group(1)
        rel = re.sub(r"^https?://[^/]+/", "", url)
        assert (site / rel).is_file(), (page, url)
        # the page's own card (share_images.py draws it from published renditions only), no metadata
        assert re.fullmatch(r"assets/share/(.+/)?wide\.jpg", rel), (page, url)
        assert_bare_photo(site / rel)
