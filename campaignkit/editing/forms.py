"""The forms at /admin/: Decap CMS served from this machine, and its local-files proxy.

`AdminRoutes` answers every request under /admin/ for whatever web server mounts it
(`build.py serve`, or `serve_standalone` below): the page, the generated config.yml, Decap's
own scripts from node_modules/decap-cms/dist (never a CDN), the kit's extra widget, and
/admin/api/v1, which is forwarded to decap-server.

Safety, in layers:
- decap-server (MODE=fs) has no authentication; it is started bound to 127.0.0.1 on a free
  port and rooted at content/ (GIT_REPO_DIRECTORY), and its own path check refuses any path
  that resolves outside that folder. Only this process talks to it.
- Before forwarding, every path a write names must lie in a content kind's folder, the media
  folder or site.yml (`check_paths`): a form can never replace build.py or mkdocs.yml.
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
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from campaignkit.common.problems import BuildError
from campaignkit.content import yaml_edit as yamlmerge
from campaignkit.content.kinds import KINDS, MEDIA, PAGES, SITE, schema_of
from campaignkit.editing import decap_config as decap

PREFIX = "/admin/"
API = PREFIX + "api/v1"
PASSWORD_VARIABLE = "CAMPAIGNKIT_ADMIN_PASSWORD"
USER = "editor"
# Proxy actions that write or delete files (decap-server's local-files middleware).
WRITES = (
    "persistEntry",
    "persistMedia",
    "deleteFile",
    "deleteFiles",
    "deleteEntry",
    "deleteUnpublishedEntry",
    "updateUnpublishedEntryStatus",
    "publishUnpublishedEntry",
)
MAX_REQUEST_BYTES = 80_000_000  # a few phone photos, base64-encoded, in one save
# Installed beside the kit by scripts/setup.sh (package-lock.json), whatever the content folder.
KIT = Path(__file__).resolve().parents[2]
DECAP_DIST = KIT / "node_modules" / "decap-cms" / "dist"
DECAP_SERVER = KIT / "node_modules" / "decap-server" / "dist" / "index.js"
WIDGETS = Path(__file__).parent / "forms_widgets.js"
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
    """The operator's password when serving beyond this machine; BuildError (Chinese) when it is missing."""
    if is_loopback(host):
        return None
    password = os.environ.get(PASSWORD_VARIABLE, "")
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


def allowed_path(path: str) -> bool:
    """A path (relative to content/) a form may write or delete: an item, a photo, or site.yml."""
    if not isinstance(path, str) or "\\" in path or "\x00" in path:
        return False
    parts = PurePosixPath(posixpath.normpath(path)).parts
    if not parts or parts[0] in ("/", "..") or ".." in parts:
        return False
    if parts == (decap.SITE_FILE,):
        return True
    if parts[0] == MEDIA:
        return len(parts) >= 3 and parts[1] in (*KINDS, PAGES)
    return len(parts) == 2 and parts[0] in (*KINDS, PAGES)


def data_files(request: dict) -> list[dict]:
    """The files a persistEntry request writes (Decap 3: params.dataFiles; older: params.entry)."""
    params = request.get("params") or {}
    entry = params.get("entry") if isinstance(params.get("entry"), dict) else {}
    files = list(params.get("dataFiles") or []) + list(entry.get("dataFiles") or [])
    if "path" in entry:
        files.append(entry)
    return [f for f in files if isinstance(f, dict)]


def check_paths(request: dict) -> list[str]:
    """Every path a proxy request would write or delete that is not allowed."""
    if request.get("action") not in WRITES:
        return []
    params = request.get("params") or {}
    paths = [f.get("path") for f in data_files(request)]
    paths += [a.get("path") for a in [params.get("asset"), *(params.get("assets") or [])] if isinstance(a, dict)]
    paths += [params[key] for key in ("path", "newPath") if key in params]
    paths += list(params.get("paths") or [])
    return [str(p) for p in paths if not allowed_path(p)]


