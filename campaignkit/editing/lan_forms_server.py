"""`build.py forms`: the forms (/admin/) and a built site on one small web server.

`build.py serve` (the live preview) mounts the same WSGI application at /admin/ on loopback.
This server is for the cases the preview does not cover: a site folder already built, and
serving on another address (a committee office's second computer), which needs the operator's
password (admin.require_password) for every request, pages and forms alike.

Defended as the preview is (request_guard: the Host it was started on, the forms' own Origin,
JSON and the per-session secret on every API request), and besides:
- password guessing is slowed and stopped per client address (`Attempts`): from the
  DELAY_AFTER-th wrong password on, each answer waits a second longer; after LOCK_AFTER in a
  row the address is locked out for LOCK_SECONDS, even with the right password; each failure
  and each lock-out is logged (logger "campaignkit.forms", shown on the terminal);
- no cookies: HTTP Basic, which the browser keeps for this address only;
- at start-up it says (PLAIN_HTTP_WARNING) that the password and the content travel unencrypted
  over plain HTTP, and what to do instead (an SSH tunnel, or HTTPS through nginx).
"""

from __future__ import annotations

import logging
import mimetypes
import socketserver
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from campaignkit.editing import forms as admin
from campaignkit.editing import request_guard as guard

log = logging.getLogger("campaignkit.forms")
DELAY_AFTER = 3  # wrong passwords from one address before answers slow down
LOCK_AFTER = 8  # wrong passwords in a row before the address is locked out
LOCK_SECONDS = 15 * 60
MAX_DELAY = 5.0
PLAIN_HTTP_WARNING = (
    "注意：这里用的是普通 HTTP（http://），密码和表单里的内容在网络上都是明文传输，同一网络里的人可能截获。\n"
    "更安全的做法（任选一种）：\n"
    "  1. SSH 隧道：这台电脑只监听本机（不加 --host），在另一台电脑上运行\n"
    "     ssh -L 8000:127.0.0.1:8000 用户名@这台电脑的地址\n"
    "     然后在那台电脑的浏览器里打开 http://127.0.0.1:8000/admin/；\n"
    "  2. HTTPS：按 docs/发布指南.md 的“内容表单走 HTTPS”一节，用 nginx 加证书转发到本机的 127.0.0.1:8000。\n"
    "连续输错密码的地址会被放慢并锁定 15 分钟，终端里会记录。"
)


class Attempts:
    """Wrong passwords per client address: a growing delay, then a lock-out (logged)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failures: dict[str, int] = {}
        self.locked_until: dict[str, float] = {}

    def locked(self, address: str) -> bool:
        with self.lock:
            until = self.locked_until.get(address, 0.0)
            if until and time.monotonic() >= until:
                del self.locked_until[address]
                self.failures.pop(address, None)
                return False
            return bool(until)

    def failed(self, address: str) -> float:
        """Count a wrong password; the seconds to wait before answering."""
        with self.lock:
            n = self.failures.get(address, 0) + 1
            self.failures[address] = n
            if n >= LOCK_AFTER:
                self.locked_until[address] = time.monotonic() + LOCK_SECONDS
        if n >= LOCK_AFTER:
            log.warning("内容表单：来自 %s 的密码连续错了 %d 次，已锁定 %d 分钟", address, n, LOCK_SECONDS // 60)
        else:
            log.warning("内容表单：来自 %s 的密码错误（第 %d 次）", address, n)
        return min(MAX_DELAY, float(n - DELAY_AFTER + 1)) if n >= DELAY_AFTER else 0.0

    def succeeded(self, address: str) -> None:
        with self.lock:
            self.failures.pop(address, None)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # Decap asks for several things at once


def static_app(root: Path):
    """Files of a built site; 404.html for anything else."""
    root = Path(root).resolve()

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            missing = root / "404.html"
            body = missing.read_bytes() if missing.is_file() else "没有这个页面".encode()
            start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
            return [body]
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind), ("Cache-Control", "no-cache")])
        return [target.read_bytes()]

    return app


def _refuse(start_response, status: str, text: str, extra: tuple = ()):
    body = text.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *extra])
    return [body]


def forms_app(routes: admin.AdminRoutes, site_dir: Path, password: str | None, attempts: Attempts | None = None):
    forms, site = admin.wsgi_app(routes), static_app(site_dir)
    attempts = attempts or Attempts()

    def app(environ, start_response):
        refused = guard.page_refusal(environ, routes.bound_host)
        if refused:
            return _refuse(start_response, "403 Forbidden", refused)
        address = environ.get("REMOTE_ADDR", "")
        if password is not None and attempts.locked(address):
            return _refuse(start_response, "429 Too Many Requests", "密码错误次数太多，这个地址已被锁定 15 分钟，请稍后再试。")
        if not admin.check_authorization(environ.get("HTTP_AUTHORIZATION"), password):
            if environ.get("HTTP_AUTHORIZATION"):
                time.sleep(attempts.failed(address))
            start_response(
                "401 Unauthorized",
                [
                    ("WWW-Authenticate", 'Basic realm="campaignkit", charset="UTF-8"'),
                    ("Content-Type", "text/plain; charset=utf-8"),
                ],
            )
            return ["需要密码".encode()]
        if password is not None:
            attempts.succeeded(address)
        path = environ.get("PATH_INFO", "/")
        return (forms if path == "/admin" or path.startswith(admin.PREFIX) else site)(environ, start_response)

    return app


class FormServer:
    def __init__(self, routes: admin.AdminRoutes, site_dir: Path, host: str = "127.0.0.1", port: int = 8000):
        self.password = admin.require_password(host)  # BuildError (Chinese) beyond loopback without one
        self.routes = routes
        routes.bound_host = host
        self.attempts = Attempts()
        routes.start()  # from the caller's (main) thread: admin._die_with_parent
        self.httpd = make_server(
            host,
            port,
            forms_app(routes, site_dir, self.password, self.attempts),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}/"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        return thread

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.routes.stop()
