"""Retention rules and holds of the modules: cases closed and register exits older than the period anonymise the
people found only there; open cases, active register entries (and pairings), recent exits, open relief
applications and active helpers hold a person back; case and care statistics are the same before and after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.care import services as care
from jiayuan.care.models import RegisterEntry
from jiayuan.cases.models import Case, CaseCategory, Status
from jiayuan.cases.services import CaseInput, case_assign, case_create, case_transition
from jiayuan.ops import retention
from jiayuan.ops.models import RetentionEntry
from jiayuan.people.models import Person
from jiayuan.reports.stats.care import care_stats
from jiayuan.reports.stats.cases import case_stats
from tests.factories import (
    FUTIAN,
    MEILIN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_person,
    make_user,
    system_actor,
)

PERIOD = 365
OLD, RECENT = 500, 10  # days ago


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _child(division: str, name: str) -> Person:
    today = timezone.localdate()
    return make_person(division, name=name, id_number=None, birth=today.replace(year=today.year - 9, day=1))


class World:
    pass


@pytest.fixture
def world(db):
    from jiayuan.cases import workdays
    from jiayuan.cases.models import CalendarDay

    if not CalendarDay.objects.exists():  # seeded by a migration; a transactional test elsewhere may flush it
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=d, is_workday=w, name=n, source="chinesecalendar")
                for d, w, n in workdays.calendar_seed_rows()
            ]
        )
        workdays.clear_cache()
    care.care_dictionaries_ensure()
    w = World()
    w.home, w.other = community_of(XIANGMIHU, 0), community_of(MEILIN, 0)
    w.district_user = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    w.district = actor_of(w.district_user)
    w.worker = actor_of(make_user(Role.COMMUNITY_WORKER, w.home))
    w.fund = care.fund_create(
        actor=system_actor(), name="困境救助金", division_code=FUTIAN, year=timezone.localdate().year, budget="100000"
    )
    w.people = {}
    return w


# --- builders, through each module's services; only the closing time of a case is moved into the past -----


def _stay(w, person, *, entered: int, exited: int | None = None, types=("left_behind",)) -> RegisterEntry:
    entry = care.register_entry_create(
        actor=w.district, person=person, type_codes=list(types), entered_on=_ago(entered)
    )
    if exited is not None:
        entry = care.register_entry_exit(
            actor=w.district, entry=entry, reason="情况好转", on=_ago(exited), expected_version=entry.version
        )
    return entry


def _case(w, parties, *, closed: int | None, division: str | None = None, categories=("marriage_family",)) -> Case:
    now = timezone.now()
    case = case_create(
        actor=system_actor(),
        data=CaseInput(
            channel="hotline",
            division_code=division or w.home,
            parties=[(p.pk, "seeker") for p in parties],
            categories=list(categories),
            account="夫妻争吵。",
            received_at=now - dt.timedelta(days=(closed or 0) + 30),
        ),
    )
    if closed is not None:
        case_assign(actor=system_actor(), case=case, to_user=w.district_user)
        case_transition(actor=system_actor(), case=case, name="start")
        case_transition(actor=system_actor(), case=case, name="close", outcome="withdrawn")
        Case.objects.filter(pk=case.pk).update(closed_at=now - dt.timedelta(days=closed))
    return case


def _scenario(w) -> dict[str, Person]:
    p = {}
    # care
    p["old_exit"] = _child(w.home, "甲旧退出")
    _stay(w, p["old_exit"], entered=800, exited=OLD)
    p["old_exit_other"] = make_person(w.other, name="乙旧退出")
    _stay(w, p["old_exit_other"], entered=900, exited=OLD + 100, types=("single_mother", "unemployed"))
    p["re_entered"] = _child(w.home, "丙再纳入")
    _stay(w, p["re_entered"], entered=800, exited=OLD)
    _stay(w, p["re_entered"], entered=100)
    p["recent_exit"] = _child(w.home, "丁近期退出")
    _stay(w, p["recent_exit"], entered=800, exited=OLD)
    _stay(w, p["recent_exit"], entered=200, exited=RECENT)
    p["relief_open"] = make_person(w.home, name="戊救助中")
    entry = _stay(w, p["relief_open"], entered=800, types=("serious_illness",))
    care.relief_apply(actor=w.worker, fund=w.fund, person=p["relief_open"], amount="800", reason="重病")
    care.register_entry_exit(actor=w.district, entry=entry, reason="迁出", on=_ago(OLD), expected_version=entry.version)
    p["helper"] = make_person(w.home, name="己爱心妈妈")
    _stay(w, p["helper"], entered=900, exited=OLD, types=("single_mother",))
    care.helper_create(actor=system_actor(), person=p["helper"], capacity=1)
    p["paired"] = _child(w.home, "庚结对中")
    _stay(w, p["paired"], entered=30)
    helper = care.helper_create(actor=system_actor(), person=make_person(w.home, name="辛帮扶人"), capacity=1)
    care.pairing_create(actor=w.district, helper=helper, person=p["paired"])
    # cases
    p["old_case"] = make_person(w.home, name="壬旧案")
    p["old_case_other"] = make_person(w.other, name="癸旧案")
    _case(w, [p["old_case"], p["old_case_other"]], closed=OLD, categories=("marriage_family", "domestic_violence"))
    p["old_case_far"] = make_person(w.other, name="子旧案")
    _case(w, [p["old_case_far"]], closed=OLD + 50, division=w.other, categories=("custody_support",))
    p["old_and_open"] = make_person(w.home, name="丑旧案新案")
    _case(w, [p["old_and_open"]], closed=OLD)
    _case(w, [p["old_and_open"]], closed=None)
    p["old_and_recent"] = make_person(w.home, name="寅旧案近结")
    _case(w, [p["old_and_recent"]], closed=OLD)
    _case(w, [p["old_and_recent"]], closed=RECENT)
    p["old_case_on_register"] = _child(w.home, "卯旧案在册")
    _case(w, [p["old_case_on_register"]], closed=OLD)
    _stay(w, p["old_case_on_register"], entered=50)
    p["old_exit_open_case"] = make_person(w.home, name="辰旧退出在办")
    _stay(w, p["old_exit_open_case"], entered=800, exited=OLD, types=("single_mother",))
    _case(w, [p["old_exit_open_case"]], closed=None)
    p["old_both"] = _child(w.home, "未旧退出旧案")  # eligible under both rules: anonymised once
    _stay(w, p["old_both"], entered=800, exited=OLD)
    _case(w, [p["old_both"]], closed=OLD)
    p["recent_only"] = make_person(w.home, name="巳近期")
    _stay(w, p["recent_only"], entered=100, exited=RECENT, types=("single_mother",))
    _case(w, [p["recent_only"]], closed=RECENT)
    return p


ANONYMISED = {"old_exit", "old_exit_other", "old_case", "old_case_other", "old_case_far", "old_both"}
HELD = {
    "re_entered",
    "recent_exit",
    "relief_open",
    "helper",
    "paired",
    "old_and_open",
    "old_and_recent",
    "old_case_on_register",
    "old_exit_open_case",
    "recent_only",
}


def _figures(w) -> dict:
    """What the statistics selectors publish, for this year and for the period the old records lived in, plus
    raw counts by division, gender, case category and register type."""
    today = timezone.localdate()
    district = w.district
    fixed_now = timezone.now()
    periods = [(today.replace(month=1, day=1), today), (_ago(1000), _ago(OLD + 1)), (_ago(1000), today)]
    return {
        "care": [care_stats(actor=district, prefix="", start=s, end=e).as_dict() for s, e in periods],
        "cases": [case_stats(actor=district, prefix="", date_from=s, date_to=e, now=fixed_now) for s, e in periods],
        "people": list(
            Person.objects.values("division_id", "gender").annotate(n=Count("id")).order_by("division_id", "gender")
        ),
        "case_categories": list(
            CaseCategory.objects.values("case__division_id", "code")
            .annotate(n=Count("id"))
            .order_by("case__division_id", "code")
        ),
        "cases_by_status": list(
            Case.objects.values("division_id", "status").annotate(n=Count("id")).order_by("division_id", "status")
        ),
        "register_types": list(
            RegisterEntry.objects.values("division_id", "status", "types__code")
            .annotate(n=Count("id"))
            .order_by("division_id", "status", "types__code")
        ),
    }


@pytest.mark.django_db
def test_rules_and_holds_of_cases_and_care(world):
    p = _scenario(world)
    names = {k: v.name for k, v in p.items()}
    keys = {r.key for r in retention.rules()}
    assert {"cases.closed", "care.exited"} <= keys
    assert {"cases.open", "cases.recent", "care.active", "care.recent_exit", "care.relief_open", "care.helper"} <= set(
        retention._HOLDS
    )

    dry = {
        r.rule: sorted(r.ids)
        for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, dry_run=True)
    }
    assert dry["care.exited"] == sorted(p[k].pk for k in ("old_exit", "old_exit_other", "old_both"))
    assert dry["cases.closed"] == sorted(p[k].pk for k in ("old_case", "old_case_other", "old_case_far", "old_both"))
    assert not RetentionEntry.objects.exists()

    before = _figures(world)
    results = {
        r.rule: sorted(r.ids)
        for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD)
    }
    assert results["care.exited"] == dry["care.exited"]  # rules run in key order: care.exited first
    assert results["cases.closed"] == sorted(p[k].pk for k in ("old_case", "old_case_other", "old_case_far"))
    assert _figures(world) == before
    assert RetentionEntry.objects.filter(object_id=str(p["old_both"].pk)).count() == 1

    for key in ANONYMISED:
        fresh = Person.objects.get(pk=p[key].pk)
        assert fresh.name == retention.ANONYMOUS_NAME, key
        assert all(h.name == retention.ANONYMOUS_NAME for h in Person.history.filter(id=fresh.pk)), key
    for key in HELD:
        assert Person.objects.get(pk=p[key].pk).name == names[key], key
    # the records themselves stay, linked to the (anonymised) people
    assert RegisterEntry.objects.filter(person=p["old_exit"]).count() == 1
    assert Case.objects.filter(parties__person=p["old_case"], status=Status.CLOSED).count() == 1

    again = {
        r.rule: r.count for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD)
    }
    assert again["care.exited"] == 0 and again["cases.closed"] == 0


@pytest.mark.django_db
def test_a_hold_lifts_when_the_record_it_waits_for_ends(world):
    """A person held by an open case becomes eligible once that case too is closed past the period."""
    person = make_person(world.home, name="午待结案")
    _case(world, [person], closed=OLD)
    open_case = _case(world, [person], closed=None)
    assert (
        retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed")[0].ids
        == []
    )
    case_assign(actor=system_actor(), case=open_case, to_user=world.district_user)
    case_transition(actor=system_actor(), case=open_case, name="start")
    case_transition(actor=system_actor(), case=open_case, name="close", outcome="withdrawn")
    assert (
        retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed")[0].ids
        == []
    )  # closed just now
    Case.objects.filter(pk=open_case.pk).update(closed_at=timezone.now() - dt.timedelta(days=OLD))
    assert retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed")[
        0
    ].ids == [person.pk]
    assert Person.objects.get(pk=person.pk).name == retention.ANONYMOUS_NAME
