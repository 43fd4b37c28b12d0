"""The build refuses to make PDFs that would show tofu boxes or take 50x longer (issue 2)."""

from __future__ import annotations

from conftest import run_build

from campaignkit.handouts import font_check as fonts


def test_missing_cjk_font_stops_the_build_with_a_chinese_message(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>/nonexistent</dir><cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site")
    result = run_build("--output", str(site), env={"FONTCONFIG_FILE": str(conf)})
    assert result.returncode == 1
    assert "找不到中文字体“Noto Sans CJK SC”，生成的 PDF 会出现方框乱码。请先运行 ./scripts/setup.sh" in result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "index.html").read_text() == "previous site"


def test_fonttools_fallback_is_refused(monkeypatch):
    import weasyprint.text.ffi as ffi

    assert fonts.check_pdf_environment() == []
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    problems = fonts.check_pdf_environment()
    assert len(problems) == 1 and "libharfbuzz-subset0" in problems[0] and "fontTools" in problems[0]


def test_fonts_are_the_simplified_chinese_noto_faces():
    assert fonts.font_file("Noto Sans CJK SC").endswith((".ttc", ".otf", ".ttf"))
    assert fonts.font_file("Noto Serif CJK SC").endswith((".ttc", ".otf", ".ttf"))
    assert fonts.font_file("Surely Not A Font Family") is None
