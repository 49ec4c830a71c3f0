"""A survivor on the public pages: what her browser keeps afterwards, in a real Chromium profile on disk.

The test drives Chromium with its own profile folder (history, storage and cache written to disk as on her
phone), walks the legal pages, leaves by the quick exit, closes the browser and reads what stayed behind.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

# Words that would tell someone looking at her history what she was looking for.
REVEALING = ("法律", "咨询", "妇联", "家暴", "家庭暴力", "维权", "离婚", "12338")
EXIT_HOST = "https://www.baidu.com/"
NEUTRAL_PAGE = "<html><head><title>天气</title></head><body>晴</body></html>"


def _launch(browser_type, profile: Path, viewport: dict):
    return browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        locale="zh-CN",
        viewport=viewport,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", "--disable-sync"],
    )


@pytest.mark.parametrize("width", [1366, 375])
def test_public_pages_leave_no_telling_trace(browser, live_server, tmp_path, width):
    profile = tmp_path / "profile"
    origin = live_server.url
    # A second Chromium of the same build, with its profile on disk (the session's browser keeps none).
    context = _launch(browser.browser_type, profile, {"width": width, "height": 740})
    # The neutral site she lands on (no network here): a plain page.
    context.route(
        EXIT_HOST + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    # The inlined stylesheets and scripts run only if the page's policy allows them by hash: a block is a bug.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(origin + "/accounts/login/")  # whatever was open before she went to the public pages
    before = page.url
    page.goto(origin + "/legal/")
    assert page.title() == "生活服务"
    hint = page.locator("#private-hint")
    assert hint.is_visible() and "无痕" in hint.inner_text() and "清除浏览记录" in hint.inner_text()
    # The quick exit is on screen, and stays there when she scrolls down a long page.
    _assert_on_screen(page, ".quick-exit")
    page.click("text=查看法律条文")
    page.wait_for_url("**/legal/laws/")
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(200)
    _assert_on_screen(page, ".quick-exit")
    # The public pages keep nothing in the browser's storage (htmx's own history note included).
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    # The public pages carry their stylesheets and scripts in themselves (a file would be kept by its address in
    # the HTTP cache or the compiled-script cache); whatever else they load (the font) must not stay either.
    assets = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name.split('#')[0])")
    assert not [a for a in assets if a.endswith((".css", ".js"))], assets
    assert page.evaluate("() => getComputedStyle(document.querySelector('.quick-exit')).position") == "fixed"
    page.click(".quick-exit")
    page.wait_for_url(EXIT_HOST + "**")
    # Back does not return to the site's public pages.
    page.go_back()
    page.wait_for_load_state()
    assert "/legal/" not in page.url and page.url == before
    # Nothing in this origin's storage names the public pages.
    stored = page.evaluate(
        "() => [localStorage, sessionStorage].flatMap(s => Object.keys(s).map(k => k + '=' + s.getItem(k)))"
    )
    assert not [item for item in stored if "/legal" in item], stored
    context.close()
    assert not blocked, "blocked by the CSP:\n" + "\n".join(blocked[:5])

    titles = _history_titles(profile, origin)
    assert titles, "the history database was not written: the test would prove nothing"
    for url, title in titles:
        assert not any(word in title for word in REVEALING), f"history keeps {url} titled {title!r}"
    cached = _cached_urls(profile)
    assert any(u.startswith(origin) for u in cached), "the disk cache was not written: the test would prove nothing"
    pages = [u for u in cached if "/legal" in u]
    assert not pages, f"a public page or its stylesheet was written to a cache: {pages[:3]}"
    kept = [u for u in cached if any(u.startswith(a) for a in assets)]
    assert not kept, f"a file the public pages loaded was written to a cache: {kept[:3]}"


def _assert_on_screen(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= view["width"] and box["y"] + box["height"] <= view["height"], (box, view)


def _history_titles(profile: Path, origin: str) -> list[tuple[str, str]]:
    database = profile / "Default" / "History"
    copy = profile.parent / "History.copy"
    copy.write_bytes(database.read_bytes())
    with sqlite3.connect(copy) as connection:
        rows = connection.execute("SELECT url, title FROM urls WHERE url LIKE ?", (origin + "%",)).fetchall()
    return [(url, title or "") for url, title in rows if "/legal/" in url]


def _cached_urls(profile: Path) -> list[str]:
    found: list[str] = []
    for folder in (profile / "Default" / "Cache", profile / "Default" / "Code Cache"):
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                start = data.find(b"http://")
                while start != -1:
                    end = data.find(b"\x00", start)
                    found.append(data[start : end if end != -1 else start + 200].decode("latin-1"))
                    start = data.find(b"http://", start + 1)
    return found
