"""The forms at /admin/: Decap CMS served from this machine, and its local-files proxy.

`AdminRoutes` answers every request under /admin/ for whatever web server mounts it
(`build.py serve`, or `serve_standalone` below): the page, the generated config.yml, Decap's
own scripts from node_modules/decap-cms/dist (never a CDN), the kit's extra widget, and
/admin/api/v1, which is forwarded to decap-server.

Safety, in layers:
- Only the forms' own page is answered (request_guard): the address the server was started on
  in `Host`, the server's own `Origin`, `Content-Type: application/json` and the per-session
  secret the /admin/ page carries (forms_token.js sends it with every API request); anything
  else gets 403 and nothing is forwarded.
- The API does only what the forms offer (`vet`): the actions Decap's proxy backend uses, every
  path of every action inside a content kind's folder, the media folder or site.yml; no delete
  but of a photo (the collections say `delete: false`), no move or rename in any field
  (`dataFiles[].newPath` included); uploads are photos, limited per request and per session.
- decap-server's middleware runs in decap_proxy.js, which listens on a Unix socket in a folder
  only this user can open (never a TCP port) and refuses any request without the secret this
  process gave it; it is rooted at content/ and its own path check refuses any path that
  resolves outside that folder.
- Serving on an address other than loopback needs a password the operator sets
  (`PASSWORD_VARIABLE`); every request then needs it (HTTP Basic), pages and forms alike.
- Nothing here is written into site/: the admin files are answered from memory and from
  node_modules, never copied into the build.
"""

from __future__ import annotations

import base64
import functools
import hmac
import http.client
import ipaddress
import json
import mimetypes
import os
import posixpath
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from campaignkit.common.problems import BuildError
from campaignkit.content import yaml_edit as yamlmerge
from campaignkit.content.kinds import KINDS, MEDIA, PAGES, SITE, schema_of
from campaignkit.content.photos import SUFFIXES as PHOTO_SUFFIXES
from campaignkit.editing import decap_config as decap
from campaignkit.editing import form_input, new_file
from campaignkit.editing import request_guard as guard

PREFIX = "/admin/"
API = PREFIX + "api/v1"
PASSWORD_VARIABLE = "CAMPAIGNKIT_ADMIN_PASSWORD"
USER = "editor"
# Actions of decap-server's local-files middleware the forms use; anything else is refused.
READS = ("info", "entriesByFolder", "entriesByFiles", "getEntry", "getMedia", "getMediaFile", "getDeployPreview")
ACCEPTED = (*READS, "persistEntry", "persistMedia", "deleteFile", "deleteFiles")
# The kit's own action (answered here, never forwarded): the id a new item would get, shown in its form.
SUGGEST_ID = "suggestId"
ID_WORDS, ID_LETTERS = 4, 40  # a short id: the first words of the title's pinyin
MAX_REQUEST_BYTES = 30_000_000  # one save: a phone photo (~22 MB once base64-encoded) and its item
MAX_SESSION_UPLOAD_BYTES = 500_000_000  # photos uploaded through one running server
PROXY_SCRIPT = Path(__file__).parent / "decap_proxy.js"
PROXY_SECRET_HEADER = "X-Campaignkit-Proxy-Secret"
# Installed beside the kit by scripts/setup.sh (package-lock.json), whatever the content folder.
KIT = Path(__file__).resolve().parents[2]
DECAP_DIST = KIT / "node_modules" / "decap-cms" / "dist"
DECAP_SERVER = KIT / "node_modules" / "decap-server"
WIDGETS = Path(__file__).parent / "forms_widgets.js"
TOKEN_SCRIPT = Path(__file__).parent / "forms_token.js"
# Every answer under /admin/: never framed by another page (clickjacking), never sniffed.
ADMIN_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
NOT_INSTALLED = "内容表单需要的 Decap CMS 还没有安装：请先运行 ./scripts/setup.sh"

