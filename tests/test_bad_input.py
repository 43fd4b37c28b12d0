"""Every mistake editors make, one by one (issue 5): one clear Chinese message naming file,
line and field, exit status 1, no traceback; or the input is safely neutralised.

Most cases run `build.py check` in-process through cli.main (milliseconds each); the
ones whose point is a bound on time and memory (billion laughs, a 50 MB file, a device
disguised as a content file) run in a child process whose wall-clock time and peak
memory are measured. The photo cases build images with Pillow in the scratch folder.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from conftest import PROJECT, Scratch, run_build
from PIL import Image
from pypdf import PdfReader

from campaignkit.commandline import main as cli
from campaignkit.content import photos as media

CASE = "cases/hengshun-cangku-feixian.yml"  # named case, two photos, patrol round-01, lessons
LESSON = "lessons/feixian-chongdian.yml"
EVENT = "events/yantaohui-2023-07.yml"
PHOTO_LINE = "  - file: cases/hengshun-cangku-feixian-before.jpg"
CJK = re.compile(r"[\u4e00-\u9fff]")
TIME_LIMIT = 10.0  # seconds, for the inputs built to be slow
MEMORY_LIMIT_KB = 500 * 1024


def check(s: Scratch, capsys) -> tuple[int, list[str]]:
    """`build.py check` on the scratch content, in-process; (exit status, stderr lines)."""
    code = cli.main(["check", "--content", str(s.content), "--output", str(s.root / "site")])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, err.splitlines()


def one_problem(s: Scratch, capsys) -> str:
    """The single problem line of a failed check (and that it failed the way editors need)."""
    code, lines = check(s, capsys)
    assert code == 1, lines
    assert lines[-1] == "共发现 1 处问题，未生成网站，site/ 保持不变。", lines
    assert len(lines) == 2, lines
    assert CJK.search(lines[0]), lines[0]
    return lines[0]


def where(rel: str, line: int, field: str = "") -> str:
    return f"content/{rel}:{line}: {field + ': ' if field else ''}"


def bounded(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run build.py in a fresh child; return (result, wall seconds, peak RSS of the build in KB).

    A wrapper process runs the build so that RUSAGE_CHILDREN sees that one build only."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps({'code': r.returncode, 'out': r.stdout, 'err': r.stderr, 's': time.monotonic() - t,"
        " 'kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, str(PROJECT / "build.py"), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    data = json.loads(done.stdout)
    return subprocess.CompletedProcess(args, data["code"], data["out"], data["err"]), data["s"], data["kb"]


# ---- YAML and text ---------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line(scratch, capsys):
    scratch.replace(CASE, "summary: 仓库窗口垂下插线板", "summary: 注意: 仓库窗口垂下插线板")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "summary:"))), line
    assert "YAML 格式错误" in line and "引号" in line


def test_unclosed_quote_points_at_the_opening_quote(scratch, capsys):
    scratch.replace(CASE, "title: 物流仓库窗口拉线给电动车充电", 'title: "物流仓库窗口拉线给电动车充电')
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, 1)) and "引号没有配对" in line, line


def test_tab_indentation(scratch, capsys):
    scratch.replace(CASE, "  - 企业当场拆除", "\t- 企业当场拆除")
    line = one_problem(scratch, capsys)
    assert line == where(CASE, scratch.line_of(CASE, "\t- 企业当场拆除")) + "这一行用制表符（Tab）缩进；YAML 只能用空格缩进"


@pytest.mark.parametrize("space", ["\u3000", "\u00a0"], ids=["full-width", "no-break"])
def test_full_width_or_no_break_space_indentation(scratch, capsys, space):
    """A Chinese input method types U+3000 for a space; Word pastes U+00A0."""
    scratch.replace(CASE, "  - 企业当场拆除", space * 2 + "- 企业当场拆除")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "- 企业当场拆除"))) and "全角空格" in line, line


def test_byte_order_mark_is_harmless(scratch, capsys):
    """Windows Notepad writes a BOM: dropped, the first field is still recognised."""
    for rel in (CASE, "pages/about.md", "site.yml"):
        scratch.write(rel, b"\xef\xbb\xbf" + scratch.path(rel).read_bytes())
    code, lines = check(scratch, capsys)
    assert code == 0, lines


def test_windows_line_endings_are_harmless(scratch, capsys):
    scratch.write(CASE, scratch.path(CASE).read_bytes().replace(b"\n", b"\r\n"))
    assert check(scratch, capsys)[0] == 0


@pytest.mark.parametrize("encoding, named", [("gbk", "GBK/GB18030"), ("big5", "Big5"), ("utf-16", "UTF-16")])
def test_file_not_in_utf8_names_the_encoding_it_looks_like(scratch, capsys, encoding, named):
    text = scratch.read(CASE)
    if encoding == "big5":  # Big5 has no simplified characters: a file typed in traditional Chinese
        text = "title: 物流倉庫窗口拉線給電動車充電\nplace: 共建區某物流企業倉庫北側，員工從窗口拉線給電動車充電。\n"
    scratch.write(CASE, text.encode(encoding))
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, 1)) and named in line and "UTF-8" in line, line


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n# 没有内容\n"], ids=["zero-bytes", "blank", "comments"])
def test_empty_file(scratch, capsys, text):
    scratch.write(EVENT, text)
    assert one_problem(scratch, capsys) == where(EVENT, 1) + "文件是空的"


def test_yaml_alias_is_refused(scratch, capsys):
    scratch.replace(CASE, "summary: 仓库窗口", "extra: &a 仓库\nsummary: *a 窗口")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "summary: *a"))) and "别名" in line, line


def test_yaml_merge_key_is_refused(scratch, capsys):
    """`<<:` copies keys ruamel cannot place on a line; it crashed validation before."""
    scratch.replace(CASE, "risk: 高", "risk: 高\n<<: {risk: 低}")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "<<:"))) and "合并键" in line, line


def test_control_characters_pasted_from_word(scratch, capsys):
    scratch.replace(CASE, "summary: 仓库", "summary: 仓\x0b库")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "summary:"))) and "U+000B" in line, line


def test_escaped_control_character_or_lone_surrogate(scratch, capsys):
    """ "\\ud800" in double quotes made a string no UTF-8 page can hold: the build crashed writing it."""
    scratch.replace(
        CASE, "summary: 仓库窗口垂下插线板给4辆电动车充电，企业当场拆除并划出临时停放区。", 'summary: "仓库\\ud800窗口"'
    )
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "summary:"))) and "U+D800" in line, line


def test_line_separator_from_wechat_is_neutralised(scratch, capsys):
    """U+2028 is a line break to the YAML parser but not to editors: as a space, line numbers stay right."""
    scratch.replace(CASE, "summary: 仓库", "summary: 仓\u2028库")
    scratch.replace(CASE, "risk: 高", "risk: 极高")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "risk:"), "risk")), line


def test_billion_laughs_is_refused_fast_and_small(scratch):
    lines = ["title: 笑", "lol1: &l1 [" + ", ".join(['"lol"'] * 10) + "]"]
    lines += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(2, 12)]  # 10^11 strings
    scratch.write(CASE, "\n".join(lines) + "\n")
    result, seconds, kb = bounded("check", "--content", str(scratch.content))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"content/{CASE}:" in result.stderr and "别名" in result.stderr
    assert seconds < TIME_LIMIT and kb < MEMORY_LIMIT_KB, (seconds, kb)


def test_fifty_megabyte_text_field_is_refused_before_reading(scratch):
    with open(scratch.path(CASE), "a", encoding="utf-8") as f:
        f.write('note: "' + "很长的文字" * (50_000_000 // 15) + '"\n')
    assert scratch.path(CASE).stat().st_size > 50_000_000
    result, seconds, kb = bounded("check", "--content", str(scratch.content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"content/{CASE}: 文件太大" in result.stderr, result.stderr
    assert seconds < TIME_LIMIT and kb < MEMORY_LIMIT_KB, (seconds, kb)
    # the file is never read: far less memory than its size
    assert kb < 200 * 1024, kb


def test_a_device_disguised_as_a_content_file(scratch):
    """A link to /dev/zero reports size 0 and never ends: it must not be read."""
    os.symlink("/dev/zero", scratch.path("cases/zero.yml"))
    result, seconds, kb = bounded("check", "--content", str(scratch.content), timeout=30)
    assert result.returncode == 1 and "content/cases/zero.yml: 这不是普通文件" in result.stderr, result.stderr
    assert seconds < TIME_LIMIT and kb < MEMORY_LIMIT_KB


@pytest.mark.parametrize("shape", ["nested-brackets", "many-items", "many-fields"])
def test_pathological_yaml_under_the_size_limit_is_bounded(scratch, capsys, shape):
    """Under 1 MB, but slow for the pure-Python loader: refused from libyaml's events in milliseconds."""
    text = scratch.read(CASE)
    if shape == "nested-brackets":  # took the pure-Python parser minutes
        text = text.replace("tags: [物流快递, 窗口飞线, 典型企业]", "tags: " + "[" * 300_000)
        expect = "层次太深"
    elif shape == "many-items":
        text = text.replace("tags: [物流快递, 窗口飞线, 典型企业]", "tags:\n" + "  - a\n" * 150_000)
        expect = "条目太多"
    else:
        text += "".join(f"k{i}: v\n" for i in range(90_000))
        expect = "条目太多"
    scratch.write(CASE, text)
    started = time.monotonic()
    line = one_problem(scratch, capsys)
    assert time.monotonic() - started < TIME_LIMIT
    assert line.startswith(f"content/{CASE}:") and expect in line, line


