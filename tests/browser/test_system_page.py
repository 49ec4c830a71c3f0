"""The system administrator's 系统运行 page in a real browser: reached from the menu, readable, accessible."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_the_system_page_shows_the_jobs_and_passes_axe(page, settings):
    from jiayuan.access.roles import Role
    from jiayuan.ops.scheduling import fire
    from tests.factories import CITY, PASSWORD, make_user

    settings.SCHEDULE = {
        "cases_sweep": {
            "title": "流转逾期自动上报、个案逾期提醒",
            "task": "jiayuan.cases.tasks.cases_sweep_task",
            "cron": "*/5 * * * *",
            "summary": "自动上报流转 {moves} 项，逾期提醒 {deadlines} 件",
        }
    }
    fire("cases_sweep")
    make_user(Role.SYSADMIN, CITY, username="sys_test", display_name="系统管理员")
    login(page, "sys_test", PASSWORD)
    page.get_by_role("link", name="系统运行").click()
    page.wait_for_url("**/ops/system/")
    body = page.locator("main").inner_text()
    assert "流转逾期自动上报、个案逾期提醒" in body and "自动上报流转 0 项，逾期提醒 0 件" in body
    assert "调度进程从未启动" in body
    problems = axe_violations(page)
    assert problems == [], "; ".join(f"{p['id']}: {p['help']}" for p in problems)
