"""`build.py wechat`: 公众号 drafts (草稿) made from the built articles, their photos uploaded.

Pasting an article leaves its photos to the 公众号, which fetches each one from the published
site and stores a copy: that fails while the site is not online, and now and then after. With
the account's developer credentials (AppID and AppSecret, from the environment or the ignored
file ACCOUNT_FILE, never from the repository) this module uses the 公众号's documented
interfaces instead:

1. an access token from `cgi-bin/stable_token` (the stable one does not cut off another tool
   that uses the same account),
2. each image of the article (a file of the built site/) through `cgi-bin/media/uploadimg`
   (上传图文消息内的图片: jpg/png under 1 MB, returns a URL on the 公众号's own image host),
3. the page's wide share card (its og:image) as the cover, through `cgi-bin/material/add_material`
   (permanent material: a news draft needs its `thumb_media_id`),
4. `cgi-bin/draft/add`, or `cgi-bin/draft/update` for the draft this command made before.

It never publishes (no freepublish, no mass send): the editor checks the draft in the 公众号's
草稿箱 and publishes it there. What was uploaded is remembered by content (SHA-256) in STATE_FILE,
per AppID, as is each article's draft, so a second run uploads nothing new and updates the same
draft. Every error code the interface documents for these calls becomes a Chinese message that
says what to do. The interface's address can be changed (API_VARIABLE) for the tests' local server.

Written from the 公众号 documentation (草稿箱 api_draft_add / draft_update, 素材管理
uploadimg / add_material, 基础 getStableAccessToken); it could not be tried against the real
公众号 here, only against tests/test_wechat_drafts.py's local implementation of those documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from campaignkit.common import fstree
from campaignkit.wechat import articles as wechat

API = "https://api.weixin.qq.com"
API_VARIABLE = "CAMPAIGNKIT_WECHAT_API"  # another address for the interface (the tests' local server)
APPID_VARIABLE, SECRET_VARIABLE = "WECHAT_APPID", "WECHAT_APPSECRET"
ACCOUNT_FILE = ".wechat/account.yml"  # appid: …, appsecret: … (the folder is in .gitignore)
STATE_FILE = ".wechat/uploads.json"  # what was uploaded, by content, and each article's draft
TITLE_LIMIT = 32  # characters, draft_add
CONTENT_LIMIT = 20_000  # characters (and under 1 MB), draft_add
IMAGE_LIMIT = 1024 * 1024  # uploadimg: under 1 MB
TIMEOUT = 60

BACKEND = "公众号后台“设置与开发 → 基本配置”"
# The documented error codes of these calls (全局返回码 and each interface's own) → what to do.
ERRORS = {
    -1: "公众号系统繁忙，请过几分钟再运行一次。",
    40001: f"AppSecret 不对，或调用凭证已失效：请核对{BACKEND}里的 AppSecret（重置过就要换成新的）。",
    40013: f"AppID 不对：请核对{BACKEND}里的“开发者ID（AppID）”。",
    40125: f"AppSecret 不对：请核对{BACKEND}里的 AppSecret；忘了就在那里重置，把新的填进 {ACCOUNT_FILE}。",
    40164: f"这台电脑的 IP 地址{{ip}}不在公众号的 IP 白名单里：请在{BACKEND} → “IP白名单”里加上它，几分钟后再运行。",
    40243: f"AppSecret 已被冻结：请在{BACKEND}里解冻或重置 AppSecret。",
    89503: "这次调用需要公众号管理员确认：请管理员在微信里确认后再运行。",
    89506: "公众号管理员拒绝了这次调用：请联系管理员，一小时后再试。",
    45009: "今天调用这个公众号接口的次数已经用完（每日限额）：请明天再运行。已上传的照片都记下了，下次不会重传。",
    45011: "调用太频繁：请过一分钟再运行。",
    48001: "这个公众号没有调用这个接口的权限：请在公众号后台“设置与开发 → 接口权限”里查看（草稿箱和素材接口）。",
    50002: "这个公众号的接口权限被限制了（可能因违规）：请在公众号后台查看通知。",
    40005: "图片格式不对（只能是 JPG 或 PNG）：{file}",
    40009: "图片太大（正文里的图片要小于 1 MB）：{file}",
    40006: "图片文件大小不对：{file}",
    41005: "上传时没有带上图片文件：{file}，请重新运行；一直这样请告诉技术人员。",
    45002: "文章内容太长（公众号限 2 万字、1 MB）：请把这篇文章分成两篇。",
    45003: f"标题太长（公众号限 {TITLE_LIMIT} 个字）：请在内容文件里改短标题。",
    45004: "摘要太长：请改短这篇文章的摘要（案例的 summary 等）。",
    53404: "公众号不允许保存这篇文章（账号被限制或内容违规）：请在公众号后台查看通知。",
}
TOKEN_EXPIRED = (40001, 40014, 41001, 42001)  # a new token is asked for once, then the error is shown
NO_SUCH_DRAFT = (40007,)  # the draft was deleted or published in the 公众号: make a new one


class WechatError(Exception):
    """A problem the editor can act on, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InterfaceError(WechatError):
    def __init__(self, code: int, errmsg: str, what: str, file: str = ""):
        ip = re.search(r"invalid ip ([0-9a-fA-F.:]+)", errmsg or "")
        advice = ERRORS.get(code)
        if advice is None:
            advice = f"公众号接口返回了错误 {code}（{errmsg}）：请把这条信息发给技术人员。"
        else:
            advice = advice.format(ip=f" {ip.group(1)} " if ip else "", file=file)
        super().__init__(f"{what}失败（错误码 {code}）：{advice}")
        self.code = code


