"""An organiser creates an activity, two volunteers sign up, one checks in with the code shown on the organiser's
phone, the organiser confirms a volunteer's hours, and the counts page shows the figures — in Chromium, with axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, login


def _session_times() -> tuple[dt.date, str, str]:
    """A session running now (check-in open), kept within one local day whatever the hour."""
    now = timezone.localtime()
    start, end = now - dt.timedelta(minutes=10), now + dt.timedelta(minutes=50)
    if start.date() != now.date():
        start = now.replace(hour=0, minute=0)
    if end.date() != now.date():
        end = now.replace(hour=23, minute=59)
    return now.date(), f"{start:%H:%M}", f"{end:%H:%M}"


def _logout(page) -> None:
    page.click("header button:has-text('退出')")
    page.wait_for_url(re.compile(r"/accounts/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_activity_sign_up_check_in_hours_and_counts(page):
    from jiayuan.access.roles import Role
    from jiayuan.activities.models import Activity, Attendance, Session
    from jiayuan.activities.services import activity_dictionaries_ensure
    from jiayuan.volunteers.models import RecordStatus, ServiceRecord
    from jiayuan.volunteers.services import volunteer_register
    from tests.factories import PASSWORD, XIANGMIHU, community_of, make_person, make_user, system_actor

    activity_dictionaries_ensure()
    home = community_of(XIANGMIHU, 0)
    make_user(Role.COMMUNITY_WORKER, home, username="org_chen", display_name="社区妇联主席陈芳")
    for username, name in (("vol_wang", "王秀英"), ("vol_li", "李丽娟")):
        user = make_user(Role.VOLUNTEER, home, username=username, display_name=f"志愿者{name}")
        volunteer_register(actor=system_actor(), person=make_person(home, name=name), consent=True, user=user)

    # The organiser creates and publishes the activity.
    login(page, "org_chen", PASSWORD)
    page.goto("/activities/new/")
    assert axe_violations(page) == []
    day, start, end = _session_times()
    page.fill("#a-title", "亲子阅读分享会")
    page.select_option("#a-type", "reading")
    page.select_option("#a-division", home)
    page.fill("#a-address", "社区党群服务中心二楼")
    page.select_option("#a-audience", "families")
    page.fill("#a-capacity", "10")
    page.fill("#s0-day", day.isoformat())
    page.fill("#s0-start", start)
    page.fill("#s0-end", end)
    page.check("input[name=publish]")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=活动已创建")
    assert axe_violations(page) == []
    activity = Activity.objects.get(title="亲子阅读分享会")
    session = Session.objects.get(activity=activity)
    assert activity.status == "open"
    _logout(page)

    # Two volunteers sign up from their own accounts.
    for username in ("vol_wang", "vol_li"):
        login(page, username, PASSWORD)
        page.goto("/activities/open/")
        page.click("a:has-text('亲子阅读分享会')")
        page.click("button:has-text('报名')")
        page.wait_for_selector("text=报名成功")
        assert axe_violations(page) == []
        _logout(page)
    assert Activity.objects.get(pk=activity.pk).taken == 2

    # The organiser shows the check-in code on her phone.
    login(page, "org_chen", PASSWORD)
    page.goto(f"/activities/sessions/{session.pk}/")
    page.click("button:has-text('生成签到码')")
    code = page.inner_text("#checkin-code").strip()
    assert re.fullmatch(r"\d{6}", code)
    assert axe_violations(page) == []
    _logout(page)

    # One of them types the code (a wrong one first).
    login(page, "vol_wang", PASSWORD)
    page.goto(f"/activities/checkin/{session.pk}/")
    page.fill("#c-code", "000000" if code != "000000" else "111111")
    page.click("button:has-text('签到')")
    page.wait_for_selector("text=签到码不正确")
    page.fill("#c-code", code)
    page.click("button:has-text('签到')")
    page.wait_for_selector("#checked-in")
    assert axe_violations(page) == []
    _logout(page)

    # The other one claims her hours for yesterday's service; they wait for the organiser.
    login(page, "vol_li", PASSWORD)
    page.goto("/volunteers/me/")
    page.fill("#r-title", "社区书屋值守")
    page.fill("#r-on", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.fill("#r-time", "10:00")
    page.fill("#r-minutes", "90")
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=待组织者确认")
    assert axe_violations(page) == []
    _logout(page)
    claim = ServiceRecord.objects.get(title="社区书屋值守")
    assert claim.status == RecordStatus.PENDING

    # The organiser confirms the hours and reads the counts.
    login(page, "org_chen", PASSWORD)
    page.goto("/volunteers/records/")
    page.click("button:has-text('确认时长')")
    page.wait_for_selector("text=已确认服务时长")
    claim.refresh_from_db()
    assert claim.status == RecordStatus.CONFIRMED
    page.goto(f"/activities/counts/?start={day - dt.timedelta(days=1)}&end={day}")
    assert axe_violations(page) == []
    present = Attendance.objects.filter(session__activity=activity)
    assert page.inner_text("#fig-activities") == "1 项"
    assert page.inner_text("#fig-sessions") == "1 场"
    assert page.inner_text("#fig-attendances") == f"{sum(a.head_count for a in present)} 人次"
    assert page.inner_text("#fig-people") == f"{len({a.person_id for a in present})} 人"
    assert page.inner_text("#fig-volunteer-hours") == f"{round(claim.minutes / 60, 1)} 小时"
