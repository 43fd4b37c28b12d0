"""What the browser tests share: a loopback web server that behaves like the real deployment,
Chromium launch settings for a WeChat-like phone, and the checks themselves.

Every check is a plain function that returns a list of problems (empty when all is well), so
the same function is used by the page tests and by test_checks_catch_breakage.py, which breaks
each property on purpose and asserts that the check reports it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import mimetypes
import os
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, never a downloaded one (design-notes). No background traffic of its own,
# so every request a test sees comes from the page.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin "
    "NetType/4G Language/zh_CN ABI/arm64"
)
PHONE = dict(
    viewport={"width": 375, "height": 740},
    device_scale_factor=2,
    is_mobile=True,
    has_touch=True,
    user_agent=WECHAT_UA,
    locale="zh-CN",
    timezone_id="Asia/Shanghai",
)

# The pages a reader reaches from a shared link: one of each kind the issue names.
CHECKED_PAGES = {
    "home": "",
    "case": "cases/hengshun-cangku-feixian/",
    "enterprise": "enterprises/hengshun-wuliu/",
    "lesson": "lessons/feixian-chongdian/",
    "facilities": "facilities/",
    "event": "events/yantaohui-2023-07/",
}

# Every kind of page the site has, for the accessibility scan.
PAGE_TYPES = {
    **CHECKED_PAGES,
    "cases": "cases/",
    "case-list": "cases/all/",
    "case-anonymous": "cases/sushe-loudao-tingfang/",
    "enterprises": "enterprises/",
    "people": "people/",
    "person": "people/chen-guilan/",
    "lessons": "lessons/",
    "facility": "facilities/dongmen-chongdian/",
    "patrols": "patrols/",
    "patrol": "patrols/round-01/",
    "events": "events/",
    "downloads": "downloads/",
    "free-page": "about/",
    "not-found": "no-such-page/",  # 404.html, served with status 404
}


# --------------------------------------------------------------------------- the web server

# What nginx compresses with `gzip on; gzip_types text/css application/javascript application/json
# image/svg+xml application/xml application/atom+xml;` (text/html is always compressed by nginx).
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml", "application/atom+xml")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("image/webp", ".webp")
mimetypes.add_type("application/atom+xml", ".xml")  # feed.xml; sitemap.xml is also fine as this


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server
    server: _Server

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self._serve(body=False)

    def do_GET(self):
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        root = self.server.root
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        prefix = self.server.prefix
        if not (url_path + "/").startswith(prefix):  # outside the site's path: nothing there
            return self._send(404, b"not found", "text/plain", body)
        target = (root / url_path[len(prefix) :]).resolve()
        status = 200
        if root not in (target, *target.parents):
            target, status = root / "404.html", 404
        elif target.is_dir():
            if not url_path.endswith("/"):
                return self._send(301, b"", "text/plain", body, extra={"Location": url_path + "/"})
            target = target / "index.html"
        if not target.is_file():
            target, status = root / "404.html", 404
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        data = self.server.read(target)
        encoding = None
        if self.server.gzip and "gzip" in self.headers.get("Accept-Encoding", "") and ctype.startswith(GZIP_TYPES):
            data, encoding = self.server.compressed(target), "gzip"
        self._send(status, data, ctype, body, encoding=encoding)

    def _send(
        self, status: int, data: bytes, ctype: str, body: bool, encoding: str | None = None, extra: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(data)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, use_gzip: bool, prefix: str = "/"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.gzip = use_gzip
        self.prefix = prefix

    @functools.cache  # noqa: B019 -- one server per test session: the cache lives as long as it
    def read(self, path: Path) -> bytes:
        return path.read_bytes()

    @functools.cache  # noqa: B019 -- as above
    def compressed(self, path: Path) -> bytes:
        return gzip.compress(self.read(path), compresslevel=6, mtime=0)


class SiteServer:
    """Serves a built site on 127.0.0.1 (a free port) in a background thread.

    Like the production nginx: index.html for folders, 404.html with status 404, and gzip for
    text types (HTML, CSS, JavaScript, JSON, SVG, XML) when the browser asks for it. Page weight
    is measured with compression on, because that is what a phone downloads from a server set up
    as docs-lighthouse.md asks (`gzip on` with those types); use_gzip=False shows the difference.
    """

    def __init__(self, root: Path, use_gzip: bool = True, prefix: str = "/"):
        """prefix: the path the site is served below ("/sub/" for a site built with
        base_url https://example.org/sub/); anything outside it is a plain 404."""
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self._server = _Server(Path(root), use_gzip, self.prefix)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    def url(self, path: str = "") -> str:
        return f"{self.origin}{self.prefix}{path}"


# --------------------------------------------------------------------------- watching a page


@dataclass
class Watch:
    """Everything a page did on the network and in the console while a test looked at it."""

    host: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)  # cut off by the page leaving, not a fault
    console_errors: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request to another host: {u}" for u in self.foreign]
            + [f"failed request: {u}" for u in self.failed]
            + [f"console error: {m}" for m in self.console_errors]
        )