def test_long_text_field_under_the_size_limit(scratch, capsys):
    scratch.replace(CASE, "title: 物流仓库窗口拉线给电动车充电", "title: " + "长" * 300_000)
    started = time.monotonic()
    line = one_problem(scratch, capsys)
    assert time.monotonic() - started < TIME_LIMIT
    assert line == where(CASE, 1, "title") + "太长（300000 字），最多 200 字"


# ---- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, message",
    [
        ("2023-13-45", "“2023-13-45”不是真实存在的日期"),
        ("2023-02-30", "“2023-02-30”不是真实存在的日期"),
        ("2023/9/12", "日期应写成 YYYY-MM-DD（如 2023-09-12），现为“2023/9/12”"),
        ("2023-9-3", "日期应写成 YYYY-MM-DD（如 2023-09-12），现为“2023-9-3”"),
        ("2023年8月3日", "日期应写成 YYYY-MM-DD（如 2023-09-12），现为“2023年8月3日”"),
        ("２０２３-０８-０３", "日期里有全角数字，请用半角数字（切换到英文输入法），如 2023-09-12，现为“２０２３-０８-０３”"),
    ],
)
def test_bad_dates(scratch, capsys, written, message):
    scratch.replace(CASE, "found_on: 2023-08-03", f"found_on: {written}")
    assert one_problem(scratch, capsys) == where(CASE, 2, "found_on") + message


