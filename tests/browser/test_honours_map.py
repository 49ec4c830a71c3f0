"""A street nominates a family for 最美家庭, the district approves after the public notice, and the honour shows
on the family's record and in the counts; the 母婴室 map of Futian draws with no network — in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, login


def _logout(page) -> None:
    page.click("header button:has-text('退出')")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def _offline(page, live_server) -> list[str]:
    """Refuse every request that leaves the test server; return what was attempted."""
    tried: list[str] = []

    def route(r):
        if r.request.url.startswith(live_server.url):
            r.continue_()
        else:
            tried.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return tried


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_street_nominates_family_district_grants_after_notice(page, live_server):
    from jiayuan.access.roles import Role
    from jiayuan.honours.models import Honour, HonourKind, Nomination
    from jiayuan.honours.services import honour_kinds_ensure
    from jiayuan.people.models import Household, HouseholdMember
    from tests.factories import FUTIAN, PASSWORD, XIANGMIHU, community_of, make_person, make_user

    honour_kinds_ensure()
    home = community_of(XIANGMIHU, 0)
    year = timezone.localdate().year
    make_user(Role.STREET_STAFF, XIANGMIHU, username="st_lin", display_name="街道林雪芳")
    make_user(Role.DISTRICT_RIGHTS, FUTIAN, username="dq_huang", display_name="区妇联黄丽娟")
    mother = make_person(home, name="李秀英")
    family = Household.objects.create(name="李家", division_id=home)
    HouseholdMember.objects.create(household=family, person=mother, relation="head")
    kind = HonourKind.objects.get(code="zuimei_jiating")

    login(page, "st_lin", PASSWORD)
    page.goto("/honours/nominations/new/")
    page.select_option("#h-kind", str(kind.pk))
    page.select_option("#h-level", "district")
    page.fill("#h-year", str(year))
    page.select_option("#h-type", "household")
    page.fill("#h-id", str(family.pk))
    page.fill("#h-reason", "孝老爱亲，热心社区志愿服务。")
    page.click("button:has-text('提交推荐')")
    page.wait_for_selector("text=推荐已提交")
    assert page.inner_text("#nomination-status") == "逐级审批中"
    assert axe_violations(page) == []
    nomination = Nomination.objects.get(household=family)
    _logout(page)

    login(page, "dq_huang", PASSWORD)
    page.goto("/honours/nominations/")
    page.click(f"a[href='/honours/nominations/{nomination.pk}/']")
    # The decision before the notice is refused; the notice is opened with its dates, then the grant.
    today = timezone.localdate()
    page.fill("#no-start", (today - dt.timedelta(days=10)).isoformat())
    page.fill("#no-end", (today - dt.timedelta(days=4)).isoformat())
    page.click("button:has-text('开始公示')")
    page.wait_for_selector("text=已开始公示")
    assert page.inner_text("#nomination-status") == "公示中"
    assert axe_violations(page) == []
    page.check("input[name=decision][value=approve]")
    page.fill("#d-comment", "公示期满无异议，同意授予。")
    page.click("button:has-text('提交审批意见')")
    page.wait_for_selector("text=审批意见已提交")
    assert page.inner_text("#nomination-status") == "已授予"
    honour = Honour.objects.get(household=family)
    assert (honour.level, honour.year) == ("district", year)

    # On the family's record: a member's page and the family's honour record.
    page.goto(f"/people/{mother.pk}/")
    assert "最美家庭" in page.inner_text("#person-honours")
    page.goto(f"/honours/holders/household/{family.pk}/")
    assert "最美家庭" in page.inner_text("main") and "李家" in page.inner_text("h1")
    assert axe_violations(page) == []
    # In the counts of the year.
    page.goto(f"/honours/counts/?year={year}")
    assert page.inner_text("#honour-total") == "1"
    row = page.locator("tr[data-kind=zuimei_jiating] td")
    levels = ["national", "provincial", "city", "district", "street"]
    assert row.nth(levels.index("district")).inner_text() == "1"
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_nursing_room_map_of_futian_draws_offline(page, live_server):
    from jiayuan.access.roles import Role
    from jiayuan.venues.services import VenueInput, venue_create
    from tests.factories import FUTIAN, MEILIN, PASSWORD, XIANGMIHU, community_of, make_user, system_actor

    make_user(Role.DISTRICT_RIGHTS, FUTIAN, username="dq_map", display_name="区妇联")
    rooms = [
        ("香蜜公园母婴室", XIANGMIHU, "114.023", "22.549"),
        ("梅林公园母婴室", MEILIN, "114.045", "22.572"),
        ("市民中心母婴室", "440304004", "114.0596", "22.5432"),
    ]
    for name, street, lng, lat in rooms:
        venue_create(
            actor=system_actor(),
            data=VenueInput(
                type="nursing_room", name=name, division_code=community_of(street), longitude=lng, latitude=lat
            ),
        )
    venue_create(
        actor=system_actor(),
        data=VenueInput(type="nursing_room", name="待定位母婴室", division_code=community_of(MEILIN)),
    )
    tried = _offline(page, live_server)
    login(page, "dq_map", PASSWORD)
    page.goto(f"/childfriendly/map/?district={FUTIAN}")
    page.wait_for_selector("#facility-map[data-drawn='3']")
    # The outline and the three points are drawn (SVG renderer: a path for the district, one mark per point).
    svg = page.locator("#facility-map svg")
    assert svg.count() == 1
    assert page.locator("#facility-map svg path").count() >= 4
    listed = page.locator("#facility-list li")
    assert listed.count() == 4
    assert "待定位母婴室" in page.inner_text("#facility-list") and "未登记位置" in page.inner_text("#facility-list")
    assert axe_violations(page) == []
    assert tried == [], tried
