"""The audit page flags what a security officer watches for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.administration.auditlog.selectors import access_log_flags
from jiayuan.audit.models import AccessLog, Action
from jiayuan.audit.services import access_log_write
from tests.factories import MEILIN, XIANGMIHU, community_of, make_user


def _at(row: AccessLog, moment: dt.datetime) -> None:
    """Move a row in time (inside the test's transaction; the chain is not what is tested here)."""
    from django.db import connection

    from .test_chain import _raw, _unguard

    _unguard()
    _raw("UPDATE audit_accesslog SET at = %s WHERE id = %s", [connection.ops.adapt_datetimefield_value(moment), row.pk])


@pytest.mark.django_db
def test_flags_many_records_refusals_night_and_outside_the_area(client, settings):
    settings.AUDIT_FLAG_MANY_RECORDS = 5
    settings.AUDIT_FLAG_MANY_REFUSALS = 3
    busy = Actor.for_user(make_user(Role.STREET_STAFF, XIANGMIHU, username="busy"))
    prober = Actor.for_user(make_user(Role.STREET_STAFF, XIANGMIHU, username="prober"))
    owl = Actor.for_user(make_user(Role.STREET_STAFF, XIANGMIHU, username="owl"))
    roamer = Actor.for_user(make_user(Role.STREET_STAFF, XIANGMIHU, username="roamer"))
    calm = Actor.for_user(make_user(Role.STREET_STAFF, XIANGMIHU, username="calm"))
    home, away = community_of(XIANGMIHU, 0), community_of(MEILIN, 0)
    for i in range(6):
        access_log_write(
            actor=busy, action=Action.VIEW, object_type="people.person", object_id=str(i), division_code=home
        )
    for _ in range(3):
        access_log_write(actor=prober, action=Action.REFUSED, object_type="cases")
    late = timezone.localtime().replace(hour=2, minute=30) - dt.timedelta(days=1)
    _at(
        access_log_write(actor=owl, action=Action.VIEW, object_type="cases.case", object_id="9", division_code=home),
        late,
    )
    access_log_write(actor=roamer, action=Action.VIEW, object_type="cases.case", object_id="8", division_code=away)
    # The calm reader works by day (whatever the hour the suite runs at).
    noon = timezone.localtime().replace(hour=12, minute=0) - dt.timedelta(days=1)
    for i in range(2):
        _at(
            access_log_write(
                actor=calm, action=Action.VIEW, object_type="people.person", object_id=str(i), division_code=home
            ),
            noon,
        )

    officer = Actor.for_user(make_user(Role.AUDITOR, "440300"))
    flags = {(f.kind, f.username) for f in access_log_flags(actor=officer)}
    assert ("many_records", "busy") in flags
    assert ("many_refusals", "prober") in flags
    assert ("night", "owl") in flags
    assert ("outside_area", "roamer") in flags
    assert not [f for f in flags if f[1] == "calm"]
    assert access_log_flags(actor=calm) == []

    client.force_login(officer.user)
    page = client.get("/audit/").content.decode()
    assert "需要关注的访问" in page and "夜间" in page and "本人辖区以外" in page and "被拒绝访问" in page
