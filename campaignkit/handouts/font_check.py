"""Checks that PDFs will have Chinese glyphs and fast HarfBuzz subsetting, before any rendering.

Without a CJK font, WeasyPrint silently prints tofu boxes; without
libharfbuzz-subset0 it silently falls back to fontTools, ~50x slower per PDF.
Both are refused here with a message that says how to fix them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from functools import lru_cache

REQUIRED_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
SETUP_HINT = "请先运行 ./scripts/setup.sh（会安装 fonts-noto-cjk 和 libharfbuzz-subset0）"


def font_file(family: str) -> str | None:
    if not shutil.which("fc-match"):
        return None
    result = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True, check=False)
    lines = result.stdout.splitlines()
    if len(lines) == 2 and family in lines[0].split(","):
        return lines[1]
    return None


def check_pdf_environment() -> list[str]:
    """Chinese messages for everything missing; empty when PDFs can be made well."""
    problems = []
    if not shutil.which("fc-match"):
        problems.append(f"找不到 fontconfig（fc-match），无法确认中文字体。{SETUP_HINT}")
    else:
        for family in REQUIRED_FAMILIES:
            if font_file(family) is None:
                problems.append(f"找不到中文字体“{family}”，生成的 PDF 会出现方框乱码。{SETUP_HINT}")
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError) as exc:  # cffi raises OSError when a shared library is absent
        problems.append(f"WeasyPrint 无法加载（{exc}）。{SETUP_HINT}")
    else:
        if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
            problems.append(
                "缺少 HarfBuzz 字体子集库（libharfbuzz-subset0），WeasyPrint 会改用极慢的 fontTools，"
                f"每份讲义要多花约 9 秒。{SETUP_HINT}"
            )
    return problems


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Identifies the fonts in use, so cached PDFs are re-made when a font changes."""
    h = hashlib.sha256()
    for family in REQUIRED_FAMILIES:
        path = font_file(family) or "missing"
        h.update(path.encode())
        try:
            st = os.stat(path)
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            pass
    return h.hexdigest()
