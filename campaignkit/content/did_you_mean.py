""" "Did you mean": what a wrong value was probably meant to be, and the invisible reason it is wrong.

Editors type enumeration values the way they speak (整改完成 for 已整改), paste them from
documents in traditional characters (飛線充電), copy ids from file names (round-10.yml) or
write them in title case (Feixian-Chongdian), and bring along characters nobody can see
(a trailing full-width space from a Chinese input method, a zero-width space from WeChat).
Each helper returns a Chinese phrase to append to the message, or "".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from campaignkit.content.enums import Enumeration

# Characters that are there but cannot be seen, each with the name editors are told.
_INVISIBLE = {
    "\u200b": "零宽空格",
    "\u200c": "零宽字符",
    "\u200d": "零宽字符",
    "\u2060": "零宽字符",
    "\ufeff": "零宽字符（BOM）",
    "\u00ad": "软连字符",
    "\u200e": "方向控制字符",
    "\u200f": "方向控制字符",
    "\u202a": "方向控制字符",
    "\u202b": "方向控制字符",
    "\u202c": "方向控制字符",
    "\u202d": "方向控制字符",
    "\u202e": "方向控制字符",
}
_SPACES = {"\u3000": "全角空格", "\u00a0": "不间断空格", " ": "空格", "\t": "制表符（Tab）"}
# Look-alikes a Chinese input method or a Word document gives instead of the ASCII character.
_LOOK_ALIKES = {"－": "-", "—": "-", "–": "-", "‐": "-", "‑": "-", "＿": "_", "．": "."}


def oddities(value: str) -> str:
    """What is invisible or look-alike in `value`: “末尾多了一个全角空格”, “含有看不见的零宽字符”; "" if nothing."""
    if not isinstance(value, str) or not value:
        return ""
    found = []
    for where, ch in (("开头", value[0]), ("末尾", value[-1])):
        if ch in _SPACES:
            found.append(f"{where}多了一个{_SPACES[ch]}")
    invisible = sorted({_INVISIBLE[ch] for ch in value if ch in _INVISIBLE})
    if invisible:
        found.append("含有看不见的" + "、".join(invisible))
    inner = value.strip("".join(_SPACES))
    if "\u3000" in inner:
        found.append("中间有全角空格")
    if any(ch in _LOOK_ALIKES for ch in value):
        shown = "、".join(sorted({f"“{ch}”" for ch in value if ch in _LOOK_ALIKES}))
        found.append(f"含有全角或中文标点 {shown}（应为半角）")
    elif value != unicodedata.normalize("NFKC", value) and re.search("[０-９Ａ-Ｚａ-ｚ]", value):
        found.append("含有全角字母或数字（应为半角）")
    return "，".join(found)


def cleaned(value: str) -> str:
    """`value` without what oddities() names: invisible characters, outer spaces, full-width forms."""
    text = "".join(ch for ch in value if ch not in _INVISIBLE)
    text = "".join(_LOOK_ALIKES.get(ch, ch) for ch in text)
    text = re.sub("[０-９Ａ-Ｚａ-ｚ]", lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.strip(" \u3000\u00a0\t")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # OpenCC's own dictionaries: phrases as well as characters (飛線→飞线, 臺→台)

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


def enum_hint(value, enumeration: Enumeration) -> str:
    """“（末尾多了一个全角空格），是不是要写“已整改”？” for a synonym, a traditional spelling or a
    value with invisible characters; "" when nothing close is known."""
    if not isinstance(value, str):
        return ""
    odd = oddities(value)
    clean = cleaned(value)
    traditional = "繁体字" if simplified(clean) != clean else ""
    candidates = ((value, ""), (clean, odd), (simplified(clean), "，".join(filter(None, (odd, traditional)))))
    synonyms = enumeration.synonyms()
    for candidate, reason in candidates:
        target = candidate if candidate in enumeration else synonyms.get(candidate)
        if target is None:
            target = next((v.text for v in enumeration if v.text.lower() == candidate.lower()), None)
        if target is not None and target != value:
            return f"（{reason}），是不是要写“{target}”？" if reason else f"，是不是要写“{target}”？"
    return f"（{odd}）" if odd else ""


ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def id_hint(value) -> str:
    """For a malformed id: the id it stands for (case, a .yml suffix, a path, spaces), or ""."""
    if not isinstance(value, str):
        return ""
    candidate = cleaned(value)
    if re.search("[，、,；;]", candidate) and all(ID_RE.match(p.strip()) for p in re.split("[，、,；;]", candidate) if p.strip()):
        return "（几个编号之间要用英文逗号“,”加空格分隔，写成 [甲, 乙]）"
    reasons = []
    odd = oddities(value)
    if odd:
        reasons.append(odd)
    if "/" in candidate:
        candidate = candidate.rsplit("/", 1)[-1]
        reasons.append("编号不带文件夹")
    stem = re.sub(r"\.(ya?ml|md)$", "", candidate, flags=re.I)
    if stem != candidate:
        reasons.append("编号不带扩展名 .yml")
        candidate = stem
    if candidate != candidate.lower():
        reasons.append("编号只用小写字母")
        candidate = candidate.lower()
    candidate = re.sub(r"[\s_]+", "-", candidate)
    if candidate != value and ID_RE.match(candidate):
        return f"，是不是要写“{candidate}”？（{'，'.join(reasons)}）" if reasons else f"，是不是要写“{candidate}”？"
    return f"（{odd}）" if odd else ""
