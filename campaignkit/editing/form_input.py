"""What the forms send, made into what the kit accepts, before anything is written.

Decap writes a whole item on every save, fields the clerk emptied included: a relation cleared
with its ×, a date or number deleted, a text wiped, a list whose last item was removed, a
photo's caption left blank. Decap writes those as `''`, `null`, `[]` or `{}`, which the kit
refuses (`enterprise: ''` is not an id) and which no form can repair, since the form shows the
field as empty either way. The kit's rule is simpler: an empty optional field is absent. So
every file a save writes is normalised here first: a field whose value is empty is removed
(never written as `''`), lists lose their empty items, maps (a photo, a quote) lose their empty
fields and disappear when nothing is left. Nothing else is changed: `false` and `0` are values.

`normalise` is the one call the forms' API proxy (forms.py, `AdminRoutes.accepted`) makes: the
files a save would write are rewritten in the request before it is passed on.
"""

from __future__ import annotations

import json
import re

from ruamel.yaml.error import YAMLError

from campaignkit.content import yaml_edit
from campaignkit.editing.decap_config import ID_FIELD  # the form's own field: the file's name is the id

# Decap 3 writes a page (format: frontmatter) as --- / fields / --- / body.
FRONT_MATTER = re.compile(r"\A(---\s*\n)(.*?\n)(---\s*(?:\n|\Z))(.*)\Z", re.S)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, dict)) and not value)


def clean(value) -> bool:
    """Remove the empty parts of `value` (a map or a list, changed in place, see the module's
    description); True if anything was removed."""
    removed = False
    if isinstance(value, dict):
        for key in list(value):
            removed |= clean(value[key])
            if _empty(value[key]):
                del value[key]
                removed = True
    elif isinstance(value, list):
        for item in value:
            removed |= clean(item)
        kept = [item for item in value if not _empty(item)]
        if len(kept) != len(value):
            value[:] = kept
            removed = True
    return removed


def normalised_yaml(text: str) -> str | None:
    """The YAML text of one item without empty fields; None when it needs no change (or cannot be read:
    then the kit's own check names the mistake, as for any hand-edited file)."""
    try:
        data = yaml_edit.load(text)
    except (YAMLError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    form_only = data.pop(ID_FIELD, None) is not None  # the form's id field: the file name is the id
    if not clean(data) and not form_only:
        return None
    return yaml_edit.dump(data) if data else ""


def normalised_file(path: str, raw: str) -> str | None:
    """A data file as a form would write it (`path` relative to content/), normalised; None if unchanged."""
    if path.endswith(".md"):
        match = FRONT_MATTER.match(raw)
        if match is None:
            return None
        fields = normalised_yaml(match.group(2))
        return None if fields is None else match.group(1) + fields + match.group(3) + match.group(4)
    if path.endswith((".yml", ".yaml")):
        return normalised_yaml(raw)
    return None


def normalise(request) -> bool:
    """A forms' API request with every data file of a save (persistEntry) normalised in place;
    True if anything changed. Any other request is left as it came."""
    if not isinstance(request, dict) or request.get("action") != "persistEntry":
        return False
    params: dict = request["params"] if isinstance(request.get("params"), dict) else {}
    entry: dict = params["entry"] if isinstance(params.get("entry"), dict) else {}
    files = [*(params.get("dataFiles") or []), *(entry.get("dataFiles") or [])] + ([entry] if "path" in entry else [])
    changed = False
    for data_file in files:
        if not isinstance(data_file, dict) or not isinstance(data_file.get("raw"), str):
            continue
        new = normalised_file(str(data_file.get("path", "")), data_file["raw"])
        if new is not None:
            data_file["raw"] = new
            changed = True
    return changed


def normalise_request(request, body: bytes) -> bytes:
    """The body to forward for a forms' API request (`normalise`d, re-encoded only if it changed)."""
    return json.dumps(request, ensure_ascii=False).encode("utf-8") if normalise(request) else body
