"""docs/发布指南.md as written: its nginx configuration serves the sample site, and its checking
commands, run against that server, print what its table says they should."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.slow
GUIDE = PROJECT / "docs" / "发布指南.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fenced(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def snippet() -> str:
    """The guide's /etc/nginx/snippets/aqcd-security.conf."""
    (block,) = [b for b in fenced("nginx") if b.startswith("# 内容安全策略")]
    return block


def _nginx() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run scripts/setup.sh --dev")
    return nginx


def _certificate(prefix: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for `name`, valid a day: (certificate, key)."""
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _run_nginx(prefix: Path, server: str, port: int) -> subprocess.Popen:
    """nginx with `server` (one or more server blocks) in its http block, under `prefix`, until it listens on `port`."""
    nginx = _nginx()
    # Started as root (the CI container), nginx's workers would run as nobody and not read pytest's tmp folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server}
}}
""",
        encoding="utf-8",
    )
    test = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True, text=True)
    assert test.returncode == 0 and "test is successful" in test.stderr, test.stderr
    proc = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return proc


def start_nginx(site: Path, prefix: Path, https: bool = False) -> tuple[subprocess.Popen, str]:
    """The guide's server block (with its security snippet; over HTTPS with a self-signed
    certificate and the HSTS line when `https`) serving `site` on a free loopback port."""
    block = fenced("nginx")[0]
    assert "listen 80;" in block and "root /var/www/aqcd;" in block
    port = free_port()
    (prefix / "snippets").mkdir(parents=True)
    security = snippet()
    if https:
        (hsts,) = [b for b in fenced("nginx") if b.startswith("add_header Strict-Transport-Security")]
        security += hsts
        cert, key = _certificate(prefix, "aqcd.example.cn")
        (tls,) = [b for b in fenced("nginx") if "listen 443 ssl;" in b and "aqcd.example.cn.pem" in b and "bianji" not in b]
        head = tls.split("    # ……第 3 步里从 index 开始的其余内容……")[0]
        rest = block[block.index("    index index.html;") :]
        block = (head + rest).replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        block = block.replace("/etc/nginx/ssl/aqcd.example.cn.pem", str(cert))
        block = block.replace("/etc/nginx/ssl/aqcd.example.cn.key", str(key))
    else:
        block = block.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (prefix / "snippets/aqcd-security.conf").write_text(security, encoding="utf-8")
    proc = _run_nginx(prefix, block.replace("/var/www/aqcd", str(site)), port)
    return proc, f"{'https' if https else 'http'}://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def nginx_site(sample_site, tmp_path_factory):
    """The guide's server block serving the sample site on a free loopback port; yields the site URL."""
    proc, url = start_nginx(sample_site, tmp_path_factory.mktemp("nginx"))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_the_guides_checks_print_what_it_promises(nginx_site, sample_site):
    block = fenced("bash")[0].splitlines()
    assert block[0] == "SITE=https://aqcd.example.cn"
    outputs = []
    for command in block[1:]:
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=sample_site.parent,
            env={"SITE": nginx_site, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=30,
        )
        outputs.append(result.stdout)
    home, css, search, pdf, photo, bundle, missing, slash = outputs
    assert home == "200 text/html; charset=utf-8\n"
    assert set(css.splitlines()) == {"Content-Type: text/css; charset=utf-8", "Cache-Control: no-cache", "Content-Encoding: gzip"}
    assert set(search.splitlines()) == {"Content-Type: application/json; charset=utf-8", "Content-Encoding: gzip"}
    assert set(pdf.splitlines()) == {"Content-Type: application/pdf", "Cache-Control: no-cache"}
    assert photo == bundle == "Cache-Control: public, max-age=31536000, immutable\n"
    assert missing == "404\n"
    assert slash == f"301 {nginx_site}/cases/\n"


def test_the_404_page_and_the_feed(nginx_site):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{nginx_site}/no-such-page/")
    assert error.value.code == 404 and "共建区安全充电" in error.value.read().decode()
    with urllib.request.urlopen(f"{nginx_site}/feed.xml") as r:
        assert r.headers["Content-Type"] == "application/atom+xml; charset=utf-8"


def _headers(url: str) -> tuple[int, dict]:
    import ssl
    import urllib.error
    import urllib.request

    context = ssl._create_unverified_context()  # the test's self-signed certificate
    try:
        with urllib.request.urlopen(url, context=context) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_the_guides_csp_allows_exactly_the_sites_inline_scripts(sample_site):
    from campaignkit.website import csp

    line = next(x for x in snippet().splitlines() if x.startswith("add_header Content-Security-Policy"))
    assert line == f'add_header Content-Security-Policy "{csp.policy(sample_site)}" always;'
    assert "'unsafe-inline'" not in line and "'unsafe-eval'" not in line and "frame-ancestors 'self'" in line


