"""A long call in the browser: the intake is saved as she types, comes back after the session ends and she signs
in again; the session warns two minutes before it ends and can be extended; the community is found by search."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

ACCOUNT = "她说丈夫昨晚喝酒后又动手，孩子吓得不敢说话，现在暂时住在朋友家里。"


def test_intake_survives_the_session_ending_and_the_warning_extends_it(page, settings):
    from jiayuan.access.roles import Role
    from jiayuan.divisions.models import Division
    from jiayuan.drafts.models import Draft
    from tests.factories import FUTIAN, PASSWORD, XIANGMIHU, make_user

    settings.IDLE_TIMEOUT_SECONDS = 128  # the warning (two minutes before the end) comes within seconds
    operator = make_user(Role.HOTLINE_OPERATOR, FUTIAN, username="op_draft", display_name="接线员")
    login(page, "op_draft", PASSWORD)
    page.goto("/cases/intake/")

    # the community chooser narrows as she types a name
    community = Division.objects.filter(parent_id=XIANGMIHU, special=False).order_by("code").first()
    page.fill("input[data-search-for=division]", community.name)
    assert page.eval_on_selector("#division", "s => s.value") == community.code

    page.fill("#name", "陈丽")
    page.fill("#account", ACCOUNT)
    for _ in range(100):
        if Draft.objects.filter(user=operator).exists():
            break
        time.sleep(0.1)
    assert Draft.objects.filter(user=operator).exists(), "the typed intake was not saved as a draft"

    # two minutes before the end: a warning, and one click extends the session
    warning = page.locator("#session-warning")
    warning.wait_for(state="visible", timeout=20000)
    assert "自动退出" in warning.inner_text()
    page.click("[data-session-extend]")
    warning.wait_for(state="hidden")

    # the session ends anyway (she went to make tea): after signing in again, the intake is back
    page.context.clear_cookies()
    page.goto("/cases/intake/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", "op_draft")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/cases/intake/")
    assert page.input_value("#account") == ACCOUNT and page.input_value("#name") == "陈丽"
    assert page.input_value("#division") == community.code
    assert "已恢复您" in page.inner_text(".draft-note")
