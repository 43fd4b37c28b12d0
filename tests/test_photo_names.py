"""The name a photo is published under (media.published_name) is a hash of its bytes; within a
build (media.remembered_inspections) it is taken from what an earlier build found for the same
file, and a file with new bytes always gets a new name, even under the same name, size and mtime."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import SAMPLE_CONTENT

from campaignkit.content import photos as media

PHOTOS = sorted((SAMPLE_CONTENT / "media" / "cases").glob("*.jpg"))


def test_a_photo_keeps_its_name_without_being_read_and_new_bytes_get_a_new_one(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    photo = tmp_path / "a.jpg"
    shutil.copyfile(PHOTOS[0], photo)
    with media.remembered_inspections(cache):
        first = media.published_name(photo)
    assert first == media.published_name(photo)  # the same as a build without memory finds

    def unread(self):
        raise AssertionError(f"{self} read again")

    with monkeypatch.context() as m, media.remembered_inspections(cache):
        m.setattr(Path, "read_bytes", unread)
        assert media.published_name(photo) == first

    # Other bytes of the same size, under the same name and mtime (a photo replaced by a copy tool
    # that keeps times): the change time still tells.
    info = photo.stat()
    data = bytearray(photo.read_bytes())
    data[-3] ^= 0xFF
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert photo.stat().st_size == info.st_size
    with media.remembered_inspections(cache):
        second = media.published_name(photo)
    assert second != first and second == media.published_name(photo)
