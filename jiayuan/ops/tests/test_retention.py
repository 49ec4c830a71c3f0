"""Retention: people past the period are anonymised (history too), statistics stay, the run is logged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.audit.models import AccessLog, Action
from jiayuan.ops import retention
from jiayuan.ops.models import RetentionEntry
from jiayuan.people.models import Person, PersonPhone
from tests.factories import XIANGMIHU, community_of, make_person


def _stats():
    return list(
        Person.objects.values("division_id", "gender").annotate(n=Count("id")).order_by("division_id", "gender")
    )


def _people():
    home, other = community_of(XIANGMIHU, 0), community_of(XIANGMIHU, 1)
    old = [make_person(home, phone="13800138001", address="某路 1 号"), make_person(other)]
    recent = make_person(home)
    alive = make_person(other)
    long_ago = timezone.now() - dt.timedelta(days=400)
    Person.objects.filter(pk__in=[p.pk for p in old]).update(deleted_at=long_ago, deleted_reason="重复登记：张三")
    Person.objects.filter(pk=recent.pk).update(deleted_at=timezone.now() - dt.timedelta(days=10))
    return old, recent, alive


@pytest.mark.django_db
def test_anonymise_keeps_statistics_and_logs_what_it_did():
    old, recent, alive = _people()
    stats = _stats()
    ids_before = sorted(Person.objects.values_list("pk", flat=True))

    out = io.StringIO()
    call_command("anonymise", "--older-than", "365", "--dry-run", stdout=out)
    assert "将匿名化 2 条" in out.getvalue()
    assert not RetentionEntry.objects.exists()
    assert Person.objects.get(pk=old[0].pk).name == old[0].name

    call_command("anonymise", "--older-than", "365", stdout=io.StringIO())
    assert _stats() == stats
    assert sorted(Person.objects.values_list("pk", flat=True)) == ids_before
    for person in old:
        fresh = Person.objects.get(pk=person.pk)
        assert fresh.name == retention.ANONYMOUS_NAME
        assert fresh.id_number == "" and fresh.id_hash == "" and fresh.address_detail == ""
        assert fresh.deleted_reason == ""
        assert fresh.birth_date is None or (fresh.birth_date.month, fresh.birth_date.day) == (1, 1)
        history = Person.history.filter(id=person.pk)
        assert history.exists()
        assert all(h.name == retention.ANONYMOUS_NAME and h.id_number == "" for h in history)
    assert not PersonPhone.objects.filter(person_id=old[0].pk).exists()
    assert all(h.number == "" for h in PersonPhone.history.filter(person_id=old[0].pk))
    assert Person.objects.get(pk=recent.pk).name == recent.name
    assert Person.objects.get(pk=alive.pk).name == alive.name

    logged = AccessLog.objects.filter(action=Action.ADMIN, object_type="people.person")
    assert sorted(int(x) for x in logged.values_list("object_id", flat=True)) == sorted(p.pk for p in old)
    summary = next(
        row
        for row in AccessLog.objects.filter(object_type="ops.retention").order_by("-id")
        if row.detail["rule"] == "people.deleted"
    )  # other modules' rules run too
    assert summary.detail["count"] == 2 and summary.detail["dry_run"] is False

    out = io.StringIO()
    call_command("anonymise", "--older-than", "365", stdout=out)  # nothing twice
    assert "已匿名化 0 条" in out.getvalue()


@pytest.mark.django_db
def test_holds_registered_by_other_modules_keep_records_they_still_need():
    old, _, _ = _people()
    retention.register_hold("test.keep_first", model=Person, keep=lambda qs, cutoff: qs.exclude(pk=old[0].pk))
    try:
        results = retention.run_retention(actor=Actor.system(job="retention"), older_than_days=365)
    finally:
        retention._HOLDS.pop("test.keep_first")
    assert [r.ids for r in results if r.rule == "people.deleted"] == [[old[1].pk]]
    assert Person.objects.get(pk=old[0].pk).name == old[0].name
