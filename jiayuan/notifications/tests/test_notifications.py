"""Notifications: once per user (dedupe), supervisors found upwards, a user sees only their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from jiayuan.accounts.selectors import supervisors_of
from jiayuan.notifications.models import Notification
from jiayuan.notifications.services import notification_mark_read, notify
from tests.factories import FUTIAN, MEILIN, XIANGMIHU, community_of, make_user


@pytest.mark.django_db
def test_supervisors_are_found_at_the_nearest_level_above():
    community = community_of(XIANGMIHU, 0)
    district = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    assert supervisors_of(community) == [district]  # no street staff yet: the district
    street = make_user(Role.STREET_STAFF, XIANGMIHU)
    make_user(Role.STREET_STAFF, MEILIN)
    make_user(Role.COMMUNITY_WORKER, community)
    make_user(Role.STREET_STAFF, XIANGMIHU, valid_to=timezone.localdate() - dt.timedelta(days=1))  # expired
    assert supervisors_of(community) == [street]
    assert supervisors_of(XIANGMIHU) == [district]  # a street is supervised by its district
    assert supervisors_of(FUTIAN) == [district]
    assert supervisors_of("440305") == []


@pytest.mark.django_db
def test_notify_once_per_user_and_own_list_only(client):
    a = make_user(Role.STREET_STAFF, XIANGMIHU)
    b = make_user(Role.STREET_STAFF, MEILIN)
    assert notify(users=[a, a, b, None], title="测试提醒", dedupe_key="k1") == 2
    assert notify(users=[a], title="测试提醒", dedupe_key="k1") == 0
    notify(users=[b], title="只给乙")
    client.force_login(a)
    body = client.get("/notifications/").content.decode()
    assert "测试提醒" in body and "只给乙" not in body
    assert client.get("/").context["unread_count"] == 1
    own = Notification.objects.get(user=a)
    other = Notification.objects.filter(user=b).first()
    client.post("/notifications/read/", {"id": other.pk})
    assert Notification.objects.get(pk=other.pk).read_at is None
    client.post("/notifications/read/", {"id": own.pk})
    assert Notification.objects.get(pk=own.pk).read_at is not None
    assert notification_mark_read(user=b) == 2
