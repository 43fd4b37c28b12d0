"""Who the editing tools answer: the preview's own pages, on the address the server was started on.

A server on 127.0.0.1 is reachable from every web page the clerk has open: a page on any
origin can send a "simple" request (a form POST, `fetch(..., {mode: "no-cors"})` with
`text/plain`) without a CORS preflight, and a DNS-rebinding page reaches the same server under
its own host name and can read the answers. So (tests/test_attacks.py tries each):

- every request (pages, the forms, the API) must name the server by the address it was started
  on in `Host` (`127.0.0.1:PORT`, `localhost:PORT`; an IP literal when it listens on every
  address): a rebinding page's host name is refused;
- a request that reads content through the API or writes anything must also come from the
  preview's own origin (`Origin`, when the browser sends one; `Sec-Fetch-Site`, when it sends
  one), say `Content-Type: application/json` (a cross-origin page cannot send that without a
  preflight, which is never answered), and carry the per-session secret (`TOKEN_HEADER`) that
  only the preview's own /admin/ page holds.

Anything else is answered 403 and touches nothing. The refusals are Chinese, one sentence each.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import socket
import urllib.parse

TOKEN_HEADER = "X-Campaignkit-Token"
TOKEN_META = "campaignkit-token"  # <meta name=… content=…> on the /admin/ page
# An extra public origin the forms are reached through (HTTPS through nginx, docs/发布指南.md).
ORIGIN_VARIABLE = "CAMPAIGNKIT_ADMIN_ORIGIN"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
ANY_ADDRESS = ("", "0.0.0.0", "::")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def extra_origins() -> tuple[str, ...]:
    value = os.environ.get(ORIGIN_VARIABLE, "").strip().rstrip("/")
    return (value,) if value.startswith(("https://", "http://")) else ()


def host_allowed(host_header: str, bound_host: str, port: int | str) -> bool:
    """`Host` names the server as it was started: its address and port (any IP literal or this
    machine's own name when it listens on every address; never another DNS name, which a
    rebinding page controls)."""
    header = (host_header or "").strip().lower()
    if not header:
        return False
    if header in {o.split("://", 1)[1].lower() for o in extra_origins()}:
        return True
    try:
        parts = urllib.parse.urlsplit("//" + header)
        name, given = parts.hostname, parts.port
    except ValueError:
        return False
    if not name or parts.path or parts.query or parts.username is not None or str(given or 80) != str(port):
        return False
    if bound_host in ANY_ADDRESS:  # this machine's own names too (office-pc, office-pc.local): not an attacker's
        own = socket.gethostname().lower()
        return name in ("localhost", own, own + ".local") or _is_ip_literal(name)
    if _is_loopback(bound_host):
        return name == "localhost" or (_is_ip_literal(name) and _is_loopback(name))
    return name == bound_host.strip("[]").lower()


def page_refusal(environ: dict, bound_host: str) -> str | None:
    """Why a request for a page (any GET) is refused: a foreign Host; None when it is fine."""
    if host_allowed(environ.get("HTTP_HOST", ""), bound_host, environ.get("SERVER_PORT", "")):
        return None
    return "地址不对：预览和内容表单只在启动时的地址上提供（如 http://127.0.0.1:8000/），请用那个地址打开。"


def same_site(environ: dict) -> bool:
    """The browser says the request comes from the server's own pages, or from the address bar
    (`Sec-Fetch-Site`); true as well when it says nothing (not a browser, or an old one)."""
    return environ.get("HTTP_SEC_FETCH_SITE", "same-origin") in ("same-origin", "none")


def api_refusal(environ: dict, bound_host: str, token: str) -> str | None:
    """Why a request that reads content through the API or writes anything is refused; None when it
    comes from the forms' own page."""
    refused = page_refusal(environ, bound_host)
    if refused:
        return refused
    host = environ.get("HTTP_HOST", "").strip().lower()
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and origin.rstrip("/").lower() not in {f"http://{host}", *map(str.lower, extra_origins())}:
        return "只接受内容表单自己页面发来的请求（来源不对）。"
    if not same_site(environ):
        return "只接受内容表单自己页面发来的请求（来自其他网站）。"
    kind = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        return "只接受内容表单自己页面发来的请求（格式应为 application/json）。"
    given = environ.get("HTTP_" + TOKEN_HEADER.upper().replace("-", "_"), "")
    if not given or not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
        return "只接受内容表单自己页面发来的请求（缺少本次会话的密钥）：请刷新 /admin/ 页面后再保存。"
    return None
