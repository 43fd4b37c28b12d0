"""`build.py wechat`: drafts in the 公众号, against a local server that implements the documented
requests and responses of the calls it makes (the real 公众号 cannot be reached from here).

What the server implements, from the 公众号 documentation:
- POST /cgi-bin/stable_token {grant_type, appid, secret[, force_refresh]} → {access_token, expires_in};
  40013 invalid appid, 40125 invalid appsecret, 40164 the caller's IP not on the whitelist.
- POST /cgi-bin/media/uploadimg?access_token= (multipart `media`, jpg/png under 1 MB) → {url} on
  mmbiz.qpic.cn; 40005 invalid file type, 40009 too large.
- POST /cgi-bin/material/add_material?access_token=&type=image (multipart `media`) → {media_id, url}.
- POST /cgi-bin/draft/add {articles: [{title, author, digest, content, content_source_url,
  thumb_media_id, …}]} → {media_id}; body images from any other host are filtered out of a draft.
- POST /cgi-bin/draft/update {media_id, index, articles} → {errcode: 0}; 40007 invalid media_id.
- every call with an access token: 40001 when the token is not valid; any call can answer 45009
  (daily quota), 48001 (no permission) or -1 (system busy).
"""

from __future__ import annotations

import email.parser
import email.policy
import http.server
import itertools
import json
import re
import threading
import urllib.parse
from pathlib import Path

import pytest
from PIL import Image

from campaignkit.commandline import main as cli
from campaignkit.wechat import drafts

APPID, SECRET = "wx0123456789abcdef", "s3cret-for-tests"
BASE = "https://aqcd.example.cn/"
IMAGE_HOST = "http://mmbiz.qpic.cn/"


