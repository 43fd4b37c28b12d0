"""Fixtures for the browser tests: the session's sample site served on loopback, one Chromium
for the session, and a fresh phone (new browser context: nothing cached) for each test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    SiteServer,
    Watch,
    artifacts_dir,
    load_everything,
    page_problems,
    scripts_started,
    watch,
)


@pytest.fixture(scope="session")
def site_server(sample_site: Path):
    """The sample site (built once per session by tests/conftest.py) on http://127.0.0.1:<port>/."""
    with SiteServer(sample_site) as server:
        yield server


@pytest.fixture(scope="session")
def playwright():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh --dev (installs Debian's chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@dataclass
class Phone:
    """One reader's phone: a page in a fresh context, with every request and console line watched."""

    context: object
    page: object
    watch: Watch
    server: SiteServer
    javascript: bool = True

    def open(self, path: str = "", scroll: bool = True, wait: str = "networkidle"):
        """Load a page; by default wait until the network is quiet (the search worker has fetched
        its index too) and scroll through it so lazy photos load. wait="load" is quicker for tests
        that only click around. Either way it returns once the page's scripts have started."""
        response = self.page.goto(self.server.url(path), wait_until=wait)
        assert response is not None and response.status == 200, (path, response and response.status)
        if self.javascript:
            scripts_started(self.page)
        if scroll:
            load_everything(self.page)
            self.page.wait_for_load_state("networkidle")
        return self.page

    def problems(self) -> list[str]:
        return page_problems(self.page, self.watch, PHONE["viewport"]["width"])


def new_phone(browser, server: SiteServer, **overrides) -> Phone:
    context = browser.new_context(**{**PHONE, **overrides})
    w = watch(context, server.host)
    return Phone(context, context.new_page(), w, server, javascript=overrides.get("java_script_enabled", True))


@pytest.fixture
def phone(browser, site_server):
    p = new_phone(browser, site_server)
    yield p
    p.context.close()


@pytest.fixture
def phone_without_js(browser, site_server):
    p = new_phone(browser, site_server, java_script_enabled=False)
    yield p
    p.context.close()


@pytest.fixture(scope="session", autouse=True)
def artifacts_index():
    """After the browser tests: test-artifacts/index.html, one page to look at what readers (phone
    screenshots) and lecturers (first pages of the handouts) get, with links to the reports."""
    yield
    root = artifacts_dir()
    parts = [
        "<!doctype html><meta charset=utf-8><title>浏览器测试截图</title>",
        "<style>body{font-family:sans-serif;margin:1rem}figure{display:inline-block;vertical-align:top;"
        "margin:0 1rem 1rem 0}img{width:260px;border:1px solid #999}</style>",
        "<h1>手机截图（375 px，微信内置浏览器）</h1>",
    ]
    parts += [
        f'<figure><a href="screenshots/{p.name}"><img src="screenshots/{p.name}" alt=""></a>'
        f"<figcaption>{p.stem}</figcaption></figure>"
        for p in sorted((root / "screenshots").glob("*.png"))
    ]
    parts.append("<h1>讲义第一页（每类一份）</h1>")
    kinds = root / "handouts" / "kinds.tsv"
    for line in kinds.read_text(encoding="utf-8").splitlines() if kinds.exists() else []:
        png, label, pdf = line.split("\t")
        parts.append(
            f'<figure><a href="handouts/{png}"><img src="handouts/{png}" alt=""></a>'
            f"<figcaption>{label}<br><small>{pdf}</small></figcaption></figure>"
        )
    parts.append("<h1>报告</h1><ul>")
    parts += [
        f'<li><a href="{p.relative_to(root)}">{p.relative_to(root)}</a></li>'
        for p in sorted(root.glob("lighthouse/*.report.html"))
        + sorted(root.glob("*.md"))
        + sorted(root.glob("*.json"))
        + sorted(root.glob("lighthouse/scores.md"))
    ]
    parts.append("</ul>")
    (root / "index.html").write_text("\n".join(parts) + "\n", encoding="utf-8")
