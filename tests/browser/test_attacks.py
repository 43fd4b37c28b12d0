"""Attacks on `build.py serve` with the forms, as a page on another origin and a DNS-rebinding
page would make them (issue 24). Each asserts the server refused and nothing in content/ was
written, moved or deleted, and nothing was read.

The attacker's page is served by a second local web server (another origin, the same machine:
what any local tool's page or a page the clerk opened can reach); the requests it makes reach the
preview, which is what the test records on the server's side."""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
from pathlib import Path

import pytest

from campaignkit.editing import forms as admin
from campaignkit.editing import preview_server as serve
from tests.conftest import PROJECT, SAMPLE_CONTENT

from .support import SiteServer
from .test_serve import free_port

pytestmark = pytest.mark.slow

DRAFT_PERSON = "people/zhao-xiaoli.yml"  # draft, no consent: never public
HIDDEN = "速达"  # the enterprise behind an anonymous case


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with a digest of each file's bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return out


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """`build.py serve` with the forms on a scratch project; yields (server, content, seen) where
    `seen` lists (method, status, error) of every request the forms' API answered."""
    project = tmp_path_factory.mktemp("attacked") / "project"
    shutil.copytree(SAMPLE_CONTENT, project / "content")
    shutil.copytree(PROJECT / "templates", project / "templates")
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    mounted = admin.mount_on_preview(project / "content")
    assert mounted is not None, "Decap CMS is not installed: scripts/setup.sh"
    routes = mounted.app.routes
    seen = []
    respond = routes.respond

    def recording(method, path, body=b"", environ=None):
        reply = respond(method, path, body, environ)
        if path.startswith(admin.API):
            seen.append((method, reply.status, reply.body.decode("utf-8", "replace")))
        return reply

    routes.respond = recording
    server = serve.start(project, project / "content", port=free_port())
    try:
        yield server, project / "content", seen
    finally:
        serve.stop(server)
        serve.MOUNTS.remove(mounted)
        routes.stop()


def request(server, method: str, path: str, host: str | None = None, body: bytes | None = None, headers=None):
    port = server.server_port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


CREATE = {
    "action": "persistEntry",
    "params": {
        "branch": "main",
        "dataFiles": [
            {
                "path": "cases/phishing.yml",
                "slug": "phishing",
                "raw": "title: 领取补贴请点击 http://phish.example/\nfound_on: 2024-03-01\nplace: 共建区\n"
                "hazard: 飞线充电\nrisk: 高\nstatus: 已发现\n",
            }
        ],
        "assets": [],
        "options": {"commitMessage": "x", "useWorkflow": False, "status": "draft"},
    },
}
DELETE = {"action": "deleteFiles", "params": {"branch": "main", "paths": ["cases/hengshun-cangku-feixian.yml"]}}
SITE = {
    "action": "persistEntry",
    "params": {
        "branch": "main",
        "dataFiles": [{"path": "site.yml", "slug": "site", "raw": "title: x\nbase_url: https://evil.example/\n"}],
        "assets": [],
        "options": {"commitMessage": "x", "useWorkflow": False, "status": "draft"},
    },
}
READ = {"action": "getEntry", "params": {"branch": "main", "path": DRAFT_PERSON}}
# <form enctype="text/plain"> sends name=value: this name and value make the body valid JSON.
FORM_NAME = json.dumps(CREATE)[:-2] + ', "pad": "'
FORM_VALUE = '"}}'

ATTACK_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>领奖</title></head><body>
<iframe name="sink" id="sink"></iframe>
<form id="f" method="post" enctype="text/plain" target="sink" action="API_URL">
<input type="hidden" id="field">
</form>
<script>
window.results = [];
window.run = async function (api, bodies, name, value) {
  for (const body of bodies) {  // "simple" requests: no preflight, the browser only hides the answer
    try {
      await fetch(api, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: body});
      results.push("no-cors sent");
    } catch (e) { results.push("no-cors failed " + e); }
  }
  try {  // a plain cross-origin text/plain POST (cors mode, still no preflight): can it read the answer?
    const r = await fetch(api, {method: "POST", headers: {"Content-Type": "text/plain"}, body: bodies[bodies.length - 1]});
    results.push("read " + r.status + " " + (await r.text()));
  } catch (e) { results.push("read blocked"); }
  try {  // JSON with a guessed secret: needs a preflight, which the server never grants
    const r = await fetch(api, {method: "POST", headers: {"Content-Type": "application/json", "X-Campaignkit-Token": "guess"},
                                body: bodies[0]});
    results.push("json " + r.status);
  } catch (e) { results.push("json blocked"); }
  const field = document.getElementById("field");
  field.name = name; field.value = value;
  await new Promise((resolve) => {
    document.getElementById("sink").onload = resolve;
    document.getElementById("f").submit();
  });
  results.push("form sent");
  return results;
};
</script></body></html>
"""


def test_a_page_on_another_origin_cannot_write_delete_or_read(preview, browser, tmp_path):
    server, content, seen = preview
    before = snapshot(content)
    seen.clear()
    api = server.url.rstrip("/") + admin.API
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil/index.html").write_text(ATTACK_PAGE.replace("API_URL", api), encoding="utf-8")
    context = browser.new_context()
    try:
        with SiteServer(tmp_path / "evil") as evil:
            page = context.new_page()
            page.goto(evil.url(""))
            bodies = [json.dumps(b) for b in (CREATE, DELETE, SITE, READ)]
            results = page.evaluate("([api, bodies, n, v]) => run(api, bodies, n, v)", [api, bodies, FORM_NAME, FORM_VALUE])
    finally:
        context.close()
    assert results[:4] == ["no-cors sent"] * 4 and results[-1] == "form sent", results
    assert results[4] == "read blocked" and results[5] == "json blocked", results  # no answer reached the page
    posts = [s for s in seen if s[0] == "POST"]
    assert len(posts) == 6, seen  # 4 no-cors, 1 plain text/plain POST, 1 form: all reached the server …
    assert all(status == 403 for _, status, _ in posts), seen  # … and all were refused
    assert all("只接受内容表单自己页面发来的请求" in error for _, _, error in posts), seen
    assert all("赵小丽" not in error for _, _, error in seen)
    assert not [s for s in seen if s[0] == "POST" and s[1] != 403]  # the JSON one never got past its preflight
    assert snapshot(content) == before


def test_a_foreign_host_gets_neither_pages_nor_content(preview):
    """DNS rebinding: the attacker's host name resolves to 127.0.0.1, the browser sends its own Host."""
    server, content, _ = preview
    before = snapshot(content)
    routes = next(m for m in serve.MOUNTS if m.prefix == admin.PREFIX).app.routes
    port = server.server_port
    own = {"Content-Type": "application/json", admin.guard.TOKEN_HEADER: routes.token}
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}"):
        for path in ("/", "/people/zhao-xiaoli/", "/admin/", "/admin/config.yml", "/livereload/1/1"):
            status, body = request(server, "GET", path, host)
            assert status == 403 and "地址不对" in body and "赵小丽" not in body, (host, path)
        for body in (
            READ,
            {"action": "entriesByFolder", "params": {"branch": "main", "folder": "enterprises", "extension": "yml", "depth": 1}},
        ):
            # even with the session's secret (which such a page cannot have): the Host alone is refused
            status, answer = request(server, "POST", admin.API, host, json.dumps(body).encode(), own)
            assert status == 403 and "赵小丽" not in answer and HIDDEN not in answer, answer
    # another site's page cannot make the preview render handouts (an <img src=…pdf> costs it seconds each)
    status, body = request(server, "GET", "/downloads/patrol-form.pdf", None, None, {"Sec-Fetch-Site": "cross-site"})
    assert status == 403 and "讲义只在预览自己的页面里打开时生成" in body
    status, page = request(server, "GET", "/people/zhao-xiaoli/")
    assert status == 200 and "赵小丽" in page  # the preview's own address still shows drafts
    status, answer = request(server, "POST", admin.API, None, json.dumps(READ).encode(), own)
    assert status == 200 and "赵小丽" in answer  # and the forms' own requests still work
    assert snapshot(content) == before


