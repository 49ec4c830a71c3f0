"""三员分立 in a real browser: the administrator files a case worker's account, it cannot sign in; the security
officer approves it on her page and sees the one-time password once; the holder signs in and must change it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def _logout(page) -> None:
    page.click("button:has-text('退出')")
    page.wait_for_url("**/accounts/login/**")


def test_admin_files_the_officer_approves_the_holder_changes_the_password(page):
    from jiayuan.access.roles import Role
    from tests.factories import CITY, FUTIAN, PASSWORD, make_user

    make_user(Role.SYSADMIN, CITY, username="admin_t")
    make_user(Role.SECURITY_OFFICER, FUTIAN, username="anquan_t")

    login(page, "admin_t", PASSWORD)
    page.goto("/accounts/users/new/")
    page.fill("#username", "weiquan_new")
    page.fill("#display_name", "新维权干部")
    page.fill("#password", "Typed#ByAdmin2026")
    page.select_option("#role", Role.DISTRICT_RIGHTS.value)
    page.select_option("#division", FUTIAN)
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=须经安全管理员审批后启用")
    _logout(page)

    # The password the administrator typed does not open the account.
    page.goto("/accounts/login/")
    page.fill("#id_username", "weiquan_new")
    page.fill("#id_password", "Typed#ByAdmin2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=用户名或密码不正确")

    login(page, "anquan_t", PASSWORD)
    page.goto("/accounts/changes/")
    assert axe_violations(page) == []
    row = page.locator("tr", has_text="weiquan_new")
    row.locator("button[value=approve]").click()
    page.wait_for_selector("h1:has-text('已批准')")
    secret = page.inner_text("code").strip()
    assert len(secret) >= 10
    assert axe_violations(page) == []
    _logout(page)

    login(page, "weiquan_new", secret)  # lands on the password page: nothing else until it is changed
    page.wait_for_url("**/accounts/password/")
    page.fill("#old_password", secret)
    page.fill("#new_password", "Her#Own2026pass")
    page.fill("#new_password2", "Her#Own2026pass")
    page.click("button:has-text('保存新密码')")
    page.wait_for_url(lambda url: "/accounts/password/" not in url)
    page.goto("/cases/")
    assert page.locator("h1").first.inner_text()
