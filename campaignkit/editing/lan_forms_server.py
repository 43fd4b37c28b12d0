"""`build.py forms`: the forms (/admin/) and a built site on one small web server.

`build.py serve` (the live preview) mounts the same WSGI application at /admin/ on loopback.
This server is for the cases the preview does not cover: a site folder already built, and
serving on another address (a committee office's second computer), which needs the operator's
password (admin.require_password) for every request, pages and forms alike."""

from __future__ import annotations

import mimetypes
import socketserver
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from campaignkit.editing import forms as admin


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


def forms_app(routes: admin.AdminRoutes, site_dir: Path, password: str | None):
    forms, site = admin.wsgi_app(routes), static_app(site_dir)

    def app(environ, start_response):
        if not admin.check_authorization(environ.get("HTTP_AUTHORIZATION"), password):
            start_response(
                "401 Unauthorized",
                [
                    ("WWW-Authenticate", 'Basic realm="campaignkit", charset="UTF-8"'),
                    ("Content-Type", "text/plain; charset=utf-8"),
                ],
            )
            return ["需要密码".encode()]
        path = environ.get("PATH_INFO", "/")
        return (forms if path == "/admin" or path.startswith(admin.PREFIX) else site)(environ, start_response)

    return app


class FormServer:
    def __init__(self, routes: admin.AdminRoutes, site_dir: Path, host: str = "127.0.0.1", port: int = 8000):
        self.password = admin.require_password(host)  # BuildError (Chinese) beyond loopback without one
        self.routes = routes
        routes.start()  # from the caller's (main) thread: admin._die_with_parent
        self.httpd = make_server(
            host, port, forms_app(routes, site_dir, self.password), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

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
