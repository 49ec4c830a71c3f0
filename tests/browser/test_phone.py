"""At 375 px: the menu folds away, tables become cards, every action is on screen (the high-risk list, the
police inbox, the case page, the dashboard's charts)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone_world():
    from jiayuan.access.actor import Actor
    from jiayuan.access.roles import Role
    from jiayuan.cases import services
    from jiayuan.orgs.models import AgencyKind
    from tests.factories import FUTIAN, XIANGMIHU, community_of, make_agency, make_person, make_user

    community = community_of(XIANGMIHU, 0)
    police = make_agency("福田公安分局（测试）", AgencyKind.POLICE)
    district = make_user(Role.DISTRICT_RIGHTS, FUTIAN, username="qu_huang", display_name="区维权部黄丽娟")
    make_user(Role.AGENCY_USER, None, agency=police, username="jc_liu", display_name="刘警官")
    actor = Actor.for_user(district)
    cases = []
    for n in range(3):
        person = make_person(community, name=f"王{'一二三'[n]}芳", id_number=None)
        case = services.case_create(
            actor=actor,
            data=services.CaseInput(
                channel="hotline",
                division_code=community,
                parties=[(person.pk, "seeker")],
                categories=["domestic_violence"],
                account="丈夫多次殴打，扬言要杀了我，我很害怕，孩子也被吓到了，想知道现在能做什么。",
                consent_to_share=True,
            ),
        )
        services.risk_assess(
            actor=actor,
            case=case,
            answers={"strangulation": "yes", "threat_to_kill": "yes", "weapon": "yes", "escalation": "yes"},
        )
        case.refresh_from_db()
        services.case_move_create(
            actor=actor,
            case=case,
            kind="refer",
            reason="legal_action",
            to_agency=police,
            note="当事人同意共享，请尽快联系并出具告诫书，必要时协助申请人身安全保护令。",
        )
        cases.append(case)
    return cases


def _fits(page, where: str) -> None:
    """Nothing wider than the screen: no sideways scrolling, every table and button inside the viewport."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{where}: the page scrolls sideways ({scroll}px on a {width}px screen)"
    for selector in ("table", "main button", "main .btn", "main input", "main select"):
        for box in page.locator(selector).evaluate_all(
            "els => els.filter(e => e.offsetParent !== null).map(e => {const r = e.getBoundingClientRect();"
            " return {left: r.left, right: r.right, html: e.outerHTML.slice(0, 80)}})"
        ):
            assert box["left"] >= 0 and box["right"] <= width + 0.5, f"{where}: {selector} leaves the screen: {box}"


def _menu_folds(page) -> None:
    nav = page.locator("#mainnav")
    assert not nav.is_visible(), "the menu fills the first screen"
    page.click("[data-menu-toggle]")
    assert nav.is_visible()
    page.click("[data-menu-toggle]")
    assert not nav.is_visible()


def test_high_risk_list_and_police_inbox_fit_a_phone(browser, live_server, phone_world):
    from tests.factories import PASSWORD

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, "qu_huang", PASSWORD)
        _menu_folds(page)
        page.goto("/cases/high-risk/")
        page.wait_for_selector(f"text={phone_world[0].number}")
        _fits(page, "high-risk list")
        page.goto(f"/cases/{phone_world[0].pk}/")
        _fits(page, "case page")
        page.goto("/reports/")  # the dashboard's charts narrow to the screen
        page.wait_for_selector(".chart canvas")
        _fits(page, "dashboard")
        page.click("header button:has-text('菜单')")
        page.click("header button:has-text('退出')")
        page.wait_for_url("**/accounts/login/**")

        login(page, "jc_liu", PASSWORD)
        page.goto("/cases/inbox/")
        page.wait_for_selector(f"text={phone_world[0].number}")
        _fits(page, "police inbox")
        # A table's cells read as label + value, one card per referral.
        label = (
            page.locator("table tbody tr")
            .first.locator("td")
            .first.evaluate("td => getComputedStyle(td, '::before').content")
        )
        assert "个案" in label
    finally:
        context.close()