mimetypes.add_type("text/javascript", ".js")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_password(host: str) -> str | None:
    """The operator's password: required beyond this machine, and asked for on loopback too when it is
    set (the forms behind nginx's HTTPS listen on 127.0.0.1); BuildError (Chinese) when it is missing."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if is_loopback(host) and not password:
        return None
    if len(password) < 8:
        raise BuildError(
            f"要在 {host or '所有网络地址'} 上提供预览和内容表单，其他电脑也能打开并修改内容，必须先设置密码：\n"
            f"  export {PASSWORD_VARIABLE}='至少 8 位的密码'\n"
            f"打开网页时用户名填 {USER}，密码填这里设置的密码。只在本机使用时不用设置（默认只监听 127.0.0.1）。"
        )
    return password


def check_authorization(header: str | None, password: str | None) -> bool:
    if password is None:
        return True
    if not header or not header.startswith("Basic "):
        return False
    try:
        user, _, given = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user.encode(), USER.encode()) & hmac.compare_digest(given.encode(), password.encode())


def _parts(path) -> tuple[str, ...] | None:
    if not isinstance(path, str) or "\\" in path or "\x00" in path or not path:
        return None
    parts = PurePosixPath(posixpath.normpath(path)).parts
    if not parts or parts[0] in ("/", "..") or ".." in parts:
        return None
    return parts


def item_path(path) -> bool:
    """An item's file (content/<kind>/<id>.yml, pages/<id>.md) or site.yml."""
    parts = _parts(path)
    if parts is None:
        return False
    if parts == (decap.SITE_FILE,):
        return True
    suffixes = (".md",) if parts[0] == PAGES else (".yml", ".yaml")
    return len(parts) == 2 and parts[0] in (*KINDS, PAGES) and parts[1].endswith(suffixes)


def media_path(path) -> bool:
    """A photo in a kind's media folder (content/media/<kind>/…)."""
    parts = _parts(path)
    return (
        parts is not None
        and len(parts) >= 3
        and parts[0] == MEDIA
        and parts[1] in (*KINDS, PAGES)
        and PurePosixPath(parts[-1]).suffix.lower() in PHOTO_SUFFIXES
    )


def media_folder(path) -> bool:
    parts = _parts(path.strip("/") if isinstance(path, str) else path)
    return parts is not None and parts[0] == MEDIA and (len(parts) == 1 or (len(parts) == 2 and parts[1] in (*KINDS, PAGES)))


def allowed_path(path) -> bool:
    """A path (relative to content/) a form may write: an item, a photo, or site.yml."""
    return item_path(path) or media_path(path)


def data_files(request: dict) -> list[dict]:
    """The files a persistEntry request writes (Decap 3: params.dataFiles; older: params.entry)."""
    params = request.get("params") or {}
    entry: dict = params["entry"] if isinstance(params.get("entry"), dict) else {}
    files = list(params.get("dataFiles") or []) + list(entry.get("dataFiles") or [])
    if "path" in entry:
        files.append(entry)
    return [f for f in files if isinstance(f, dict)]


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def check_paths(request: dict) -> list[str]:
    """Every path a proxy request names that its action may not touch (reads included)."""
    action, params = request.get("action"), request.get("params") or {}
    if not isinstance(params, dict):
        return ["params"]
    named: list[tuple[Any, Callable[[Any], Any]]] = []  # (path, the check it must pass)
    if action == "entriesByFolder":
        folder = params.get("folder")
        named.append((folder, lambda f: isinstance(f, str) and f.strip("/") in (*KINDS, PAGES)))
    elif action == "entriesByFiles":
        named += [(f.get("path") if isinstance(f, dict) else f, item_path) for f in _list(params.get("files"))]
    elif action == "getEntry":
        named.append((params.get("path"), item_path))
    elif action == "getMedia":
        named.append((params.get("mediaFolder"), media_folder))
    elif action in ("getMediaFile", "deleteFile"):
        named.append((params.get("path"), media_path))
    elif action == "deleteFiles":
        named += [(p, media_path) for p in _list(params.get("paths"))]
    elif action == "persistMedia":
        asset = params.get("asset")
        named.append((asset.get("path") if isinstance(asset, dict) else asset, media_path))
    elif action == "persistEntry":
        files = data_files(request)
        if not files:
            named.append((None, item_path))
        named += [(f.get("path"), item_path) for f in files]
        named += [(a.get("path") if isinstance(a, dict) else a, media_path) for a in _list(params.get("assets") or [])]
    return [str(p) for p, ok in named if not ok(p)]


