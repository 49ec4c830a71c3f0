"""Working days on a calendar kept as data; overdue detection across a weekend, a holiday and a 调休 workday."""

from __future__ import annotations

import datetime as dt

import pytest

from jiayuan.cases import selectors, services, workdays
from jiayuan.cases.models import CaseEvent, EventKind
from jiayuan.notifications.models import Notification
from tests.factories import actor_of

from .conftest import new_case

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.django_db
def test_workday_arithmetic_uses_the_seeded_calendar():
    # 2026: National Day holiday 10-01..10-07 (Thu..Wed), 调休 workday Saturday 10-10
    assert not workdays.is_workday(dt.date(2026, 10, 1))  # a holiday on a Thursday
    assert workdays.is_workday(dt.date(2026, 10, 10))  # a Saturday worked (调休)
    assert not workdays.is_workday(dt.date(2026, 10, 11))  # an ordinary Sunday
    assert workdays.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert workdays.add_workdays(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert workdays.add_workdays(dt.date(2026, 10, 9), 2) == dt.date(2026, 10, 12)
    assert workdays.workdays_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4


@pytest.mark.django_db
def test_overdue_across_holiday_weekend_and_tiaoxiu(world):
    received = dt.datetime(2026, 9, 30, 10, 0, tzinfo=CST)  # Wednesday before National Day
    case = new_case(world, received_at=received)
    # three working days: 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, 调休) → due at the end of 10-10
    assert case.first_contact_due == dt.datetime(2026, 10, 11, 0, 0, tzinfo=CST)
    assert services.deadlines_sweep(now=dt.datetime(2026, 10, 10, 23, 0, tzinfo=CST)) == 0
    late = dt.datetime(2026, 10, 11, 0, 30, tzinfo=CST)
    assert services.deadlines_sweep(now=late) == 1
    assert Notification.objects.filter(user=world.street, title__contains=case.number).exists()
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ALERT).exists()
    assert services.deadlines_sweep(now=late + dt.timedelta(hours=1)) == 0  # told once
    overdue = selectors.apply_filters(
        selectors.case_list(actor=actor_of(world.street)), selectors.CaseFilters(overdue=True), now=late
    )
    assert case in overdue
    # a contact meets the deadline
    services.case_action_add(actor=actor_of(world.worker), case=case, kind="contact", note="已电话联系")
    case.refresh_from_db()
    assert case.next_due_at is None


@pytest.mark.django_db
def test_calendar_is_editable_data(world, client):
    day = dt.date(2026, 12, 31)  # a Thursday
    assert workdays.is_workday(day)
    services.calendar_day_set(actor=actor_of(world.district), day=day, is_workday=False, name="测试假日")
    assert not workdays.is_workday(day)
    client.force_login(world.district)
    assert "测试假日" in client.get("/cases/calendar/?year=2026").content.decode()
    client.post("/cases/calendar/", {"date": "2026-12-31", "is_workday": "1"})
    assert workdays.is_workday(day)
    client.force_login(world.worker)
    assert client.get("/cases/calendar/").status_code == 404