def test_every_answer_of_the_site_carries_the_security_headers(nginx_site, sample_site):
    from campaignkit.website import csp

    photo = next((sample_site / "media").iterdir()).name
    bundle = next((sample_site / "assets/javascripts").glob("bundle.*.min.js")).name
    paths = [
        "/",
        "/cases/",
        "/assets/campaign.css",
        f"/assets/javascripts/{bundle}",
        f"/media/{photo}",
        "/feed.xml",
        "/search/search_index.json",
        "/downloads/patrol-form.pdf",
        "/no-such-page/",
    ]
    for path in paths:
        status, headers = _headers(nginx_site + path)
        assert status in (200, 404), path
        assert headers.get("content-security-policy") == csp.policy(sample_site), path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", path
        assert headers.get("x-frame-options") == "SAMEORIGIN", path
        assert headers.get("server") == "nginx", path  # server_tokens off: no version
        assert "strict-transport-security" not in headers  # only once HTTPS works
    status, headers = _headers(nginx_site + "/admin/")
    assert status == 404
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_the_https_section_adds_hsts(sample_site, tmp_path):
    proc, url = start_nginx(sample_site, tmp_path / "nginx", https=True)
    try:
        for path in ("/", "/media/", "/no-such-page/"):
            status, headers = _headers(url + path)
            assert headers.get("strict-transport-security") == "max-age=31536000", (path, status)
            assert headers.get("x-content-type-options") == "nosniff" and headers.get("server") == "nginx"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_forms_through_the_guides_https_proxy(tmp_path, monkeypatch):
    """docs/发布指南.md “内容表单走 HTTPS”: nginx with TLS forwards to `build.py forms` on 127.0.0.1; the
    forms ask for the password, accept their public origin and refuse any other."""
    import base64
    import http.client
    import json
    import ssl

    from campaignkit.editing import forms as admin
    from campaignkit.editing import lan_forms_server as formserver
    from tests.conftest import SAMPLE_CONTENT

    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (tmp_path / "site").mkdir()
    port = free_port()
    public = f"https://bianji.aqcd.example.cn:{port}"
    monkeypatch.setenv(admin.PASSWORD_VARIABLE, "office secret 2024")
    monkeypatch.setenv(admin.guard.ORIGIN_VARIABLE, public)
    routes = admin.AdminRoutes(content)
    forms = formserver.FormServer(routes, tmp_path / "site", "127.0.0.1", 0)
    forms.start_in_thread()
    forms_port = forms.httpd.server_address[1]
    (block,) = [b for b in fenced("nginx") if "server_name bianji.aqcd.example.cn;" in b]
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    cert, key = _certificate(prefix, "bianji.aqcd.example.cn")
    server = (
        block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        .replace("/etc/nginx/ssl/bianji.aqcd.example.cn.pem", str(cert))
        .replace("/etc/nginx/ssl/bianji.aqcd.example.cn.key", str(key))
        .replace("127.0.0.1:8000", f"127.0.0.1:{forms_port}")
    )
    proc = _run_nginx(prefix, server, port)
    auth = {"Authorization": "Basic " + base64.b64encode(b"editor:office secret 2024").decode()}

    def ask(method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ssl._create_unverified_context())
        try:
            conn.putrequest(method, path, skip_host=True)
            for k, v in {"Host": f"bianji.aqcd.example.cn:{port}", **(headers or {})}.items():
                conn.putheader(k, v)
            conn.putheader("Content-Length", str(len(body or b"")))
            conn.endheaders(body)
            reply = conn.getresponse()
            return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read().decode("utf-8", "replace")
        finally:
            conn.close()

    try:
        status, headers, _ = ask("GET", "/admin/")
        assert status == 401 and headers["strict-transport-security"] == "max-age=31536000"
        status, headers, page = ask("GET", "/admin/", headers=auth)
        assert status == 200 and routes.token in page and headers["x-frame-options"] == "DENY"
        read = json.dumps({"action": "getEntry", "params": {"branch": "main", "path": "site.yml"}}).encode()
        api = {**auth, "Content-Type": "application/json", admin.guard.TOKEN_HEADER: routes.token}
        status, _, answer = ask("POST", admin.API, read, {**api, "Origin": public})
        assert status == 200 and "base_url" in answer
        status, _, answer = ask("POST", admin.API, read, {**api, "Origin": "https://evil.example"})
        assert status == 403 and "来源不对" in answer
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        forms.shutdown()
