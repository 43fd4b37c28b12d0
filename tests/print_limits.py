"""Content filled to the limits the format allows (issue 26): every text field of one item to its
maxLength and every list to its maxItems, read from the schema itself, so a limit added or
raised later is tested without touching this file.

Texts are Chinese without digits (no phone-number look-alikes) from an alphabet of their own per
kind, so a long enterprise name never turns up inside another kind's text (which the privacy
rules would refuse for an anonymous case). Lists of references hold every distinct existing id
(the content has no more) where they are printed (lessons); photo lists repeat the item's own photos.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from campaignkit.content.kinds import KINDS

ALPHABETS = {
    "enterprises": "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉",
    "default": "巡查队上门检查发现电线从窗口拉到楼下给车辆充电整改后改到集中充电处",
}
# The item of each kind that feeds the most handouts (an open case with an enterprise: the notice too).
FULL_ITEM = {
    "cases": "wuliu-bangonglou-feixian",
    "enterprises": "hengshun-wuliu",
    "people": "sun-haibo",
    "lessons": "qishou-dianchi",  # in one event and two cases: the leanest build that still shows them all
    "patrols": "round-08",
    "facilities": "wuliu-chongdian",
    "events": "qishou-jiangzuo-2023-09",
    "pledges": "qiye",
}


def text_of_length(n: int, alphabet: str, seed: int = 0) -> str:
    """`n` characters, a comma every 15 and a full stop every 60, starting at `seed` in the alphabet."""
    out = []
    for i in range(n):
        if i % 60 == 59:
            out.append("。")
        elif i % 15 == 14:
            out.append("，")
        else:
            out.append(alphabet[(i + seed) % len(alphabet)])
    return "".join(out)


def markdown_of_length(n: int, alphabet: str) -> str:
    paragraphs, total, k = [], 0, 0
    while True:
        para = text_of_length(398, alphabet, k)
        if total + len(para) + 2 > n:
            break
        paragraphs.append(para)
        total += len(para) + 2
        k += 1
    return "\n\n".join(paragraphs)


def fill(value, spec: dict, existing: dict[str, list[str]], alphabet: str, seed: int = 0):
    """`value` (the item's own, or None) filled to the limits of `spec`."""
    if "enum" in spec or ("pattern" in spec and "x-ref" not in spec):
        return value
    if "x-ref" in spec:
        return value
    kind = spec.get("type")
    if kind == "string" and spec.get("x-photo"):
        return value
    if kind == "string" and "maxLength" in spec and not spec.get("x-date"):
        if spec.get("x-markdown"):
            return markdown_of_length(spec["maxLength"], alphabet)
        return text_of_length(spec["maxLength"], alphabet, seed)
    if kind == "array":
        items = spec["items"]
        limit = spec["maxItems"]
        if "x-ref" in items:  # lessons are printed inside cases and packs: all of them; other references stay
            return existing["lessons"][:limit] if items["x-ref"] == "lessons" and value is not None else value
        if items.get("pattern"):  # aliases and the like: ids, not text
            return value
        own = list(value or [])
        if items.get("type") == "object" and "file" in items.get("properties", {}):  # photos: repeat its own
            if not own:
                return value
            return [fill(dict(own[i % len(own)]), items, existing, alphabet, i) for i in range(limit)]
        if items.get("type") == "object":
            if not own:
                return value
            return [fill(dict(own[i % len(own)]), items, existing, alphabet, i) for i in range(limit)]
        return [fill(None, items, existing, alphabet, i) for i in range(limit)]
    if kind == "object":
        if value is None:
            return value
        out = dict(value)
        for key, sub in spec["properties"].items():
            if key in out or (sub.get("type") == "array" and key == "options"):
                filled = fill(out.get(key), sub, existing, alphabet, seed)
                if filled is not None:
                    out[key] = filled
        return out
    return value


def fill_item(content: Path, folder: str, item_id: str | None = None) -> Path:
    """Fill one item of `folder` (FULL_ITEM's by default) to every limit; returns its file."""
    item_id = item_id or FULL_ITEM[folder]
    path = content / folder / f"{item_id}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    existing = {kind: sorted(p.stem for p in (content / kind).glob("*.yml")) for kind in KINDS}
    alphabet = ALPHABETS.get(folder, ALPHABETS["default"])
    schema = KINDS[folder].schema
    for key, spec in schema["properties"].items():
        if key in ("draft", "aliases", "allow_personal_data", "enterprise"):
            continue
        if key == "quiz":  # questions keep their kind and answer; options only where the kind has them
            questions = data.get("quiz") or []
            data["quiz"] = (
                [_full_question(dict(questions[i % len(questions)]), spec["items"], alphabet, i) for i in range(spec["maxItems"])]
                if questions
                else questions
            )
            continue
        filled = fill(data.get(key), spec, existing, alphabet)
        if filled is not None and (key in data or (spec.get("type") in ("string", "array") and _fillable(spec))):
            data[key] = filled
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return path


class _NoAliases(yaml.SafeDumper):
    """Repeated photos and questions written out in full (the kit refuses YAML aliases)."""

    def ignore_aliases(self, data):
        return True


def _fillable(spec: dict) -> bool:
    """A field the item does not have yet that can be filled without inventing facts (texts, lists of texts)."""
    if spec.get("type") == "string":
        return "maxLength" in spec and not spec.get("x-date") and not spec.get("pattern") and not spec.get("x-photo")
    items = spec.get("items", {})
    return items.get("type") == "string" and not items.get("pattern") and "x-ref" not in items


def _full_question(q: dict, spec: dict, alphabet: str, seed: int) -> dict:
    props = spec["properties"]
    q["question"] = text_of_length(props["question"]["maxLength"], alphabet, seed)
    q["explanation"] = text_of_length(props["explanation"]["maxLength"], alphabet, seed + 1)
    if q.get("options"):
        q["options"] = [
            text_of_length(props["options"]["items"]["maxLength"], alphabet, seed + i)
            for i in range(props["options"]["maxItems"])
        ]
    return q
