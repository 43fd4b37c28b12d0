"""A small web server for the forms: /admin/ from `admin.AdminRoutes`, everything else from a
built site folder. `build.py serve` mounts the same routes into its live preview; this server
is what `build.py forms` runs on its own (and what the tests drive)."""
from __future__ import annotations

import http.server
import mimetypes
import threading
import urllib.parse
from pathlib import Path

from . import admin


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "FormServer"

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, headers: dict, head: bool = False) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _authorized(self) -> bool:
        if admin.check_authorization(self.headers.get("Authorization"), self.server.password):
            return True
        self._send(401, "需要密码".encode(), {"WWW-Authenticate": 'Basic realm="campaignkit", charset="UTF-8"',
                                            "Content-Type": "text/plain; charset=utf-8"})
        return False

    def _handle(self, method: str) -> None:
        if not self._authorized():
            return
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/admin" or path.startswith(admin.PREFIX):
            length = int(self.headers.get("Content-Length") or 0)
            if length > admin.MAX_REQUEST_BYTES:
                self._send(413, "一次上传的照片太大".encode(), {"Content-Type": "text/plain; charset=utf-8"})
                return
            body = self.rfile.read(length) if length else b""
            reply = self.server.routes.respond(method, path, body)
            self._send(reply.status, reply.body, reply.headers, head=method == "HEAD")
            return
        self._static(path, head=method == "HEAD")

    def _static(self, path: str, head: bool) -> None:
        root = self.server.site_dir
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            missing = root / "404.html"
            body = missing.read_bytes() if missing.is_file() else "没有这个页面".encode()
            self._send(404, body, {"Content-Type": "text/html; charset=utf-8"}, head)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, target.read_bytes(), {"Content-Type": kind, "Cache-Control": "no-cache"}, head)

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")


class FormServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: admin.AdminRoutes, site_dir: Path, host: str = "127.0.0.1", port: int = 8000):
        self.password = admin.require_password(host)
        self.routes = routes
        self.site_dir = Path(site_dir).resolve()
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread
