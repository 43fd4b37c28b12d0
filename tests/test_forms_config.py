"""The Decap configuration is generated from the registry and the schema: every field has a widget
of the right kind, and the /admin/ routes are safe by default (loopback, writes only in content/)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from campaignkit.common.problems import BuildError
from campaignkit.content.enums import ENUMERATIONS
from campaignkit.content.kinds import KINDS, PAGES, SITE, schema_of
from campaignkit.editing import decap_config as decap
from campaignkit.editing import forms as admin
from campaignkit.editing import lan_forms_server as formserver
from campaignkit.editing import request_guard as guard
from tests.conftest import SAMPLE_CONTENT

CONFIG = decap.config()
COLLECTIONS = {c["name"]: c for c in CONFIG["collections"]}


def fields_of(kind: str) -> list[dict]:
    c = COLLECTIONS[kind]
    return c["files"][0]["fields"] if "files" in c else c["fields"]


def walk(schema: dict, fields: list[dict], path: str = ""):
    """(path, schema of the field, its Decap widget) for every field of the schema, nested ones too."""
    by_name = {f["name"]: f for f in fields}
    for name, spec in schema["properties"].items():
        where = f"{path}{name}"
        assert name in by_name, f"{where}: no widget in the forms"
        field = by_name[name]
        yield where, spec, field
        if spec.get("type") == "object":
            yield from walk(spec, field["fields"], where + ".")
        elif spec.get("type") == "array" and spec["items"].get("type") == "object":
            yield from walk(spec["items"], field["fields"], where + "[].")


ALL = [(kind, *entry) for kind in (*KINDS, PAGES, SITE) for entry in walk(schema_of(kind), fields_of(kind))]


def test_every_kind_is_a_collection_with_chinese_labels_and_the_interface_in_chinese():
    assert CONFIG["locale"] == "zh_Hans"
    assert set(COLLECTIONS) == {*KINDS, PAGES, SITE}
    for kind, spec in KINDS.items():
        assert COLLECTIONS[kind]["label"] == spec.name
        assert COLLECTIONS[kind]["folder"] == kind  # relative to content/, where decap-server is rooted


def test_every_schema_field_has_a_widget_of_its_kind():
    assert len(ALL) > 100
    for kind, where, spec, field in ALL:
        label = f"{kind}.{where}"
        assert field["widget"], label
        assert field["required"] is (where.split(".")[-1].removesuffix("[]") in _required(kind, where)), label
        assert spec.get("description"), f"{label}: the schema gives no Chinese description for the form"
        assert field["label"] and not field["label"].isascii(), label  # Chinese labels
        if "x-enum" in spec:
            assert field["widget"] == "select", label
            assert [o["value"] for o in field["options"]] == ENUMERATIONS[spec["x-enum"]].texts, label
        elif "x-ref" in spec or "x-ref" in spec.get("items", {}):
            assert field["widget"] == "relation" and field["value_field"] == "{{slug}}", label
            assert field["collection"] == spec.get("x-ref") or spec["items"]["x-ref"], label
            assert field.get("multiple", False) is (spec.get("type") == "array"), label
        elif spec.get("x-photo"):
            assert field["widget"] == "image", label
        elif spec.get("x-markdown"):
            assert field["widget"] == "markdown", label
        elif spec.get("x-date"):
            assert (field["widget"], field["format"], field["time_format"]) == ("datetime", "YYYY-MM-DD", False), label
        elif spec.get("type") == "array":
            assert field["widget"] == "list", label
        elif spec.get("type") == "object":
            assert field["widget"] == "object", label
        elif spec.get("type") in ("integer", "number"):
            assert field["widget"] == "number", label
        elif spec.get("type") == "boolean":
            assert field["widget"] == "boolean", label


def _required(kind: str, where: str) -> set:
    schema = schema_of(kind)
    for step in where.split(".")[:-1]:
        spec = schema["properties"][step.removesuffix("[]")]
        schema = spec["items"] if step.endswith("[]") else spec
    return set(schema.get("required", ()))


def test_help_text_comes_from_the_schema_descriptions():
    case = {f["name"]: f for f in fields_of("cases")}
    assert case["place"]["hint"] == schema_of("cases")["properties"]["place"]["description"]
    assert "已经整改到位" in case["status"]["hint"]  # the enumeration's hints too
    assert case["enterprise"]["display_fields"] == ["name"]  # an enterprise is chosen by name
    assert case["anonymous"]["default"] is True  # the kit's default, from the registry


def test_photos_go_into_the_kinds_media_folder_with_alt_required():
    for kind in KINDS:
        c = COLLECTIONS[kind]
        assert (c["media_folder"], c["public_folder"]) == (f"/media/{kind}", kind)
    photo = {f["name"]: f for f in {f["name"]: f for f in fields_of("cases")}["photos"]["fields"]}
    assert photo["file"]["widget"] == "image" and photo["alt"]["required"] is True


def test_a_field_without_a_widget_fails_loudly():
    with pytest.raises(decap.UnmappedField):
        decap.widget("mystery", {"type": "null", "description": "谜"}, False, "cases")


# What a browser sends to a server started on 127.0.0.1:8000 (wsgiref's SERVER_PORT, the Host header).
OWN = {"HTTP_HOST": "127.0.0.1:8000", "SERVER_PORT": "8000"}


def test_the_config_is_served_as_yaml_decap_reads(tmp_path):
    routes = admin.AdminRoutes(SAMPLE_CONTENT)
    reply = routes.respond("GET", "/admin/config.yml", environ=OWN)
    assert reply.status == 200
    assert YAML(typ="safe", pure=True).load(io.BytesIO(reply.body)) == json.loads(json.dumps(CONFIG))
    page = routes.respond("GET", "/admin/", environ=OWN).body.decode()
    assert '<html lang="zh-CN">' in page and 'src="decap/decap-cms.js"' in page and "http" not in page
    assert f'<meta name="campaignkit-token" content="{routes.token}">' in page
    assert page.index('src="token.js"') < page.index('src="decap/decap-cms.js"')  # before Decap's first request
    assert routes.respond("GET", "/admin/decap/decap-cms.js", environ=OWN).status == 200
    assert routes.respond("GET", "/admin/decap/../../package.json", environ=OWN).status == 404
    assert routes.respond("GET", "/admin/", environ={**OWN, "HTTP_HOST": "evil.example:8000"}).status == 403
    assert routes.token != admin.AdminRoutes(SAMPLE_CONTENT).token  # one secret per session


@pytest.mark.parametrize(
    "path, ok",
    [
        ("cases/new-case.yml", True),
        ("media/cases/a.jpg", True),
        ("site.yml", True),
        ("pages/about.md", True),
        ("../build.py", False),
        ("mkdocs.yml", False),
        ("/etc/passwd", False),
        ("cases/../../x", False),
        ("templates/pages/case.md.j2", False),
        ("media/x.jpg", False),
        ("cases/sub/x.yml", False),
        ("media/cases/page.html", False),
        ("media/cases/x.svg", False),
    ],
)
def test_forms_write_only_content_files_and_photos(path, ok):
    assert admin.allowed_path(path) is ok
    # as Decap 3.16 sends them
    entry = {
        "action": "persistEntry",
        "params": {"branch": "main", "dataFiles": [{"path": path, "raw": "x", "slug": "x"}], "assets": [], "options": {}},
    }
    photo = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": "cases/x.yml", "raw": "x"}],
            "assets": [{"path": path, "content": "eA==", "encoding": "base64"}],
        },
    }
    media = {"action": "persistMedia", "params": {"branch": "main", "asset": {"path": path, "content": "eA=="}}}
    read = {"action": "getEntry", "params": {"branch": "main", "path": path}}
    for request in (entry, photo, media, read):
        ok_here = ok and (admin.item_path(path) if request in (entry, read) else admin.media_path(path))
        assert (admin.vet(request) is None) is ok_here, request["action"]
    delete = {"action": "deleteFiles", "params": {"branch": "main", "paths": [path]}}
    assert (admin.vet(delete) is None) is (ok and path.startswith("media/"))  # the forms delete photos only


@pytest.mark.parametrize(
    "request_",
    [
        {"action": "deleteEntry", "params": {"path": "cases/hengshun-cangku-feixian.yml"}},
        {"action": "deleteFile", "params": {"path": "cases/hengshun-cangku-feixian.yml"}},
        {"action": "deleteFiles", "params": {"paths": ["site.yml"]}},
        {"action": "persistEntry", "params": {"dataFiles": [{"path": "cases/a.yml", "raw": "x", "newPath": "zzz/a.yml"}]}},
        {"action": "persistEntry", "params": {"dataFiles": [{"path": "cases/a.yml", "raw": "x", "newPath": "cases/b.yml"}]}},
        {"action": "persistEntry", "params": {"entry": {"path": "cases/a.yml", "raw": "x", "newPath": "events/a.yml"}}},
        {"action": "persistEntry", "params": {"dataFiles": [], "assets": []}},
        {"action": "entriesByFolder", "params": {"folder": "..", "extension": "yml", "depth": 1}},
        {"action": "entriesByFolder", "params": {"folder": "media", "extension": "jpg", "depth": 9}},
        {"action": "getEntry", "params": {"path": "../mkdocs.yml"}},
        {"action": "getMedia", "params": {"mediaFolder": "cases"}},
        {"action": "getMediaFile", "params": {"path": "site.yml"}},
        {"action": "unpublishedEntries", "params": {}},
        {"action": "publishUnpublishedEntry", "params": {"collection": "cases", "slug": "x"}},
        ["persistEntry"],
    ],
)
def test_the_api_refuses_what_the_forms_do_not_offer(request_):
    assert admin.vet(request_), request_


def test_a_write_outside_content_is_refused_before_it_reaches_the_proxy():
    routes = admin.AdminRoutes(SAMPLE_CONTENT)
    body = json.dumps({"action": "persistMedia", "params": {"asset": {"path": "../build.py", "content": "eA=="}}})
    own = {**OWN, "CONTENT_TYPE": "application/json", "HTTP_X_CAMPAIGNKIT_TOKEN": routes.token}
    reply = routes.respond("POST", "/admin/api/v1", body.encode(), environ=own)
    assert reply.status == 403 and "content/" in json.loads(reply.body)["error"]
    assert routes.proxy.process is None  # never started for a refused request


@pytest.mark.parametrize(
    "change, refusal",
    [
        ({"HTTP_HOST": "evil.example:8000"}, "地址不对"),
        ({"HTTP_HOST": "127.0.0.1:8001"}, "地址不对"),
        ({"HTTP_ORIGIN": "http://evil.example"}, "来源不对"),
        ({"HTTP_ORIGIN": "null"}, "来源不对"),
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, "来自其他网站"),
        ({"CONTENT_TYPE": "text/plain"}, "application/json"),
        ({"CONTENT_TYPE": "application/x-www-form-urlencoded"}, "application/json"),
        ({"HTTP_X_CAMPAIGNKIT_TOKEN": "guessed"}, "密钥"),
        ({"HTTP_X_CAMPAIGNKIT_TOKEN": ""}, "密钥"),
    ],
)
def test_the_api_answers_only_the_forms_own_page(change, refusal):
    routes = admin.AdminRoutes(SAMPLE_CONTENT)
    own = {**OWN, "CONTENT_TYPE": "application/json", "HTTP_X_CAMPAIGNKIT_TOKEN": routes.token}
    body = json.dumps({"action": "getEntry", "params": {"branch": "main", "path": "site.yml"}}).encode()
    reply = routes.respond("POST", "/admin/api/v1", body, environ={**own, **change})
    assert reply.status == 403 and refusal in json.loads(reply.body)["error"]
    assert routes.proxy.process is None


def test_serving_beyond_this_machine_needs_a_password(monkeypatch, tmp_path):
    monkeypatch.delenv(admin.PASSWORD_VARIABLE, raising=False)
    assert admin.require_password("127.0.0.1") is None
    with pytest.raises(BuildError) as refused:
        formserver.FormServer(admin.AdminRoutes(SAMPLE_CONTENT), tmp_path, "0.0.0.0", 0)
    assert admin.PASSWORD_VARIABLE in refused.value.message and "密码" in refused.value.message
    monkeypatch.setenv(admin.PASSWORD_VARIABLE, "long enough secret")
    assert admin.require_password("0.0.0.0") == "long enough secret"
    assert not admin.check_authorization(None, "long enough secret")
    import base64

    good = "Basic " + base64.b64encode(b"editor:long enough secret").decode()
    assert admin.check_authorization(good, "long enough secret")
    assert not admin.check_authorization("Basic " + base64.b64encode(b"editor:wrong").decode(), "long enough secret")


def test_the_file_writing_process_answers_only_the_kit(tmp_path):
    """decap-server's middleware (decap_proxy.js) listens on no TCP port, only on a Unix socket in a
    folder only this user can open, and refuses a direct request without the kit's secret: another
    local client (curl here) writes nothing."""
    import os
    import stat
    import subprocess

    content = tmp_path / "content"
    (content / "cases").mkdir(parents=True)
    proxy = admin.Proxy(content)
    proxy.start()
    try:
        listening = subprocess.run(["ss", "-ltnupH"], capture_output=True, text=True, check=True).stdout
        assert f"pid={proxy.process.pid}," not in listening  # no TCP or UDP port at all
        assert stat.S_IMODE(os.stat(proxy.folder).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(proxy.socket_path).st_mode) == 0o600
        write = {
            "action": "persistMedia",
            "params": {
                "branch": "main",
                "asset": {"path": "cases/x.yml", "content": "eA==", "encoding": "base64"},
                "options": {"commitMessage": "x"},
            },
        }
        for secret in ([], ["-H", f"{admin.PROXY_SECRET_HEADER}: not-the-secret"]):
            direct = subprocess.run(
                [
                    "curl",
                    "-s",
                    "-o",
                    "-",
                    "-w",
                    "\n%{http_code}",
                    "--unix-socket",
                    proxy.socket_path,
                    "-X",
                    "POST",
                    "-H",
                    "Content-Type: application/json",
                    *secret,
                    "-d",
                    json.dumps(write),
                    "http://localhost/api/v1",
                ],
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout
            assert direct.endswith("\n403"), direct
        assert not (content / "cases/x.yml").exists()
        reply = proxy.forward(json.dumps({"action": "info", "params": {"branch": "main"}}).encode())
        assert json.loads(reply.body)["repo"] == "content"
        escape = proxy.forward(
            json.dumps(
                {
                    "action": "persistMedia",
                    "params": {"branch": "main", "asset": {"path": "../outside.txt", "content": "eA==", "encoding": "base64"}},
                }
            ).encode()
        )
        assert escape.status >= 400 and not (tmp_path / "outside.txt").exists()
        assert proxy.forward(json.dumps(write).encode()).status == 200  # the kit itself can write
        assert (content / "cases/x.yml").read_text() == "x"
    finally:
        proxy.stop()
    assert not os.path.exists(proxy.socket_path)


def test_no_page_can_take_the_forms_address(tmp_path):
    import shutil

    from tests.conftest import run_build

    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    (tmp_path / "content/pages/admin.md").write_text("---\ntitle: 后台\n---\n正文\n", encoding="utf-8")
    result = run_build("check", "--content", str(tmp_path / "content"))
    assert result.returncode == 1
    assert "content/pages/admin.md: 页面编号“admin”与栏目网址冲突，请换一个文件名" in result.stderr


@pytest.mark.slow
def test_nothing_of_the_forms_is_part_of_the_built_site(tmp_path):
    from tests.conftest import run_build

    result = run_build("--no-pdf", "--output", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    files = [p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*")]
    assert files and not [f for f in files if f.startswith("admin") or "decap" in f.lower()]
    for page in (tmp_path / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "/admin/" not in text and "decap" not in text.lower(), page


@pytest.mark.slow
def test_a_killed_forms_server_leaves_no_proxy_behind(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import PROJECT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "build.py"),
            "forms",
            "--port",
            str(port),
            "--content",
            str(SAMPLE_CONTENT),
            "--site",
            str(tmp_path),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        proxies = []
        while time.monotonic() < deadline and not proxies:  # a child between fork and exec is still python
            time.sleep(0.2)
            children = [
                int(pid) for task in Path(f"/proc/{server.pid}/task").iterdir() for pid in (task / "children").read_text().split()
            ]
            proxies = [pid for pid in children if "decap-server" in _cmdline(pid)]
        assert proxies, "decap-server was not started"
        (proxy,) = proxies
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    for _ in range(50):
        if not Path(f"/proc/{proxy}").exists() or "Z" in Path(f"/proc/{proxy}/stat").read_text().split()[2]:
            break
        time.sleep(0.1)
    else:
        os.kill(proxy, signal.SIGKILL)
        raise AssertionError("decap-server outlived the killed server")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return ""


def test_uploads_are_limited_per_request_and_per_session():
    routes = admin.AdminRoutes(SAMPLE_CONTENT)
    app = admin.wsgi_app(routes)
    routes.proxy.process = object()  # as if started: a refused request never reaches it
    own = {**OWN, "REQUEST_METHOD": "POST", "PATH_INFO": admin.API, "CONTENT_TYPE": "application/json"}
    own["HTTP_X_CAMPAIGNKIT_TOKEN"] = routes.token
    answers = []

    def start_response(status, headers):
        answers.append(status)

    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("an oversized body is never read")

    body = app({**own, "CONTENT_LENGTH": str(admin.MAX_REQUEST_BYTES + 1), "wsgi.input": Unread()}, start_response)
    assert answers[-1].startswith("413") and "最多 30 MB" in json.loads(b"".join(body))["error"]

    routes.uploaded = admin.MAX_SESSION_UPLOAD_BYTES - 10
    photo = {
        "action": "persistMedia",
        "params": {"branch": "main", "asset": {"path": "media/cases/a.jpg", "content": "eA==" * 10}},
    }
    data = json.dumps(photo).encode()
    body = app({**own, "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data)}, start_response)
    assert answers[-1].startswith("413") and "每次最多 500 MB" in json.loads(b"".join(body))["error"]
    routes.proxy.process = None


def test_the_forms_behind_nginx_accept_their_public_origin_only(monkeypatch):
    """docs/发布指南.md (内容表单走 HTTPS): nginx forwards with Host 127.0.0.1:8000, the browser sends the public Origin."""
    monkeypatch.setenv(guard.ORIGIN_VARIABLE, "https://bianji.aqcd.example.cn")
    routes = admin.AdminRoutes(SAMPLE_CONTENT)
    own = {**OWN, "CONTENT_TYPE": "application/json", "HTTP_X_CAMPAIGNKIT_TOKEN": routes.token}
    assert guard.api_refusal({**own, "HTTP_ORIGIN": "https://bianji.aqcd.example.cn"}, "127.0.0.1", routes.token) is None
    assert guard.api_refusal({**own, "HTTP_ORIGIN": "https://evil.example"}, "127.0.0.1", routes.token)
    assert guard.page_refusal({**own, "HTTP_HOST": "bianji.aqcd.example.cn"}, "127.0.0.1") is None
    assert guard.page_refusal({**own, "HTTP_HOST": "evil.example"}, "127.0.0.1")


@pytest.mark.parametrize(
    "host, bound, ok",
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("127.0.0.1:8001", "127.0.0.1", False),  # another port: another server
        ("127.0.0.1", "127.0.0.1", False),
        ("evil.example:8000", "127.0.0.1", False),  # DNS rebinding
        ("127.0.0.1.nip.io:8000", "127.0.0.1", False),
        ("user@127.0.0.1:8000", "127.0.0.1", False),
        ("", "127.0.0.1", False),
        ("192.168.1.5:8000", "0.0.0.0", True),  # listening on every address: any IP literal of this machine
        ("[fe80::1]:8000", "::", True),
        ("evil.example:8000", "0.0.0.0", False),
        ("192.168.1.5:8000", "192.168.1.5", True),
        ("192.168.1.6:8000", "192.168.1.5", False),
    ],
)
def test_the_host_must_name_the_server_as_it_was_started(host, bound, ok):
    assert guard.host_allowed(host, bound, 8000) is ok
