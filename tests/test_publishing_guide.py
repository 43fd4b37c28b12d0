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


@pytest.fixture(scope="module")
def nginx_site(sample_site, tmp_path_factory):
    """The guide's server block serving the sample site on a free loopback port; yields the site URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run scripts/setup.sh --dev")
    block = fenced("nginx")[0]
    assert "listen 80;" in block and "root /var/www/aqcd;" in block
    port = free_port()
    server = block.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("/var/www/aqcd", str(sample_site))
    prefix = tmp_path_factory.mktemp("nginx")
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
    yield f"http://127.0.0.1:{port}"
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
