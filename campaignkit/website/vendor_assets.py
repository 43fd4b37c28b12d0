"""Browser libraries the site ships, taken from pinned PyPI packages at build time (never a CDN,
never copied into this repository).

GLightbox (the photo lightbox) comes from mkdocs-glightbox, which bundles GLightbox's
minified JavaScript and CSS. Its MkDocs plugin is not enabled: it would add an inline
<style>, an inline script and a render-blocking <script> to every page, which the safety
audit refuses and Lighthouse penalises. assets/reader.js loads the two files only on pages
that have photos.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

GLIGHTBOX = ("glightbox.min.js", "glightbox.min.css")


def copy_vendor_assets(target: Path) -> None:
    """Put the vendored browser files into the staging site's assets/vendor/."""
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("mkdocs_glightbox") / "glightbox"
    for name in GLIGHTBOX:
        with resources.as_file(source / name) as path:
            shutil.copyfile(path, target / name)