def _moves(value, inside: dict | None = None) -> list[str]:
    """Every `newPath` anywhere in a request that is not its own file's path: a move or rename."""
    found = []
    if isinstance(value, dict):
        if "newPath" in value and value["newPath"] not in (None, value.get("path")):
            found.append(str(value["newPath"]))
        for item in value.values():
            found += _moves(item)
    elif isinstance(value, list):
        for item in value:
            found += _moves(item)
    return found


def _upload_bytes(request: dict) -> int:
    """The bytes of the photos a request uploads (base64 in the request)."""
    params = request.get("params") or {}
    assets = [params.get("asset"), *_list(params.get("assets") or [])]
    return sum(len(a.get("content") or "") * 3 // 4 for a in assets if isinstance(a, dict) and isinstance(a.get("content"), str))


def vet(request) -> str | None:
    """Why the forms' server refuses a proxy request (Chinese); None when it does only what the forms offer."""
    if not isinstance(request, dict) or not isinstance(request.get("action"), str):
        return "请求格式不对"
    action = request["action"]
    if action not in ACCEPTED:
        if action.startswith("delete"):
            return "内容表单不能删除内容条目：已发布的网址不能从表单里消失，确需删除时请直接删除 content/ 里的文件"
        return f"内容表单不提供这种操作（{action[:40]}）"
    moved = _moves(request.get("params"))
    if moved:
        return f"内容表单不能移动或改名文件：{'、'.join(moved)[:200]}"
    refused = check_paths(request)
    if refused:
        if action in ("deleteFile", "deleteFiles"):
            return f"内容表单只能删除 content/media/ 里的照片，不能删除：{'、'.join(refused)[:200]}"
        return f"表单只能读写 content/ 里的内容文件和照片，不能用于：{'、'.join(refused)[:200]}"
    return None


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, socket_path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class Proxy:
    """decap-server's local-files middleware (decap_proxy.js), rooted at content/, reachable only by
    this process: a Unix socket in a folder of mode 0700, and a secret on every request."""

    def __init__(self, content_root: Path):
        self.content_root = content_root.resolve()
        self.process: subprocess.Popen | None = None
        self.folder: str | None = None
        self.socket_path = ""
        self.secret = secrets.token_urlsafe(32)

    def start(self) -> None:
        node = shutil.which("node")
        if not (DECAP_SERVER / "dist" / "middlewares.js").is_file() or node is None:
            raise BuildError(NOT_INSTALLED)
        _remove_stale_folders()
        self.folder = tempfile.mkdtemp(prefix="campaignkit-forms-")  # mode 0700: only this user
        self.socket_path = os.path.join(self.folder, "proxy.sock")
        env = {**os.environ, "GIT_REPO_DIRECTORY": str(self.content_root), "LOG_LEVEL": "error"}
        log = open(os.path.join(self.folder, "proxy.log"), "wb")  # the child writes its errors here
        self.process = subprocess.Popen(
            [node, str(PROXY_SCRIPT), str(DECAP_SERVER), self.socket_path],
            env=env,
            cwd=self.content_root,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),
        )
        assert self.process.stdin is not None  # opened with stdin=PIPE above
        try:
            self.process.stdin.write(self.secret.encode() + b"\n")  # never in its environment or arguments
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it exited at once: the loop below reports what it said
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                with open(os.path.join(self.folder, "proxy.log"), "rb") as written:
                    said = written.read().decode("utf-8", "replace")[-500:]
                raise BuildError("内容表单的后台程序（decap-server）没能启动：" + said)
            if os.path.exists(self.socket_path) and os.stat(self.socket_path).st_mode & 0o077 == 0:
                return
            time.sleep(0.05)
        self.stop()
        raise BuildError("内容表单的后台程序（decap-server）20 秒内没有启动")

    def forward(self, body: bytes) -> Response:
        conn = _UnixConnection(self.socket_path, timeout=60)
        try:
            conn.request("POST", "/api/v1", body, {"Content-Type": "application/json", PROXY_SECRET_HEADER: self.secret})
            reply = conn.getresponse()
            return Response(reply.status, reply.read(), {"Content-Type": reply.getheader("Content-Type", "application/json")})
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