class Proxy:
    """decap-server in local-files mode, on loopback, rooted at content/."""

    def __init__(self, content_root: Path):
        self.content_root = content_root.resolve()
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        script = DECAP_SERVER
        node = shutil.which("node")
        if not script.is_file() or node is None:
            raise BuildError(NOT_INSTALLED)
        self.port = _free_port()
        env = {
            **os.environ,
            "MODE": "fs",
            "BIND_HOST": "127.0.0.1",
            "PORT": str(self.port),
            "GIT_REPO_DIRECTORY": str(self.content_root),
            "LOG_LEVEL": "error",
        }
        self.process = subprocess.Popen(
            [node, str(script)],
            env=env,
            cwd=self.content_root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BuildError(
                    "内容表单的后台程序（decap-server）没能启动：" + self.process.stderr.read().decode("utf-8", "replace")[-500:]
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise BuildError("内容表单的后台程序（decap-server）20 秒内没有启动")

    def forward(self, body: bytes) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", "/api/v1", body, {"Content-Type": "application/json"})
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


class AdminRoutes:
    """Everything under /admin/; `respond` is what a web server calls for such a path."""

    def __init__(self, content_root: Path, site_title: str = "", site_url: str = "/"):
        self.dist = DECAP_DIST
        if not (self.dist / "decap-cms.js").is_file():
            raise BuildError(NOT_INSTALLED)
        self.proxy = Proxy(content_root)
        self.config = _yaml_bytes(decap.config(proxy_url=API, site_url=site_url))
        self.page = _page(site_title).encode("utf-8")

    def start(self) -> None:
        self.proxy.start()

    def stop(self) -> None:
        self.proxy.stop()

    def respond(self, method: str, path: str, body: bytes = b"") -> Response:
        path = path.split("?", 1)[0]
        if path == API:
            return self._api(method, body)
        if method not in ("GET", "HEAD"):
            return Response(405, "不支持这种请求".encode())
        if path in ("/admin", PREFIX, PREFIX + "index.html"):
            return _ok(self.page, "text/html; charset=utf-8")
        if path == PREFIX + "config.yml":
            return _ok(self.config, "text/yaml; charset=utf-8")
        if path == PREFIX + "widgets.js":
            return _ok(WIDGETS.read_bytes(), "text/javascript; charset=utf-8")
        name = path[len(PREFIX + "decap/") :] if path.startswith(PREFIX + "decap/") else None
        if name and "/" not in name and not name.startswith(".") and (self.dist / name).is_file():
            return _ok(
                (self.dist / name).read_bytes(),
                mimetypes.guess_type(name)[0] or "application/octet-stream",
                cache="public, max-age=86400",
            )
        return Response(404, "没有这个页面".encode(), {"Content-Type": "text/plain; charset=utf-8"})

    def _api(self, method: str, body: bytes) -> Response:
        if method != "POST":
            return Response(405)
        try:
            request = json.loads(body)
        except ValueError:
            return _json(400, {"error": "请求格式不对"})
        refused = check_paths(request) if isinstance(request, dict) else ["?"]
        if refused:
            return _json(403, {"error": f"表单只能修改 content/ 里的内容文件和照片，不能写入：{'、'.join(refused)}"})
        if request.get("action") == "persistEntry" and self._keep_untouched(request):
            body = json.dumps(request, ensure_ascii=False).encode("utf-8")
        return self.proxy.forward(body)

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
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_REQUEST_BYTES:
            reply = Response(413, "一次上传的照片太大".encode(), {"Content-Type": "text/plain; charset=utf-8"})
        else:
            reply = routes.respond(method, path, environ["wsgi.input"].read(length) if length else b"")
        status = f"{reply.status} {http.client.responses.get(reply.status, '')}"
        headers = [*reply.headers.items(), ("Content-Length", str(len(reply.body))), ("X-Content-Type-Options", "nosniff")]
        start_response(status, headers)
        return [b"" if method == "HEAD" else reply.body]

    app.routes = routes  # so whoever mounted it can stop decap-server
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


def _page(site_title: str) -> str:
    from html import escape

    title = escape(f"内容表单 · {site_title}" if site_title else "内容表单")
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{title}</title>\n</head>\n<body>\n"
        '<script src="decap/decap-cms.js"></script>\n<script src="widgets.js"></script>\n'
        "</body>\n</html>\n"
    )


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