def watch(context, host: str) -> Watch:
    """Record every request of a browser context (pages and their workers). Requests to any host
    but the local server are recorded and aborted, so a test never waits on the internet."""
    w = Watch(host)
    # How many navigations each frame has started: a request still in flight when its frame
    # navigates away is cancelled by the browser (net::ERR_ABORTED), which says nothing about
    # the site. Counting at request time orders it: the navigation request is always issued
    # before the old document's requests are cancelled.
    navigations: dict = {}
    started_in: dict = {}

    def frame_of(request):
        try:
            return request.frame
        except Exception:  # a worker's request has no frame
            return None

    def on_request(request):
        w.requests.append(request.url)
        frame = frame_of(request)
        if frame is not None:
            if request.is_navigation_request():
                navigations[frame] = navigations.get(frame, 0) + 1
            else:
                started_in[request] = (frame, navigations.get(frame, 0))
        if not _is_local(request.url, host):
            w.foreign.append(request.url)

    def on_response(response):
        w.responses.append(response)
        if response.status >= 400:
            w.failed.append(f"{response.url} (HTTP {response.status})")

    def on_failed(request):
        if not _is_local(request.url, host):  # foreign ones are already reported, and aborted by us
            return
        frame, generation = started_in.pop(request, (None, 0))
        if request.failure == "net::ERR_ABORTED" and frame is not None and navigations.get(frame, 0) > generation:
            w.abandoned.append(request.url)
        else:
            w.failed.append(f"{request.url} ({request.failure})")

    def route(r):
        if _is_local(r.request.url, host):
            r.continue_()
        else:
            r.abort("blockedbyclient")

    context.route("**/*", route)
    context.on("request", on_request)
    context.on("response", on_response)
    context.on("requestfailed", on_failed)
    context.on("requestfinished", lambda request: started_in.pop(request, None))
    context.on("page", lambda page: _watch_console(page, w))
    for page in context.pages:
        _watch_console(page, w)
    return w