@dataclass
class Credentials:
    appid: str
    secret: str


def credentials(project: Path) -> Credentials | None:
    """From the environment, else from ACCOUNT_FILE; None when neither has both."""
    appid, secret = os.environ.get(APPID_VARIABLE, "").strip(), os.environ.get(SECRET_VARIABLE, "").strip()
    if appid and secret:
        return Credentials(appid, secret)
    path = project / ACCOUNT_FILE
    if not path.is_file():
        return None
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    except Exception as exc:
        raise WechatError(
            f"{ACCOUNT_FILE}: 读不懂这个文件（{exc.__class__.__name__}），应写成两行：appid: … 和 appsecret: …"
        ) from None
    appid, secret = str(data.get("appid") or "").strip(), str(data.get("appsecret") or "").strip()
    if not (appid and secret):
        raise WechatError(f"{ACCOUNT_FILE}: 要写两行：appid: 开发者ID 和 appsecret: 开发者密码")
    return Credentials(appid, secret)


@dataclass
class Memory:
    """What was uploaded for one AppID, by content, and each article's draft (STATE_FILE)."""

    path: Path
    appid: str
    data: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, appid: str) -> Memory:
        everything = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        mine = everything.get(appid) or {}
        for part in ("images", "covers", "drafts"):
            mine.setdefault(part, {})
        return cls(path, appid, mine)

    def save(self) -> None:
        everything = json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else {}
        everything[self.appid] = self.data
        fstree.replace_file(self.path, (json.dumps(everything, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())


class Client:
    """The few documented calls, with `requests`."""

    def __init__(self, account: Credentials, api: str | None = None):
        import requests

        self.http = requests.Session()
        self.account = account
        self.api = (api or os.environ.get(API_VARIABLE) or API).rstrip("/")
        self._token: str | None = None

    def _call(self, what: str, method: str, path: str, file: str = "", **kwargs) -> dict:
        import requests

        fixed = kwargs.pop("params", {})
        for attempt in (1, 2):
            params = dict(fixed)
            if path != "/cgi-bin/stable_token":
                params["access_token"] = self.token()
            try:
                answer = self.http.request(method, self.api + path, params=params, timeout=TIMEOUT, **kwargs)
                data = answer.json()
            except requests.RequestException as exc:
                raise WechatError(
                    f"{what}失败：连不上公众号接口（{self.api}）：请检查网络后再运行。（{exc.__class__.__name__}）"
                ) from None
            except ValueError:
                raise WechatError(
                    f"{what}失败：公众号接口的回答看不懂（HTTP {answer.status_code}），请过一会儿再运行。"
                ) from None
            code = int(data.get("errcode") or 0)
            if code in TOKEN_EXPIRED and attempt == 1 and path != "/cgi-bin/stable_token":
                self._token = None  # asked for again on the second attempt
                continue
            if code:
                raise InterfaceError(code, str(data.get("errmsg") or ""), what, file)
            return data
        raise AssertionError("unreachable")

    def token(self) -> str:
        if self._token is None:
            # without force_refresh: the account's current token (another tool's calls keep working)
            body = {"grant_type": "client_credential", "appid": self.account.appid, "secret": self.account.secret}
            data = self._call("获取调用凭证（access_token）", "POST", "/cgi-bin/stable_token", json=body)
            self._token = str(data["access_token"])
        return self._token

    def upload_image(self, name: str, content: bytes, mime: str) -> str:
        data = self._call("上传图片", "POST", "/cgi-bin/media/uploadimg", file=name, files={"media": (name, content, mime)})
        return str(data["url"])

    def add_cover(self, name: str, content: bytes, mime: str) -> str:
        data = self._call(
            "上传封面", "POST", "/cgi-bin/material/add_material", file=name, params={"type": "image"},
            files={"media": (name, content, mime)},
        )  # fmt: skip
        return str(data["media_id"])

    def add_draft(self, article: dict) -> str:
        return str(self._call("新建草稿", "POST", "/cgi-bin/draft/add", **_json({"articles": [article]}))["media_id"])

    def update_draft(self, media_id: str, article: dict) -> None:
        self._call("更新草稿", "POST", "/cgi-bin/draft/update", **_json({"media_id": media_id, "index": 0, "articles": article}))


def _json(data: dict) -> dict:
    """A JSON body with Chinese as itself, not \\u escapes (the documentation asks for it in titles)."""
    return {"data": json.dumps(data, ensure_ascii=False).encode("utf-8"),
            "headers": {"Content-Type": "application/json; charset=utf-8"}}  # fmt: skip


@dataclass
class Result:
    key: str
    title: str
    media_id: str
    created: bool  # a new draft (else the same draft updated)
    uploaded: int  # images and cover sent this time
    reused: int  # images and cover already on the 公众号


def manifest(project: Path, wechat_dir: str = wechat.OUTPUT_DIR) -> tuple[str, list[dict]]:
    """The last build's articles (articles.json): the site's base URL and each article."""
    path = project / wechat_dir / wechat.MANIFEST
    if not path.is_file():
        raise WechatError(f"还没有公众号文章（{wechat_dir}/{wechat.MANIFEST}）：请先运行 build.py 生成网站和文章。")
    listing = json.loads(path.read_text(encoding="utf-8"))
    return listing["base_url"], listing["articles"]


def make_drafts(project: Path, keys: list[str], account: Credentials, site_dir: str = "site", api: str | None = None,
                say=print) -> list[Result]:  # fmt: skip
    """Drafts for the articles `keys` (report, cases/<id> …) of the last build; see the module."""
    base, articles = manifest(project)
    known = {a["key"]: a for a in articles}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise WechatError("没有这篇文章：" + "、".join(unknown) + "。运行 build.py wechat（不带文章编号）列出全部文章编号。")
    chosen = [known[k] for k in keys]
    site = project / site_dir
    covers = {}
    for a in chosen:  # everything that can be checked here is checked before anything is sent
        if len(a["title"]) > TITLE_LIMIT:
            raise WechatError(
                f"{a['key']}: 标题“{a['title']}”有 {len(a['title'])} 个字，公众号限 {TITLE_LIMIT} 个字：请改短标题。"
            )
        content = (project / wechat.OUTPUT_DIR / f"{a['key']}.html").read_text(encoding="utf-8")
        if len(content) >= CONTENT_LIMIT or len(content.encode()) >= 1024 * 1024:
            raise WechatError(f"{a['key']}: 文章有 {len(content)} 个字符，公众号限 2 万：请把它分成两篇。")
        covers[a["key"]] = _cover(site, base, a)
        for rel in [*a["images"], covers[a["key"]]]:
            if not (site / rel).is_file():
                raise WechatError(f"{site_dir}/{rel}: 网站里没有这张图片：请先运行 build.py。")
    client = Client(account, api)
    memory = Memory.load(project / STATE_FILE, account.appid)
    return [_draft(client, memory, project, site, base, a, covers[a["key"]], say) for a in chosen]


def _cover(site: Path, base: str, article: dict) -> str:
    """The page's wide share card (its og:image), by its path in the site."""
    page = site / article["page_url"][len(base) :] / "index.html"
    found = (
        re.search(r'<meta property="og:image" content="([^"]+)"', page.read_text(encoding="utf-8")) if page.is_file() else None
    )
    if not found or not found.group(1).startswith(base):
        raise WechatError(f"{article['key']}: 网站里没有这篇文章的页面或分享图：请先运行 build.py。")
    return found.group(1)[len(base) :]


def _mime(rel: str) -> str:
    return "image/png" if rel.lower().endswith(".png") else "image/jpeg"


def _draft(client: Client, memory: Memory, project: Path, site: Path, base: str, a: dict, cover_rel: str, say) -> Result:
    content = (project / wechat.OUTPUT_DIR / f"{a['key']}.html").read_text(encoding="utf-8")
    uploaded = reused = 0
    for n, rel in enumerate(a["images"], 1):
        data = (site / rel).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        url = memory.data["images"].get(digest)
        if url is None:
            if len(data) >= IMAGE_LIMIT:
                raise WechatError(f"{a['key']}: 第 {n} 张图片 {rel} 有 {len(data) // 1024} KB，正文图片要小于 1 MB。")
            url = client.upload_image(f"{a['key'].replace('/', '-')}-{n:02d}{Path(rel).suffix}", data, _mime(rel))
            memory.data["images"][digest] = url
            memory.save()  # remembered at once: a later failure does not upload it again
            uploaded += 1
        else:
            reused += 1
        content = content.replace(f'src="{base}{rel}"', f'src="{url}"')
    data = (site / cover_rel).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    thumb = memory.data["covers"].get(digest)
    if thumb is None:
        thumb = client.add_cover(f"{a['key'].replace('/', '-')}-cover{Path(cover_rel).suffix}", data, _mime(cover_rel))
        memory.data["covers"][digest] = thumb
        memory.save()
        uploaded += 1
    else:
        reused += 1
    left = [src for src in re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', content) if src.startswith(base)]
    if left:
        raise WechatError(f"{a['key']}: 有图片没有换成公众号的地址：{left[0]}，请告诉技术人员。")
    article = {
        "title": a["title"],
        "author": "",
        "digest": a["digest"],
        "content": content,
        "content_source_url": a["page_url"],
        "thumb_media_id": thumb,
        "need_open_comment": 0,
        "only_fans_can_comment": 0,
    }
    media_id = memory.data["drafts"].get(a["key"])
    created = media_id is None
    if media_id is not None:
        try:
            client.update_draft(media_id, article)
        except InterfaceError as exc:
            if exc.code not in NO_SUCH_DRAFT:
                raise
            created = True  # deleted or published in the 公众号 since: a new draft
    if created:
        media_id = client.add_draft(article)
        memory.data["drafts"][a["key"]] = media_id
        memory.save()
    verb = "新建草稿" if created else "更新草稿"
    say(f"{verb}：{a['title']}（{a['key']}；新上传图片 {uploaded} 张，沿用已上传的 {reused} 张）")
    return Result(a["key"], a["title"], media_id, created, uploaded, reused)
