"""The Content-Security-Policy the published site needs, read from the built site itself.

The site loads everything from its own host (scripts, styles, photos, the search index and
worker) and runs a few inline scripts MkDocs Material writes into every page (the storage scope,
which names the page's depth, and the content-tabs anchor): each is allowed by its SHA-256
hash, nothing else inline. docs/发布指南.md carries the policy for the sample site in its nginx
configuration; tests/test_publishing_guide.py checks that it is exactly this one, and
tests/browser/test_csp.py that the site runs under it with no violation.

    .venv/bin/python -m campaignkit.website.csp site/    # prints the nginx add_header line
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
# Data blocks, which no browser runs (CSP does not apply): JSON, and the theme's scripts that
# templates/overrides/main.html holds as text/x-after-paint for on-demand.js to start.
_DATA_TYPES = re.compile(r"""type\s*=\s*["']?(application/json|application/ld\+json|text/x-after-paint)""", re.I)

# Everything from the site's own host; no inline code but the hashed scripts; never framed by
# another site; no plugins, no <base>, forms only to itself.
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self' {hashes}"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'self'"),
)


def inline_script_hashes(site_dir: Path) -> list[str]:
    """'sha256-…' of every inline script (executable ones: not JSON data blocks) in the site's pages, sorted."""
    found = set()
    for page in Path(site_dir).rglob("*.html"):
        for match in _SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attrs = match.group("attrs")
            if re.search(r"\ssrc\s*=", attrs) or _DATA_TYPES.search(attrs):
                continue
            digest = base64.b64encode(hashlib.sha256(match.group("body").encode("utf-8")).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def policy(site_dir: Path) -> str:
    hashes = " ".join(inline_script_hashes(site_dir))
    return "; ".join(f"{name} {value.format(hashes=hashes)}".strip() for name, value in DIRECTIVES)


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    print(f'add_header Content-Security-Policy "{policy(site)}" always;')