@pytest.mark.parametrize(
    "written, expect",
    [
        ('"46"', "数字不要加引号"),
        ("四十六", "应为整数"),
        ("46人", "应为整数"),
    ],
)
def test_numbers_written_as_text(scratch, capsys, written, expect):
    scratch.replace(EVENT, "attendance: 46", f"attendance: {written}")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(EVENT, scratch.line_of(EVENT, "attendance:"), "attendance")) and expect in line, line


def test_misspelt_field_suggests_the_right_name(scratch, capsys):
    scratch.replace(CASE, "summary:", "sumary:")
    assert (
        one_problem(scratch, capsys)
        == where(CASE, scratch.line_of(CASE, "sumary:"), "sumary") + "不认识的字段，是不是要写“summary”？"
    )


def test_unknown_field_lists_the_known_ones(scratch, capsys):
    scratch.replace(CASE, "risk: 高", "risk: 高\nweather: 晴")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, scratch.line_of(CASE, "weather:"), "weather") + "不认识的字段。可用的字段：title、"), line


@pytest.mark.parametrize("other", ["Hengshun-Cangku-Feixian.yml", "hengshun-cangku-feixian.yaml"])
def test_duplicate_ids_after_case_folding(scratch, capsys, other):
    scratch.write(f"cases/{other}", scratch.read(CASE))
    line = one_problem(scratch, capsys)
    assert line.startswith(f"content/cases/{other}: 编号与 content/{CASE} 重复"), line


def test_reference_to_a_draft(scratch, capsys):
    scratch.replace(LESSON, "title:", "draft: true\ntitle:")
    code, lines = check(scratch, capsys)
    assert code == 1
    mine = [x for x in lines if x.startswith(f"content/{CASE}:")]
    assert mine == [
        where(CASE, scratch.line_of(CASE, "lessons:"), "lessons[1]")
        + "引用的课程“feixian-chongdian”是草稿（draft），不会发布；请先发布它或去掉这个引用"
    ], lines


