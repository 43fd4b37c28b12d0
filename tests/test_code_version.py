"""Kept results are keyed by the code that made them (common/code_version.py), not by hand-bumped
constants: a changed line of that code gives another key, a reworded comment or docstring the same."""

from __future__ import annotations

import importlib.util
import sys

from campaignkit.common.code_version import code_digest

ENCODER = '''
QUALITY = 78


def encode(image):
    """Encode a rendition."""
    # one comment
    return image.save(quality=QUALITY, optimize=True)
'''


def _digest_of(tmp_path, name: str, source: str) -> tuple[str, str]:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        return code_digest(module.encode, module.QUALITY), code_digest(module)
    finally:
        del sys.modules[name]


def test_the_key_follows_the_code_not_its_comments(tmp_path):
    first = _digest_of(tmp_path, "encoder_a", ENCODER)
    reworded = ENCODER.replace("# one comment", "# another comment, longer").replace("Encode a rendition.", "Encodes.")
    assert _digest_of(tmp_path, "encoder_b", reworded) == first
    changed = ENCODER.replace("optimize=True", "optimize=False")
    assert all(a != b for a, b in zip(_digest_of(tmp_path, "encoder_c", changed), first))
    setting = ENCODER.replace("QUALITY = 78", "QUALITY = 80")
    function_key, module_key = _digest_of(tmp_path, "encoder_d", setting)
    assert function_key != first[0] and module_key != first[1]


def test_published_photo_names_depend_on_the_encoder(monkeypatch, tmp_path):
    from campaignkit.content import photos

    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"not really a photo, only bytes to hash")
    name = photos.published_name(photo)
    photos._rendition_code.cache_clear()
    monkeypatch.setattr(photos, "QUALITY", photos.QUALITY + 1)
    try:
        assert photos.published_name(photo) != name
    finally:
        photos._rendition_code.cache_clear()
