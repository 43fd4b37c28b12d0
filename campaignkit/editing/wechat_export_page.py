"""The 公众号 export page inside the live preview (`build.py serve`), through serve.mount().

The preview builds into .build/preview/site/ and, like every build, writes the articles to the
wechat/ folder beside it; this serves that folder under /wechat/ on the preview server (never
on the public site). The export page shows photos from the site beside it (../site/…): here
they are pointed at the preview's own pages. Call `register()` before the server starts.
"""

from __future__ import annotations

import mimetypes
import posixpath
import urllib.parse
from pathlib import Path

from ruamel.yaml import YAML

from campaignkit.wechat import articles as wechat

PREFIX = f"/{wechat.OUTPUT_DIR}/"
TITLE = "公众号文章导出"


def _site_path(content_root: Path) -> str:
    """Where the preview serves the site: the path part of site.yml's base_url."""
    try:
        base = YAML(typ="safe").load((content_root / "site.yml").read_text(encoding="utf-8")).get("base_url") or "/"
    except Exception:  # a broken site.yml: the preview shows its error page anyway
        base = "/"
    return urllib.parse.urlparse(str(base)).path or "/"


def export_app(environ, start_response):
    """WSGI app for PREFIX: the export page and the article fragments of the last good build."""
    preview = environ["campaignkit.preview"]
    folder = Path(preview.site_dir).parent / wechat.OUTPUT_DIR
    rel = posixpath.normpath(environ["PATH_INFO"][len(PREFIX) :] or "index.html").lstrip("/")
    path = folder / rel
    if rel.startswith("..") or not path.is_file():
        body = "<!doctype html><meta charset=utf-8><title>没有这篇文章</title><p>没有这篇文章。内容有问题时，请先改好再看。</p>"
        start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode("utf-8")]
    data = path.read_bytes()
    if rel == "index.html":
        local = wechat.SITE_FROM_OUTPUT.format(site=Path(preview.site_dir).name)
        site_path = _site_path(Path(preview.content_root))
        for attribute in ("src", "href"):  # previews and the download links of the numbered photos
            data = data.replace(f'{attribute}="{local}'.encode(), f'{attribute}="{site_path}'.encode())
    kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
    start_response(
        "200 OK",
        [
            ("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [data]


def register() -> bool:
    """Mount the export page on the preview server; False when this kit has no preview server."""
    try:
        from campaignkit.editing import preview_server as serve
    except ImportError:
        return False
    if not any(m.prefix == PREFIX for m in serve.MOUNTS):
        serve.mount(PREFIX, app=export_app, title=TITLE)
    return True