# ---- Markdown that would hang or crash the renderer ---------------------------------------------


@pytest.mark.parametrize(
    "body, expect",
    [
        ("[" * 19_000, "方括号"),  # took Python-Markdown minutes
        ("[" * 3000 + "x" + "](y)" * 3000, "方括号"),
        ("<a " * 6000, "小于号"),
        ("+ " * 3000, "嵌套太深"),  # overflowed Python-Markdown's stack
    ],
)
def test_markdown_that_would_hang_or_crash_the_renderer(scratch, capsys, body, expect):
    scratch.replace(CASE, "description: |\n", f"description: |\n  {body}\n\n")
    started = time.monotonic()
    line = one_problem(scratch, capsys)
    assert time.monotonic() - started < TIME_LIMIT
    assert line.startswith(where(CASE, scratch.line_of(CASE, "description:"), "description")) and expect in line, line


def test_page_body_too_long(scratch, capsys):
    about = scratch.read("pages/about.md")
    scratch.write("pages/about.md", about + "\n\n" + "很长的正文。" * 10_000)
    line = one_problem(scratch, capsys)
    assert line.startswith("content/pages/about.md:") and "正文: 太长" in line, line


# ---- photos ------------------------------------------------------------------------------------


def use_photo(s: Scratch, rel: str) -> int:
    """Point the case's first photo at content/media/`rel`; return that line."""
    s.replace(CASE, PHOTO_LINE, f"  - file: {rel}")
    return s.line_of(CASE, f"  - file: {rel}")


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height (a decompression bomb costs nothing to make)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "written, expect",
    [
        ("../site.yml", "图片路径不能含“..”：图片必须放在 content/media/ 里"),
        ("cases/../../site.yml", "图片路径不能含“..”：图片必须放在 content/media/ 里"),
        ("/etc/passwd", "图片路径不能是绝对路径"),
        ("C:/Users/a.jpg", "图片路径不能是绝对路径"),
        ("cases/nothere.jpg", "找不到图片文件 content/media/cases/nothere.jpg"),
        ("cases/" + "a" * 300 + ".jpg", "文件名太长"),
    ],
)
def test_bad_photo_paths(scratch, capsys, written, expect):
    n = use_photo(scratch, written)
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, n, "photos[1].file")) and expect in line, line


def test_photo_symlink_out_of_content(scratch, capsys, tmp_path):
    outside = tmp_path / "outside.jpg"
    Image.new("RGB", (40, 30), "red").save(outside)
    os.symlink(outside, scratch.path("media/cases/link.jpg"))
    n = use_photo(scratch, "cases/link.jpg")
    assert one_problem(scratch, capsys) == where(CASE, n, "photos[1].file") + "图片是指向 content/media/ 以外的链接，不能使用"


def test_photo_symlink_loop(scratch, capsys):
    os.symlink("loop-b.jpg", scratch.path("media/cases/loop-a.jpg"))
    os.symlink("loop-a.jpg", scratch.path("media/cases/loop-b.jpg"))
    n = use_photo(scratch, "cases/loop-a.jpg")
    line = one_problem(scratch, capsys)
    assert line.startswith(where(CASE, n, "photos[1].file")) and "循环链接" in line, line


