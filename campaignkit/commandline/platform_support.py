"""Which commands run where: on native Windows Python, say in Chinese what to do instead.

The build needs Linux: flock(2) and renameat2(2) for the atomic publish (publish.py), and
WeasyPrint's Pango with the Noto CJK fonts for the handouts. On a Windows PC the supported way
is WSL 2 with Ubuntu (docs/windows.md): the same two commands as on Linux, the preview opened
in the Windows browser. `check`, `new` and `reference` are plain Python and run anywhere.
"""

from __future__ import annotations

import os

NEEDS_LINUX = ("build", "serve")
IS_NATIVE_WINDOWS = os.name == "nt"

WINDOWS_ADVICE = """\
这个命令不能在 Windows 自带的 Python 里运行（生成网站和 PDF 讲义要用到 Linux 的功能）。
请在 WSL 2 的 Ubuntu 里运行，步骤见 docs/windows.md：
  1. 以管理员身份打开 PowerShell，运行：wsl --install -d Ubuntu （装好后重启电脑）
  2. 在“开始”菜单打开 Ubuntu，进入项目文件夹，运行：
       ./scripts/setup.sh && .venv/bin/python build.py
  3. 预览：在 Ubuntu 里运行 .venv/bin/python build.py serve，然后在 Windows 的浏览器里打开 http://localhost:8000/
只检查内容（build.py check）和新建文件（build.py new）在 Windows 里也可以直接用。"""


def refusal(command: str) -> str | None:
    """The Chinese message for a command that cannot run on this machine, or None."""
    if IS_NATIVE_WINDOWS and command in NEEDS_LINUX:
        return WINDOWS_ADVICE
    return None