class FakeWechat(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.whitelisted = True
        self.tokens: set[str] = set()
        self.images: dict[str, bytes] = {}  # url → bytes (uploadimg)
        self.materials: dict[str, bytes] = {}  # media_id → bytes (add_material)
        self.drafts: dict[str, dict] = {}  # media_id → article
        self.calls: list[str] = []
        self.fail: dict[str, int] = {}  # path → an error code to answer once
        self.filtered: list[str] = []  # body images the server dropped (not its own)
        self.numbers = itertools.count(1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeWechat

    def log_message(self, *args):
        pass

    def _answer(self, data: dict) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(200)  # the interface answers errors with 200 and an errcode
        self.send_header("Content-Type", "application/json; encoding=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, message: str) -> None:
        self._answer({"errcode": code, "errmsg": f"{message} rid: 6579f0a2-1b2c3d4e-5f607182"})

    def do_POST(self):
        s = self.server
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        s.calls.append(url.path)
        if url.path in s.fail:
            code = s.fail.pop(url.path)
            return self._error(code, {45009: "reach max api daily quota limit", 48001: "api unauthorized",
                                      -1: "system error", 40001: "invalid credential"}.get(code, "error"))  # fmt: skip
        if url.path == "/cgi-bin/stable_token":
            data = json.loads(body)
            if not s.whitelisted:
                return self._error(40164, "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist")
            if data.get("grant_type") != "client_credential" or data.get("appid") != APPID:
                return self._error(40013, "invalid appid")
            if data.get("secret") != SECRET:
                return self._error(40125, "invalid appsecret")
            token = f"TOKEN{next(s.numbers)}"
            s.tokens.add(token)
            return self._answer({"access_token": token, "expires_in": 7200})
        if query.get("access_token") not in s.tokens:
            return self._error(40001, "invalid credential, access_token is invalid or not latest")
        if url.path in ("/cgi-bin/media/uploadimg", "/cgi-bin/material/add_material"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body
            )
            parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
            if "media" not in parts or not parts["media"].get_filename():
                return self._error(41005, "media data missing")
            data = parts["media"].get_payload(decode=True)
            if not (data.startswith(b"\xff\xd8") or data.startswith(b"\x89PNG")):
                return self._error(40005, "invalid file type")
            if url.path == "/cgi-bin/media/uploadimg":
                if len(data) >= 1024 * 1024:
                    return self._error(40009, "invalid image size")
                image_url = f"{IMAGE_HOST}mmbiz_jpg/{next(s.numbers)}/0"
                s.images[image_url] = data
                return self._answer({"url": image_url})
            if query.get("type") != "image":
                return self._error(40004, "invalid media type")
            media_id = f"MATERIAL{next(s.numbers)}"
            s.materials[media_id] = data
            return self._answer({"media_id": media_id, "url": f"{IMAGE_HOST}mmbiz_jpg/{media_id}/0"})
        data = json.loads(body)
        if url.path == "/cgi-bin/draft/add":
            [article] = data["articles"]
            return self._save(f"DRAFT{next(s.numbers)}", article, {})
        if url.path == "/cgi-bin/draft/update":
            if data.get("media_id") not in s.drafts or data.get("index") != 0:
                return self._error(40007, "invalid media_id")
            return self._save(data["media_id"], data["articles"], {"errcode": 0, "errmsg": "ok"})
        self.send_error(404)

    def _save(self, media_id: str, article: dict, answer: dict) -> None:
        s = self.server
        for name in ("title", "content", "thumb_media_id"):
            if not article.get(name):
                return self._error(40007 if name == "thumb_media_id" else 44003, f"empty {name}")
        if article["thumb_media_id"] not in s.materials:
            return self._error(40007, "invalid media_id")
        if len(article["title"]) > 32:
            return self._error(45003, "title size out of limit")
        for src in re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', article["content"]):
            if src not in s.images:
                s.filtered.append(src)  # the 公众号 drops body images from any other host
        s.drafts[media_id] = article
        return self._answer(answer or {"media_id": media_id})


@pytest.fixture
def wechat_api(monkeypatch):
    server = FakeWechat()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(drafts.API_VARIABLE, server.url)
    monkeypatch.setenv(drafts.APPID_VARIABLE, APPID)
    monkeypatch.setenv(drafts.SECRET_VARIABLE, SECRET)
    yield server
    server.shutdown()
    server.server_close()


def _run(project: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = cli.main(["wechat", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _jpeg(path: Path, colour: str, size=(64, 48)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG")


@pytest.fixture
def small_project(tmp_path) -> Path:
    """A built project in miniature: one article with two photos, its page with a share card."""
    project = tmp_path / "project"
    _jpeg(project / "site/media/a-640.jpg", "red")
    _jpeg(project / "site/media/b-640.jpg", "green")
    _jpeg(project / "site/assets/share/cases/x/wide.jpg", "blue", (1200, 630))
    page = project / "site/cases/x/index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<meta property="og:image" content="{BASE}assets/share/cases/x/wide.jpg">', encoding="utf-8")
    html = f'<section><p>文字</p><img src="{BASE}media/a-640.jpg" alt="甲"><img src="{BASE}media/b-640.jpg" alt="乙"></section>\n'
    (project / "wechat/cases").mkdir(parents=True)
    (project / "wechat/cases/x.html").write_text(html, encoding="utf-8")
    article = {"key": "cases/x", "kind": "隐患案例", "title": "仓库窗口拉线充电", "page_url": f"{BASE}cases/x/",
               "digest": "摘要", "images": ["media/a-640.jpg", "media/b-640.jpg"]}  # fmt: skip
    listing = {"base_url": BASE, "articles": [article]}
    (project / "wechat/articles.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    return project


def test_a_draft_with_the_photos_on_the_wechat_image_host_and_nothing_uploaded_twice(
    small_project, wechat_api, monkeypatch, capsys
):
    code, out, err = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 0, err
    assert "新建草稿：仓库窗口拉线充电（cases/x；新上传图片 3 张" in out and "不会发表" in out
    [(media_id, draft)] = wechat_api.drafts.items()
    srcs = re.findall(r'src="([^"]*)"', draft["content"])
    assert len(srcs) == 2 and all(src in wechat_api.images for src in srcs) and not wechat_api.filtered
    assert BASE not in draft["content"]
    assert draft["content_source_url"] == f"{BASE}cases/x/" and draft["title"] == "仓库窗口拉线充电"
    assert wechat_api.materials[draft["thumb_media_id"]] == (small_project / "site/assets/share/cases/x/wide.jpg").read_bytes()
    assert sorted(wechat_api.images.values()) == sorted((small_project / f"site/media/{n}-640.jpg").read_bytes() for n in "ab")
    never = {"/cgi-bin/freepublish/submit", "/cgi-bin/message/mass/sendall", "/cgi-bin/message/mass/send"}
    assert not never & set(wechat_api.calls)  # it never publishes

    # a second run: no upload, the same draft updated
    wechat_api.calls.clear()
    code, out, _ = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 0 and "更新草稿：仓库窗口拉线充电（cases/x；新上传图片 0 张，沿用已上传的 3 张）" in out
    assert wechat_api.calls == ["/cgi-bin/stable_token", "/cgi-bin/draft/update"]
    assert list(wechat_api.drafts) == [media_id]

    # a changed photo is uploaded, the other is not
    _jpeg(small_project / "site/media/b-640.jpg", "yellow")
    code, out, _ = _run(small_project, monkeypatch, capsys, "cases/x")
    assert "新上传图片 1 张，沿用已上传的 2 张" in out and len(wechat_api.images) == 3

    # the draft published or deleted in the 公众号 since: a new one, the photos still not uploaded again
    wechat_api.drafts.clear()
    code, out, _ = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 0 and "新建草稿" in out and "新上传图片 0 张" in out and len(wechat_api.drafts) == 1
    state = json.loads((small_project / drafts.STATE_FILE).read_text(encoding="utf-8"))
    assert SECRET not in json.dumps(state) and state[APPID]["drafts"]["cases/x"] in wechat_api.drafts


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"secret": "wrong"}, "获取调用凭证（access_token）失败（错误码 40125）：AppSecret 不对"),
        ({"appid": "wx-wrong"}, "（错误码 40013）：AppID 不对"),
        ({"whitelisted": False}, "（错误码 40164）：这台电脑的 IP 地址 203.0.113.7 不在公众号的 IP 白名单里"),
        ({"fail": {"/cgi-bin/media/uploadimg": 45009}}, "上传图片失败（错误码 45009）：今天调用这个公众号接口的次数已经用完"),
        ({"fail": {"/cgi-bin/draft/add": 48001}}, "新建草稿失败（错误码 48001）：这个公众号没有调用这个接口的权限"),
        ({"fail": {"/cgi-bin/material/add_material": -1}}, "上传封面失败（错误码 -1）：公众号系统繁忙"),
    ],
)
def test_interface_errors_become_chinese_advice(small_project, wechat_api, monkeypatch, capsys, setup, expected):
    if "secret" in setup:
        monkeypatch.setenv(drafts.SECRET_VARIABLE, setup["secret"])
    if "appid" in setup:
        monkeypatch.setenv(drafts.APPID_VARIABLE, setup["appid"])
    wechat_api.whitelisted = setup.get("whitelisted", True)
    wechat_api.fail.update(setup.get("fail", {}))
    code, _, err = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 1 and expected in err, err
    assert "Traceback" not in err and SECRET not in err and not wechat_api.drafts


@pytest.mark.parametrize("call", ["/cgi-bin/media/uploadimg", "/cgi-bin/material/add_material"])
def test_an_expired_token_is_renewed_once(small_project, wechat_api, monkeypatch, capsys, call):
    wechat_api.fail[call] = 40001
    code, _, err = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 0, err
    assert wechat_api.calls.count("/cgi-bin/stable_token") == 2 and len(wechat_api.drafts) == 1
    wechat_api.fail["/cgi-bin/draft/update"] = 40001
    wechat_api.fail["/cgi-bin/stable_token"] = 40001  # still refused after a new token: said, not looped
    code, _, err = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 1 and "（错误码 40001）：AppSecret 不对，或调用凭证已失效" in err


def test_without_credentials_it_says_how_to_set_them_and_how_to_do_without(small_project, monkeypatch, capsys):
    monkeypatch.delenv(drafts.APPID_VARIABLE, raising=False)
    monkeypatch.delenv(drafts.SECRET_VARIABLE, raising=False)
    code, out, err = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 1 and ".wechat/account.yml" in err and "照片按页面上的编号手动插入" in err
    code, out, err = _run(small_project, monkeypatch, capsys)
    assert code == 0 and "cases/x  【隐患案例】仓库窗口拉线充电" in out and "还没有设置公众号开发者账号" in out
    # the account file (its folder is ignored by git)
    account = small_project / drafts.ACCOUNT_FILE
    account.parent.mkdir()
    account.write_text("appid: wx1\n", encoding="utf-8")
    code, out, err = _run(small_project, monkeypatch, capsys, "cases/x")
    assert code == 1 and ".wechat/account.yml: 要写两行" in err
    gitignore = (Path(__file__).parents[1] / ".gitignore").read_text(encoding="utf-8").split()
    assert "/.wechat/" in gitignore


def test_the_account_file_is_read_and_unknown_articles_named(small_project, wechat_api, monkeypatch, capsys):
    monkeypatch.delenv(drafts.APPID_VARIABLE)
    monkeypatch.delenv(drafts.SECRET_VARIABLE)
    (small_project / ".wechat").mkdir()
    (small_project / drafts.ACCOUNT_FILE).write_text(f"appid: {APPID}\nappsecret: {SECRET}\n", encoding="utf-8")
    code, _, err = _run(small_project, monkeypatch, capsys, "cases/nope")
    assert code == 1 and "没有这篇文章：cases/nope" in err and not wechat_api.calls
    code, out, err = _run(small_project, monkeypatch, capsys, "--all")
    assert code == 0 and "新建草稿" in out, err


@pytest.mark.slow
def test_the_sample_case_and_report_become_drafts_with_only_uploaded_images(
    sample_site, wechat_api, tmp_path, monkeypatch, capsys
):
    """The built sample: a case's before/after photos and cover, the report's photos and chart."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "site").symlink_to(sample_site)
    (project / "wechat").symlink_to(sample_site.parent / "wechat")
    keys = ["cases/hengshun-cangku-feixian", "report"]
    code, out, err = _run(project, monkeypatch, capsys, *keys)
    assert code == 0, err
    assert len(wechat_api.drafts) == 2 and not wechat_api.filtered
    for draft in wechat_api.drafts.values():
        srcs = re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', draft["content"])
        assert srcs and all(src in wechat_api.images for src in srcs), srcs
        assert "aqcd.example.cn/media" not in draft["content"] and "assets/charts" not in draft["content"]
    uploads = len(wechat_api.images) + len(wechat_api.materials)
    wechat_api.calls.clear()
    code, out, err = _run(project, monkeypatch, capsys, *keys)
    assert code == 0 and out.count("更新草稿") == 2 and "/cgi-bin/media/uploadimg" not in wechat_api.calls
    assert len(wechat_api.images) + len(wechat_api.materials) == uploads and len(wechat_api.drafts) == 2
