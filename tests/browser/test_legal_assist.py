"""The hotline operator's side panel: as the caller's account is typed on the intake page, the legal
assistant shows the emergency cues, the topic guidance and the articles beside it (server side, debounced);
the saved case is urgent with the reason before any assessment; the case page has the same panel."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_side_panel_follows_the_account_and_cues_mark_the_case_urgent(page):
    from jiayuan.access.roles import Role
    from jiayuan.cases.models import Case
    from tests.factories import FUTIAN, PASSWORD, XIANGMIHU, community_of, make_user

    community = community_of(XIANGMIHU, 0)
    make_user(Role.HOTLINE_OPERATOR, FUTIAN, username="op_assist", display_name="接线员吴芳")
    login(page, "op_assist", PASSWORD)
    page.goto("/cases/intake/")
    panel = page.locator(".legal-assist")
    assert panel.locator(".legal-assist-cites").count() == 0  # nothing typed yet: a hint only

    # The operator types the account as the caller speaks; the panel follows without a click.
    page.fill("#phone", "13800138777")
    page.select_option("#division", community)
    page.check("input[name=categories][value=domestic_violence]")
    page.click("#account")
    page.keyboard.type("结婚八年，老公经常喝酒后打我，我想离婚，他不同意。")
    page.wait_for_selector(".legal-assist-cites a")
    cites = panel.locator(".legal-assist-cites a").all_inner_texts()
    assert any("反家庭暴力法" in c or "民法典" in c for c in cites), cites
    assert page.locator(".legal-assist [data-urgent]").count() == 0
    page.keyboard.type("昨晚他掐我脖子，说要杀了我。")
    urgent = page.wait_for_selector(".legal-assist [data-urgent]")
    assert "掐脖子或勒颈" in urgent.inner_text() and "扬言要杀人" in urgent.inner_text()
    assert axe_violations(page) == []

    # Saved: the case is urgent, with the cues as the reason, before anyone assesses the risk.
    page.click("button:has-text('登记个案')")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert case.urgent and not case.assessments.exists()
    body = page.content()
    assert "掐脖子或勒颈" in body

    # The case page has the same panel beside the record being written.
    source = "#a-note" if page.locator("#a-note").count() else "#c-note"
    if page.locator(source).count():
        page.click(source)
        page.keyboard.type("她说想带孩子离开，问孩子抚养权归谁。")
        page.wait_for_selector(".legal-assist-cites a")
        assert page.locator(".legal-assist-cites").inner_text()