class AdminRoutes:
    """Everything under /admin/; `respond` is what a web server calls for such a path."""

    def __init__(self, content_root: Path, site_title: str = "", site_url: str = "/"):
        self.dist = DECAP_DIST
        if not (self.dist / "decap-cms.js").is_file():
            raise BuildError(NOT_INSTALLED)
        self.proxy = Proxy(content_root)
        self.config = _yaml_bytes(decap.config(proxy_url=API, site_url=site_url))
        self.token = guard.new_token()  # this session's secret: only the /admin/ page holds it
        self.page = _page(site_title, self.token).encode("utf-8")
        self.bound_host = "127.0.0.1"  # the address the server is started on (FormServer sets it)
        self.uploaded = 0  # photo bytes accepted in this session
        self._upload_lock = threading.Lock()

    def start(self) -> None:
        self.proxy.start()

    def stop(self) -> None:
        self.proxy.stop()

    def respond(self, method: str, path: str, body: bytes = b"", environ: dict | None = None) -> Response:
        """The answer to one request; `environ` (WSGI) carries the headers the guard reads."""
        environ = environ or {}
        path = path.split("?", 1)[0]
        refused = guard.page_refusal(environ, self.bound_host)
        if refused:
            return _json(403, {"error": refused}) if path == API else _text(403, refused)
        if path == API:
            return self._api(method, body, environ)
        if method not in ("GET", "HEAD"):
            return Response(405, "不支持这种请求".encode())
        if path in ("/admin", PREFIX, PREFIX + "index.html"):
            return _ok(self.page, "text/html; charset=utf-8", cache="no-store")
        if path == PREFIX + "config.yml":
            return _ok(self.config, "text/yaml; charset=utf-8")
        if path == PREFIX + "widgets.js":
            return _ok(WIDGETS.read_bytes(), "text/javascript; charset=utf-8")
        if path == PREFIX + "token.js":
            return _ok(TOKEN_SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        name = path[len(PREFIX + "decap/") :] if path.startswith(PREFIX + "decap/") else None
        if name and "/" not in name and not name.startswith(".") and (self.dist / name).is_file():
            return _ok(
                (self.dist / name).read_bytes(),
                mimetypes.guess_type(name)[0] or "application/octet-stream",
                cache="public, max-age=86400",
            )
        return Response(404, "没有这个页面".encode(), {"Content-Type": "text/plain; charset=utf-8"})

    def _api(self, method: str, body: bytes, environ: dict) -> Response:
        if method != "POST":
            return _json(405, {"error": "不支持这种请求"})
        refused = guard.api_refusal(environ, self.bound_host, self.token)
        if refused:
            return _json(403, {"error": refused})
        try:
            request = json.loads(body)
        except ValueError:
            return _json(400, {"error": "请求格式不对"})
        if isinstance(request, dict) and request.get("action") == SUGGEST_ID:
            return self.suggest_id(request.get("params"))
        refused = vet(request)
        if refused:
            return _json(403, {"error": refused})
        missing = self.missing_photo(request)
        if missing:  # decap-server would answer 500 "Unknown error"
            return _json(404, {"error": f"找不到照片 {missing}：可能已被删除或改名，请重新选择照片"})
        size = _upload_bytes(request)
        with self._upload_lock:
            if self.uploaded + size > MAX_SESSION_UPLOAD_BYTES:
                return _json(
                    413,
                    {
                        "error": f"这次运行已经上传了 {self.uploaded // 1_000_000} MB 照片，"
                        f"每次最多 {MAX_SESSION_UPLOAD_BYTES // 1_000_000} MB：请重新启动预览后再上传"
                    },
                )
            self.uploaded += size
        return self.proxy.forward(json.dumps(self.accepted(request), ensure_ascii=False).encode("utf-8"))

    def missing_photo(self, request: dict) -> str | None:
        """The photo a getMediaFile request asks for when content/ has no such file (vetted: a media path)."""
        path = (request.get("params") or {}).get("path") if request.get("action") == "getMediaFile" else None
        return path if isinstance(path, str) and not (self.proxy.content_root / path).is_file() else None

    def suggest_id(self, params) -> Response:
        """The id a new item gets (`decap.ID_FIELD`, which the collection's slug is made from): the
        month of its date (or this month) and the pinyin of the first words of its title,
        2026-12-xintai-feixian; valid (ID_RE) and not taken in its folder. Empty without a title."""
        params = params if isinstance(params, dict) else {}
        kind, text, date = params.get("collection"), params.get("text"), params.get("date")
        if kind not in (*KINDS, PAGES) or not isinstance(text, str):
            return _json(400, {"error": "请求格式不对"})
        # Kinds that must have a date (cases, patrol rounds, events) start with its month; enterprises,
        # people, lessons and free pages are named by their title alone, as the sample's are (hengshun-wuliu).
        required = KINDS[kind].schema.get("required", ()) if kind in KINDS else ()
        dated = (
            any(spec.get("x-date") and name in required for name, spec in KINDS[kind].fields.items()) if kind in KINDS else False
        )
        month = date[:7] if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date) else ""
        month = (month or time.strftime("%Y-%m")) if dated else ""
        words = new_file.suggest_id(text[:200]).split("-") if text.strip() else []
        if not re.search(r"[a-z0-9]", text.lower()) and not re.search(r"[\u3400-\u9fff]", text):
            words = []
        short = ""
        for word in words[:ID_WORDS]:
            if short and len(short) + len(word) >= ID_LETTERS:
                break
            short = f"{short}-{word}" if short else word[:ID_LETTERS]
        if not short:
            return _json(200, {"id": ""})
        taken = new_file._existing_ids(self.proxy.content_root / kind)
        return _json(200, {"id": new_file.suggest_id(f"{month}-{short}" if month else short, taken)})

    def accepted(self, request: dict) -> dict:
        """An accepted request (guard and `vet` passed) as it is passed on to decap-server: the one
        place every request the forms send goes through on its way to content/."""
        if request.get("action") == "persistEntry":
            form_input.normalise(request)  # emptied fields removed, never written as ''
            self._keep_untouched(request)
        return request

    def _keep_untouched(self, request: dict) -> bool:
        """Decap rewrites a whole file on save, dropping its comments and [a, b] lists: save only
        what the form changed into the existing file instead (yamlmerge). True if a file was merged."""
        merged = False
        for data_file in data_files(request):
            path, raw = data_file.get("path", ""), data_file.get("raw")
            target = self.proxy.content_root / path
            kind = PurePosixPath(path).parts[0] if path else ""
            schema = KINDS[kind].schema if kind in KINDS else schema_of(SITE) if path == decap.SITE_FILE else None
            if not isinstance(raw, str) or schema is None or not path.endswith((".yml", ".yaml")) or not target.is_file():
                continue
            try:
                data_file["raw"] = yamlmerge.merge_text(target.read_text(encoding="utf-8"), raw, list(schema["properties"]))
                merged = True
            except (YAMLError, ValueError):
                continue  # a file the kit cannot read either: the form's version replaces it
        return merged