def _watch_console(page, w: Watch) -> None:
    page.on(
        "console", lambda m: w.console_errors.append(f"{m.text} @ {m.location.get('url', '')}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: w.console_errors.append(f"uncaught {e}"))


def _is_local(url: str, host: str) -> bool:
    scheme, netloc = urllib.parse.urlsplit(url)[:2]
    return scheme in ("data", "blob", "about") or (scheme == "http" and netloc == host)


# --------------------------------------------------------------------------- checks on a loaded page


def scripts_started(page) -> None:
    """Wait until on-demand.js has started Material's bundle and the kit's scripts. They start
    after the first paint, which on a busy machine can come after the `load` event: a tap made
    before then reaches a page whose quiz buttons are still hidden and whose photo links still
    open the bare picture."""
    page.wait_for_selector("html[data-ck-scripts='started']", state="attached")


def load_everything(page) -> None:
    """Scroll through the page like a reader (swiping sideways through a handout's pages too), so
    lazy images load, then wait until every image has finished (loaded or failed)."""
    page.evaluate("""async () => {
        const step = Math.max(200, window.innerHeight - 100);
        for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
            window.scrollTo(0, y);
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)));
        }
        // boxes that scroll sideways (a handout's pages) are swiped through as well
        for (const box of document.querySelectorAll('.ck-handout-pages')) {
            box.scrollIntoView();
            for (let x = 0; x < box.scrollWidth; x += Math.max(100, box.clientWidth - 50)) {
                box.scrollLeft = x;
                await new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)));
            }
            box.scrollLeft = 0;
        }
        window.scrollTo(0, 0);
        await Promise.all(Array.from(document.images).map(img => img.complete ? null :
            new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
        await document.fonts.ready;
    }""")


def horizontal_overflow(page, width: int = 375) -> list[str]:
    """The page must not scroll sideways or be zoomed out to fit something too wide; when it does,
    name the first few culprits (elements reaching past the right edge, not inside a scrolling box)."""
    found = page.evaluate(
        """(width) => {
        const doc = document.documentElement;
        const out = {innerWidth: window.innerWidth, scrollWidth: Math.max(doc.scrollWidth, document.body.scrollWidth),
                     scale: window.visualViewport ? window.visualViewport.scale : 1, culprits: []};
        window.scrollTo(10000, window.scrollY);
        out.scrollX = window.scrollX;
        window.scrollTo(0, window.scrollY);
        const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p); if (/(auto|scroll|hidden|clip)/.test(s.overflowX)) return p !== document.body && p !== doc; }
            return false; };
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 1 && !scrolls(el)) {
                const s = el.getAttribute('class') || '';
                out.culprits.push(`<${el.tagName.toLowerCase()}${s ? ' class="' + s + '"' : ''}> right=${Math.round(r.right)}`);
            }
        }
        return out;
    }""",
        width,
    )
    problems = []
    if found["innerWidth"] != width or found["scale"] != 1:
        problems.append(f"layout viewport is {found['innerWidth']} px at scale {found['scale']} (expected {width} px, 1)")
    if found["scrollWidth"] > found["innerWidth"] or found["scrollX"] > 0:
        problems.append(f"scrolls sideways: content is {found['scrollWidth']} px wide in a {found['innerWidth']} px viewport")
    if problems:
        problems += [f"too wide: {c}" for c in found["culprits"][:5]]
    return problems


def image_problems(page) -> list[str]:
    """Every <img> loaded (has pixels) and says what it shows (non-empty alt)."""
    images = page.evaluate("""() => Array.from(document.images).map(img => ({
        src: img.currentSrc || img.src, alt: img.getAttribute('alt'),
        ok: img.complete && img.naturalWidth > 0}))""")
    problems = []
    for img in images:
        if not img["ok"]:
            problems.append(f"image did not load: {img['src']}")
        if not (img["alt"] or "").strip():
            problems.append(f"image without alt text: {img['src']}")
    return problems


# A code point no font has: whatever Chromium draws for it is the "missing glyph" box (tofu).
MISSING = "\U0010fffd"


def tofu(page) -> list[str]:
    """Characters of the visible text that are drawn as the missing-glyph box.

    Each distinct character is drawn on a canvas in the font of the element that holds it and
    compared, pixel by pixel, with a code point no font has. Chromium's font fallback is the same
    for canvas and page text, so a character that looks like the missing-glyph box on the canvas
    looks like it on the phone too. Pixels, not widths: in Noto CJK the box is 1 em wide, like a
    real Chinese character."""
    return page.evaluate(
        """(missing) => {
        const canvas = document.createElement('canvas');
        canvas.width = 48; canvas.height = 48;
        const ctx = canvas.getContext('2d', {willReadFrequently: true});
        const draw = (ch, font) => {
            ctx.clearRect(0, 0, 48, 48); ctx.font = font; ctx.textBaseline = 'middle'; ctx.fillStyle = '#000';
            ctx.fillText(ch, 4, 24);
            return ctx.getImageData(0, 0, 48, 48).data;
        };
        const same = (a, b) => { for (let i = 3; i < a.length; i += 4) if (a[i] !== b[i]) return false; return true; };
        const byFont = new Map();
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || !n.data.trim() || el.closest('script, style, noscript, template')) continue;
            const s = getComputedStyle(el);
            if (s.visibility === 'hidden' || el.getClientRects().length === 0) continue;
            const font = `${s.fontStyle} ${s.fontWeight} 32px ${s.fontFamily}`;
            if (!byFont.has(font)) byFont.set(font, new Set());
            for (const ch of n.data) if (ch.trim() && ch.codePointAt(0) > 0x7f) byFont.get(font).add(ch);
        }
        const problems = [];
        for (const [font, chars] of byFont) {
            const box = draw(missing, font);
            const bad = Array.from(chars).filter(ch => same(draw(ch, font), box));
            if (bad.length) problems.push(`${bad.length} characters drawn as missing-glyph boxes in font "${font}": ${bad.slice(0, 20).join('')}`);
        }
        return problems;
    }""",
        MISSING,
    )


def page_problems(page, w: Watch, width: int = 375) -> list[str]:
    """All the per-page checks of the issue, for a page that has been loaded and scrolled through."""
    return w.problems() + horizontal_overflow(page, width) + image_problems(page) + tofu(page)


def transferred(w: Watch) -> tuple[int, list[tuple[int, str]]]:
    """Bytes the browser received (headers + encoded body, as Chromium counts them) for every
    response recorded, and the list of (bytes, url), biggest first."""
    rows = []
    for response in w.responses:
        try:
            sizes = response.request.sizes()
        except Exception:
            continue
        rows.append((sizes["responseHeadersSize"] + sizes["responseBodySize"], response.url))
    rows.sort(reverse=True)
    return sum(n for n, _ in rows), rows


def artifacts_dir() -> Path:
    """test-artifacts/ at the project root (gitignored); ARTIFACTS_DIR overrides it."""
    d = Path(os.environ.get("ARTIFACTS_DIR") or Path(__file__).resolve().parents[2] / "test-artifacts")
    d.mkdir(parents=True, exist_ok=True)
    return d


def content(kind: str) -> dict[str, dict]:
    """The sample content's items of one kind (content/<kind>/*.yml), by id."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    folder = Path(__file__).resolve().parents[2] / "content" / kind
    return {p.stem: yaml.load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yml"))}