@pytest.mark.parametrize(
    "make, expect",
    [
        (lambda good: good[: len(good) // 2], "图片文件损坏或不完整"),  # truncated
        (lambda good: good[:200] + bytes(range(256)) * 40, "图片文件损坏或不完整"),  # corrupt after the header
        (lambda good: "这其实是一份文字文件\n".encode() * 10, "这个文件不是图片"),  # a .jpg that is not an image
        (lambda good: b"", "这个文件不是图片"),  # empty
        (lambda good: b"GIF89a" + good[6:], "这个文件不是图片"),
        (lambda good: png_header(30_000, 30_000), "图片太大（30000×30000 像素，超过 2 亿像素）"),  # decompression bomb
        (lambda good: png_header(9_000, 9_000), "PNG 图片太大（9000×9000 像素，超过 5000 万像素）"),
    ],
    ids=["truncated", "corrupt", "text", "empty", "gif-magic", "bomb-30000", "png-81mp"],
)
def test_broken_photos(scratch, capsys, make, expect):
    good = scratch.path("media/cases/hengshun-cangku-feixian-before.jpg").read_bytes()
    scratch.write("media/cases/bad.jpg", make(good))
    n = use_photo(scratch, "cases/bad.jpg")
    started = time.monotonic()
    line = one_problem(scratch, capsys)
    assert time.monotonic() - started < TIME_LIMIT
    assert line.startswith(where(CASE, n, "photos[1].file")) and expect in line, line


def test_truncated_photo_is_refused_even_after_weasyprint_is_imported(scratch, capsys):
    """Importing WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES = True."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    good = scratch.path("media/cases/hengshun-cangku-feixian-before.jpg").read_bytes()
    scratch.write("media/cases/half.jpg", good[: len(good) // 2])
    n = use_photo(scratch, "cases/half.jpg")
    assert one_problem(scratch, capsys) == where(CASE, n, "photos[1].file") + "图片文件损坏或不完整，无法读取，请重新导出"


def test_phone_jpeg_with_depth_map_is_accepted(scratch, capsys):
    """Samsung and some iPhones write MPO (a JPEG plus a second image): Pillow calls it MPO, not JPEG."""
    im = Image.new("RGB", (1200, 900), (90, 120, 150))
    im.save(scratch.path("media/cases/mpo.jpg"), "MPO", save_all=True, append_images=[im.resize((300, 225))])
    assert Image.open(scratch.path("media/cases/mpo.jpg")).format == "MPO"
    use_photo(scratch, "cases/mpo.jpg")
    code, lines = check(scratch, capsys)
    assert code == 0, lines


# ---- what must build: huge phone photos, rare characters and emoji --------------------------

RARE = "𡃁"  # U+210C1, CJK Extension B (a Cantonese character, 𡃁仔)
EMOJI = ["🔥", "🔌", "🧑\u200d🚒"]  # the last is a ZWJ sequence (firefighter)
CASE_TITLE = f"物流仓库{RARE}窗口拉线{EMOJI[1]}给电动车充电"
LESSON_TITLE = f"飞线充电的危害{EMOJI[0]}与{RARE}仔安全充电{EMOJI[2]}"
HUGE = (15_000, 10_000)  # 150 megapixels, as a 2024 phone's full-resolution mode


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    """One full build (site and PDFs) of sample content with a 150-MP photo and odd titles."""
    root = tmp_path_factory.mktemp("tricky")
    s = Scratch(root)
    s.replace(CASE, "title: 物流仓库窗口拉线给电动车充电", f"title: {CASE_TITLE}")
    s.replace(LESSON, "title: 飞线充电的危害与安全充电", f"title: {LESSON_TITLE}")
    huge = s.path("media/cases/huge.jpg")
    # Made in a child: encoding 150 MP holds ~1 GB for a few seconds, not in the test process.
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; from PIL import Image; Image.new('RGB', {HUGE}, (120, 130, 140)).save(sys.argv[1], 'JPEG', quality=70)",
            str(huge),
        ],
        check=True,
        timeout=120,
    )
    s.replace(CASE, PHOTO_LINE, "  - file: cases/huge.jpg")
    original = huge.read_bytes()
    result, _seconds, kb = bounded("--content", str(s.content), "--output", str(root / "site"), timeout=600)
    return s, root / "site", result, kb, original


def test_a_150_megapixel_phone_photo_is_resized_not_refused(tricky):
    s, site, result, kb, original = tricky
    assert result.returncode == 0, result.stderr
    assert s.path("media/cases/huge.jpg").read_bytes() == original  # the original is never changed
    name = media.published_name(s.path("media/cases/huge.jpg"))
    published = sorted((site / "media").glob(f"{name}-*.jpg"))
    assert published, "the huge photo was not published"
    for path in published:
        with Image.open(path) as im:
            assert im.width <= max(media.WIDTHS) and im.height <= max(media.WIDTHS), im.size
    assert kb < 1024 * 1024, f"the build peaked at {kb // 1024} MB"  # decoded at 1/8 scale, never in full


def test_rare_characters_and_emoji_reach_the_site(tricky):
    _s, site, result, _kb, _original = tricky
    assert result.returncode == 0, result.stderr
    case_page = (site / "cases/hengshun-cangku-feixian/index.html").read_text(encoding="utf-8")
    lesson_page = (site / "lessons/feixian-chongdian/index.html").read_text(encoding="utf-8")
    assert f"<title>{CASE_TITLE} - " in case_page and f"<h1>{CASE_TITLE}</h1>" in case_page
    assert f"<title>{LESSON_TITLE} - " in lesson_page
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    titles = {d["title"] for d in index["docs"]}
    # MkDocs' Chinese search puts \u200b between words; the characters themselves must survive
    assert any(t.replace("\u200b", "") == CASE_TITLE for t in titles), [t for t in titles if "物流仓库" in t]
    assert CASE_TITLE in (site / "feed.xml").read_text(encoding="utf-8")


def _to_unicode(font) -> dict[int, str]:
    """A PDF font's ToUnicode map: glyph id → text."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.get_object().get_data().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int.from_bytes(bytes.fromhex(dst), "big")
            for i, gid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                out[gid] = chr(start + i)
    return out


def glyphs(pdf: Path) -> dict[str, set[int]]:
    """text → the glyph ids that print it, over every font of every page."""
    found: dict[str, set[int]] = {}
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            for gid, text in _to_unicode(font.get_object()).items():
                found.setdefault(text, set()).add(gid)
    return found


# Pango's "no font has this character" glyph arrives in the PDF as id 0xFFFF (or .notdef, 0):
# that is the tofu box. Characters printed with a real glyph have any other id.
TOFU = {0, 0xFFFF}


@pytest.mark.parametrize(
    "pdf, title",
    [
        ("downloads/lessons/feixian-chongdian.pdf", LESSON_TITLE),
        ("downloads/cases/hengshun-cangku-feixian.pdf", CASE_TITLE),
    ],
)
def test_rare_characters_and_emoji_print_in_pdfs_without_tofu(tricky, pdf, title):
    _s, site, result, _kb, _original = tricky
    assert result.returncode == 0, result.stderr
    path = site / pdf
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert title in text.replace("\n", ""), f"{title!r} not in the extracted text of {pdf}"
    printed = glyphs(path)
    for ch in [RARE] + [e for e in EMOJI if len(e) == 1]:
        ids = printed.get(ch, set())
        assert ids and not ids & TOFU, f"{ch!r} printed as {ids} in {pdf}"
    tofu = {text for text, ids in printed.items() if ids & TOFU}
    assert not tofu, f"printed as tofu boxes in {pdf}: {tofu}"


def test_the_tofu_detector_detects_tofu(tmp_path):
    """The check above fails when a glyph is missing (a character no installed font has)."""
    from weasyprint import HTML

    HTML(string='<html lang="zh-CN"><body style="font-family: Noto Serif CJK SC">安全𡃁\U00013000</body></html>').write_pdf(
        tmp_path / "t.pdf"
    )
    printed = glyphs(tmp_path / "t.pdf")
    assert printed[RARE] and not printed[RARE] & TOFU
    assert printed.get("\U00013000", set()) & TOFU  # Egyptian hieroglyph A001: not in any font here


def test_subprocess_check_reports_without_traceback(scratch):
    """The same mistakes through the real command line: exit 1, messages on stderr, nothing on stdout."""
    scratch.replace(CASE, "found_on: 2023-08-03", "found_on: 2023/8/3")
    scratch.write(EVENT, "")
    result = run_build("check", "--content", str(scratch.content), "--output", str(scratch.root / "site"))
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        where(CASE, 2, "found_on") + "日期应写成 YYYY-MM-DD（如 2023-09-12），现为“2023/8/3”",
        where(EVENT, 1) + "文件是空的",
        "共发现 2 处问题，未生成网站，site/ 保持不变。",
    ], result.stderr


def test_characters_no_font_has_are_refused_with_file_and_line(scratch, capsys):
    """Private-use or unassigned code points (found by the random-build test) would make the
    handouts fail later with a typesetting error; they are a content problem with its line."""
    scratch.replace(CASE, "summary: 仓库窗口垂下插线板", "summary: 仓库窗口\U0005b0a8垂下\ue000插线板")
    line = one_problem(scratch, capsys)
    assert line == (
        f"{where(CASE, scratch.line_of(CASE, 'summary:'), 'summary')}含有无法显示的字符（U+5B0A8，"
        "私用区或未分配的编码，任何字体都没有），常见于从特殊输入法或乱码里复制：请删掉重新输入"
    ), line