def wsgi_app(routes: AdminRoutes):
    """`routes` as a WSGI application, for a server that mounts /admin/ (build.py serve's `mount`).

    decap-server stops when this process exits (atexit, or the kernel if it is killed)."""
    import atexit
    import threading

    lock = threading.Lock()

    atexit.register(routes.stop)

    def app(environ, start_response):
        with lock:
            if routes.proxy.process is None:  # normally started by whoever mounts the app
                routes.start()
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            reply = _json(400, {"error": "请求格式不对"})
        elif length > MAX_REQUEST_BYTES:
            reply = _json(413, {"error": f"一次保存的照片太大（最多 {MAX_REQUEST_BYTES // 1_000_000} MB），请先缩小照片"})
        else:
            reply = routes.respond(method, path, environ["wsgi.input"].read(length) if length else b"", environ)
        status = f"{reply.status} {http.client.responses.get(reply.status, '')}"
        headers = [*reply.headers.items(), ("Content-Length", str(len(reply.body))), *ADMIN_HEADERS.items()]
        start_response(status, headers)
        return [b"" if method == "HEAD" else reply.body]

    app.routes = routes  # type: ignore[attr-defined]  # so whoever mounted it can stop decap-server
    return app


def mount_on_preview(content_root: Path, site_url: str = "/"):
    """Put the forms at /admin/ on `build.py serve` (loopback only); returns the Mount, or None
    when Decap is not installed (the preview runs all the same)."""
    from campaignkit.editing import preview_server as serve

    try:
        routes = AdminRoutes(content_root, site_url=site_url)
    except BuildError as exc:
        print(exc.message, file=sys.stderr)  # the preview still runs; the forms need setup.sh
        return None
    routes.start()  # here, in the main thread: see _die_with_parent
    # No reload script in /admin/: a reload would throw away a form being filled in. The preview
    # pages reload themselves when a save changes content/.
    return serve.mount(PREFIX, app=wsgi_app(routes), title="内容表单（Decap CMS）", reload=False)


