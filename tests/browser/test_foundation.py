"""The foundation in a real browser: sign in, search by pinyin initials, open a person, reveal, accessibility."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, login

ID_NUMBER = "44030419900307123X"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def _no_axe_problems(page, where: str) -> None:
    problems = axe_violations(page)
    assert problems == [], (
        where
        + ": "
        + "; ".join(f"{p['id']}: {p['help']} ({len(p['nodes'])}× e.g. {p['nodes'][0]['html'][:120]})" for p in problems)
    )


@pytest.fixture
def worker():
    from jiayuan.access.roles import Role
    from tests.factories import XIANGMIHU, community_of, make_person, make_user

    home = community_of(XIANGMIHU, 0)
    user = make_user(Role.COMMUNITY_WORKER, home, username="shequ_test", display_name="社区社工 陈晓梅")
    make_person(home, name="张小红", id_number=ID_NUMBER, phone="13812345678", address="香蜜湖路1号")
    make_person(home, name="李秀兰", phone="13912345678")
    make_person(home, name="周敏")
    return user


def test_worker_searches_opens_reveals_and_pages_are_accessible(page, worker):
    from jiayuan.audit.models import AccessLog, Action
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    _no_axe_problems(page, "login")
    login(page, "shequ_test", PASSWORD)
    assert page.url.endswith("/")
    _no_axe_problems(page, "home")

    page.goto("/people/")
    page.wait_for_selector("text=共 3 人")
    _no_axe_problems(page, "people list")

    # Search by pinyin initials: the results update in place (HTMX), masked.
    page.fill("#q", "zxh")
    page.press("#q", "Enter")
    page.wait_for_selector("#results >> text=共 1 人")
    results = page.inner_text("#results")
    assert "张*红" in results and "4403**********123X" in results and "138****5678" in results
    assert "张小红" not in results and "李*兰" not in results

    page.click("#results a:has-text('张*红')")
    page.wait_for_selector("h1:has-text('人员档案')")
    assert ID_NUMBER not in page.content()
    _no_axe_problems(page, "person")

    # Reveal the ID number: the full value replaces the button, and the reveal is logged.
    page.click("#reveal-id button")
    page.wait_for_selector("#reveal-id .revealed")
    assert page.inner_text("#reveal-id .revealed") == ID_NUMBER
    assert AccessLog.objects.filter(action=Action.REVEAL, user=worker, detail__field="id_number").exists()
    _no_axe_problems(page, "person after reveal")

    # Large text / high contrast: toggled, remembered on the next page, still accessible.
    toggle = page.locator("[data-toggle-large]")
    assert toggle.get_attribute("aria-pressed") == "false"
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.classList.contains('large')")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > before
    page.goto("/people/")
    assert page.evaluate("document.documentElement.classList.contains('large')")
    _no_axe_problems(page, "people list, large text")
    page.locator("[data-toggle-large]").click()
    assert not page.evaluate("document.documentElement.classList.contains('large')")


def test_people_list_on_a_phone_has_no_horizontal_scroll(page, worker):
    from tests.factories import PASSWORD

    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "shequ_test", PASSWORD)
    page.goto("/people/")
    page.wait_for_selector("text=共 3 人")
    widths = page.evaluate("""() => {
        const wrap = document.querySelector('#results .table-wrap');
        return {page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
                wrapScroll: wrap.scrollWidth, wrapClient: wrap.clientWidth,
                overflow: getComputedStyle(wrap).overflowX};
    }""")
    assert widths["page"] <= widths["view"], widths
    # Below the phone breakpoint the rows read as cards: nothing is cut off and nothing scrolls sideways.
    assert widths["wrapScroll"] <= widths["wrapClient"], widths
    assert widths["wrapClient"] <= widths["view"], widths
    _no_axe_problems(page, "people list at 360px")


def test_other_foundation_pages_are_accessible(page):
    """One user holding several postings opens the remaining foundation pages; axe checks each."""
    import datetime as dt

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting
    from tests.factories import (
        FUTIAN,
        PASSWORD,
        XIANGMIHU,
        community_of,
        make_org,
        make_person,
        make_user,
    )

    user = make_user(Role.STREET_STAFF, XIANGMIHU, username="many_hats")
    for role, place in ((Role.AUDITOR, "440300"), (Role.USER_ADMIN, FUTIAN)):
        Posting.objects.create(user=user, role=role, division_id=place, valid_from=dt.date(2020, 1, 1))
    person = make_person(community_of(XIANGMIHU, 0), name="张小红", id_number=ID_NUMBER, phone="13812345678")
    org = make_org(XIANGMIHU, name="香蜜湖街道妇女联合会", kind="street")
    login(page, "many_hats", PASSWORD)
    for url in (
        "/people/new/",
        f"/people/{person.pk}/edit/",
        f"/people/{person.pk}/history/",
        f"/people/{person.pk}/viewers/",
        "/orgs/",
        f"/orgs/?division={FUTIAN}",
        "/orgs/new/",
        f"/orgs/{org.pk}/edit/",
        f"/orgs/{org.pk}/members/",
        "/notifications/",
        "/audit/",
        "/audit/history/",
        "/audit/verify/",
        "/accounts/users/",
        "/accounts/users/new/",
        "/access/requests/",
        "/people/999999/",
    ):
        page.goto(url)
        _no_axe_problems(page, url)
    # A form with errors is accessible too.
    page.goto("/people/new/")
    page.fill("#name", "王秀英")
    page.fill("#id_number", "440304199003071230")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("text=校验位不正确")
    _no_axe_problems(page, "people form with errors")
