"""argparse in Chinese: usage, help and every argument error, and a usage error's own exit status.

argparse looks up each of its messages through gettext (`argparse._` / `argparse.ngettext`, bound
when the module is imported). The kit ships no compiled .mo catalogue for one screenful of
strings: `Parser` swaps in the table below while it formats or parses, and puts gettext back
afterwards, so nothing else in the process is affected. A message missing from the table stays
English rather than breaking (new Python versions add messages).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from typing import Any

USAGE_ERROR = 64  # sysexits.h EX_USAGE: the command line itself is wrong (1 is a content problem)

MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示这段说明后退出",
    "show program's version number and exit": "显示版本号后退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选的值（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "后面要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能和 %s 同时使用",
    "one of the arguments %s is required": "必须给出其中一个参数：%s",
    "ignored explicit argument %r": "多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "不认识的命令“%(parser_name)s”（可用：%(choices)s）",
}
PLURALS = {
    "expected %s argument": "后面要跟 %s 个值",
}
TYPE_NAMES = {"int": "整数", "float": "数字"}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular if n == 1 else plural)


@contextmanager
def chinese():
    """argparse's messages in Chinese for the duration of the block."""
    # argparse looks its messages up through its module globals `_` and `ngettext` (not public API,
    # stable since Python 3.2): swapping them is the only way to translate its own errors.
    module: Any = argparse
    saved = module._, module.ngettext
    module._, module.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        module._, module.ngettext = saved


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-made line breaks of descriptions and epilogues (examples read better)."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese and exits with USAGE_ERROR on a wrong command line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("add_help", False)
        with chinese():
            super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示这段说明后退出")

    def parse_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_args(args, namespace)

    def format_help(self) -> str:
        with chinese():
            return super().format_help()

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def error(self, message: str):
        with chinese():
            head, sep, choices = message.partition("（可选：")
            if sep:  # argparse lists choices as Python reprs: 'build', 'check'
                message = head + sep + choices.replace("'", "").replace(", ", "、")
            for english, chinese_name in TYPE_NAMES.items():
                message = message.replace(f"不是有效的{english}", f"不是有效的{chinese_name}")
            self.print_usage(sys.stderr)
            self.exit(
                USAGE_ERROR,
                _gettext("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
                + f"运行 {self.prog} --help 查看用法。\n",
            )
