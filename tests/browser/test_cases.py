"""A hotline call taken all the way: intake, assessment, assignment, a mediation session, a follow-up and
closure, in a real headless Chromium, with axe checks on the intake and case pages."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, login


def _logout(page) -> None:
    page.click("header button:has-text('退出')")
    page.wait_for_url(re.compile(r"/accounts/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_hotline_call_to_closure(page):
    from jiayuan.access.roles import Role
    from jiayuan.cases.models import Case
    from tests.factories import FUTIAN, PASSWORD, XIANGMIHU, community_of, make_user

    community = community_of(XIANGMIHU, 0)
    make_user(Role.HOTLINE_OPERATOR, FUTIAN, username="op_zhou", display_name="接线员周敏")
    make_user(Role.STREET_STAFF, XIANGMIHU, username="st_lin", display_name="街道林雪芳")
    make_user(Role.COMMUNITY_WORKER, community, username="cw_chen", display_name="社工陈晓梅")

    # 1. the operator takes the call on the one-screen intake
    login(page, "op_zhou", PASSWORD)
    page.goto("/cases/intake/")
    assert page.evaluate("document.activeElement.id") == "phone"  # keyboard-first
    page.keyboard.type("13800138123")
    page.fill("#name", "何丽")
    page.select_option("#division", community)
    page.check("input[name=categories][value=marriage_family]")
    page.fill("#account", "和丈夫因为照顾老人的事情经常争吵，想请社区帮忙调解。")
    assert axe_violations(page) == []
    page.focus("#account")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "已登记" in page.content()
    case = Case.objects.get()
    _logout(page)

    # 2. the street assesses and assigns it to the community worker
    login(page, "st_lin", PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    assert axe_violations(page) == []
    page.click("a:has-text('风险评估')")
    for code in ["escalation", "strangulation", "threat_to_kill", "weapon", "order_violated"]:
        page.check(f"input[name=q_{code}][value=no]")
    page.click("button:has-text('提交评估')")
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    assert "评估完成" in page.content()
    page.select_option("#to_user", label="社工陈晓梅")
    page.click("button:has-text('分派')")
    page.wait_for_selector("text=已分派给 社工陈晓梅")
    _logout(page)

    # 3. the handler mediates, follows up and closes
    login(page, "cw_chen", PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    page.click("button:has-text('开始办理')")
    page.wait_for_selector("text=已开始办理")
    page.select_option("#a-kind", "mediation")
    page.fill("#a-participants", "何丽、丈夫、社区调解员")
    page.select_option("#a-success", "1")
    page.fill("#a-note", "双方同意轮流照顾老人，签订调解协议。")
    page.click("button:has-text('保存记录')")
    page.wait_for_selector("text=调解：达成协议")
    page.click("button:has-text('转入回访')")
    page.wait_for_selector("text=已转入回访")
    page.select_option("#a-kind", "follow_up")
    page.select_option("#a-sat", "5")
    page.fill("#a-note", "回访：家庭关系缓和，当事人满意。")
    page.click("button:has-text('保存记录')")
    page.wait_for_selector("text=回访：满意度 5/5")
    page.select_option("#outcome", "mediated")
    page.click("form button:has-text('结案')")
    page.wait_for_selector("text=已结案")
    assert axe_violations(page) == []
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "mediated"
    assert case.actions.filter(kind="mediation", success=True).exists()
    assert case.actions.filter(kind="follow_up", satisfaction=5).exists()