def _ok(body: bytes, kind: str, cache: str = "no-cache") -> Response:
    return Response(200, body, {"Content-Type": kind, "Cache-Control": cache})


def _text(status: int, text: str) -> Response:
    return Response(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


def _json(status: int, data: dict) -> Response:
    return Response(
        status, json.dumps(data, ensure_ascii=False).encode("utf-8"), {"Content-Type": "application/json; charset=utf-8"}
    )


def _yaml_bytes(data: dict) -> bytes:
    import io

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(json.loads(json.dumps(data)), out)  # plain copies: no YAML anchors for shared lists
    return out.getvalue().encode("utf-8")


def _page(site_title: str, token: str) -> str:
    from html import escape

    title = escape(f"内容表单 · {site_title}" if site_title else "内容表单")
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        '<link rel="icon" href="data:,">\n'  # no /favicon.ico request: a 404 on every visit
        f'<meta name="{guard.TOKEN_META}" content="{escape(token)}">\n'
        f"<title>{title}</title>\n</head>\n<body>\n"
        '<script src="token.js"></script>\n'
        '<script src="decap/decap-cms.js"></script>\n<script src="widgets.js"></script>\n'
        "</body>\n</html>\n"
    )


def _remove_stale_folders() -> None:
    """Folders of proxies killed (with the kit) before they could clean up: no socket, a minute old."""
    for folder in Path(tempfile.gettempdir()).glob("campaignkit-forms-*"):
        try:
            info = folder.lstat()
            if info.st_uid == os.getuid() and time.time() - info.st_mtime > 60 and not (folder / "proxy.sock").exists():
                shutil.rmtree(folder)
        except OSError:
            continue


def _die_with_parent(parent: int) -> None:
    """In the decap-server child: the kernel kills it when the thread that started it ends
    (PR_SET_PDEATHSIG), so a killed `build.py serve` leaves no proxy behind. Start the proxy
    from the main thread (mount_on_preview, FormServer) for that reason."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
