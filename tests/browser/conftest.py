"""A real headless Chromium (Debian's package) driven by Playwright, against the live test server.

Browser tests are marked `browser` and grouped onto one worker; they check every page they open
with axe-core for WCAG 2.1 AA.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server's threads share SQLite's in-memory test database through one connection; a page that
    fires several requests at once (HTMX partials, each writing its access-log row) would interleave
    transactions on it. Connections are still accepted in parallel; the application answers one at a time."""

    def set_app(self, application):
        lock = threading.Lock()

        def serial(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(serial)


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the Django ORM used by the test body
    # is still synchronous, so allow it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    # Injected through the browser's debugging protocol, so the page's CSP does not block it.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15000)
    # Anything the content security policy blocks (an inline style or script, a foreign source) is a bug:
    # Chromium reports it on the console, and the test fails at the end.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not blocked, "blocked by the CSP:\n" + "\n".join(blocked[:5])


def axe_violations(page, *, impact: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the current page; return serious and critical problems."""
    result = page.evaluate(
        """async () => await axe.run(document,
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [v for v in result["violations"] if v.get("impact") in impact]


def login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