def test_no_request_moves_renames_or_deletes_even_with_the_secret(preview):
    """Server-side rules match the forms: no move in any field (dataFiles[].newPath included), no delete
    of an item, no path outside the kinds' folders."""
    server, content, _ = preview
    before = snapshot(content)
    routes = next(m for m in serve.MOUNTS if m.prefix == admin.PREFIX).app.routes
    own = {"Content-Type": "application/json", admin.guard.TOKEN_HEADER: routes.token}
    case = "cases/hengshun-cangku-feixian.yml"
    raw = (content / case).read_text(encoding="utf-8")
    move = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": case, "slug": "x", "raw": raw, "newPath": "zzz-moved/hengshun-cangku-feixian.yml"}],
            "assets": [],
            "options": {"commitMessage": "x", "useWorkflow": False, "status": "draft"},
        },
    }
    rename = json.loads(json.dumps(move))
    rename["params"]["dataFiles"][0]["newPath"] = "cases/renamed.yml"
    attempts = [
        move,
        rename,
        DELETE,
        {"action": "deleteFile", "params": {"branch": "main", "path": case}},
        {"action": "deleteEntry", "params": {"collection": "cases", "slug": "hengshun-cangku-feixian"}},
        {
            "action": "persistMedia",
            "params": {"branch": "main", "asset": {"path": "../build.py", "content": "eA==", "encoding": "base64"}},
        },
        {
            "action": "persistMedia",
            "params": {
                "branch": "main",
                "asset": {"path": "media/cases/x.html", "content": "PHNjcmlwdD4=", "encoding": "base64"},
            },
        },
        {"action": "getEntry", "params": {"branch": "main", "path": "../mkdocs.yml"}},
    ]
    for attempt in attempts:
        status, answer = request(server, "POST", admin.API, None, json.dumps(attempt).encode(), own)
        assert status == 403, (attempt["action"], answer)
    assert snapshot(content) == before
    assert not (content / "zzz-moved").exists()


def test_a_dns_rebinding_page_reads_nothing(preview, playwright):
    """A page on rebind.example whose name then resolves to 127.0.0.1 (Chromium's host resolver rules
    stand in for the attacker's DNS): same-origin for the browser, so it could read every answer;
    the preview refuses its Host, for pages and the API alike."""
    from .support import CHROMIUM, CHROMIUM_ARGS

    server, content, seen = preview
    before = snapshot(content)
    seen.clear()
    port = server.server_port
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.example 127.0.0.1"]
    )
    try:
        page = browser.new_page()
        response = page.goto(f"http://rebind.example:{port}/people/zhao-xiaoli/")
        assert response.status == 403 and "赵小丽" not in page.content()
        answers = page.evaluate(
            """async ([bodies]) => {
                const out = [];
                for (const body of bodies) {
                    const r = await fetch('/admin/api/v1', {method: 'POST', body: body,
                                                           headers: {'Content-Type': 'application/json'}});
                    out.push(r.status + ' ' + await r.text());
                }
                for (const path of ['/admin/', '/admin/config.yml', '/enterprises/', '/cases/sushe-loudao-tingfang/']) {
                    const r = await fetch(path);
                    out.push(r.status + ' ' + await r.text());
                }
                return out;
            }""",
            [
                [
                    json.dumps(READ),
                    json.dumps(CREATE),
                    json.dumps(
                        {
                            "action": "entriesByFolder",
                            "params": {"branch": "main", "folder": "enterprises", "extension": "yml", "depth": 1},
                        }
                    ),
                ]
            ],
        )
    finally:
        browser.close()
    assert all(a.startswith("403 ") for a in answers), answers
    assert not [a for a in answers if "赵小丽" in a or HIDDEN in a or "campaignkit-token" in a]
    assert seen == []  # refused by the preview before the forms ever saw them
    assert snapshot(content) == before
