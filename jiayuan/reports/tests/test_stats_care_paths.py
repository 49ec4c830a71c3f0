"""The statistics count a place's types and measures either directly (a join per row of the place) or, for a
place holding most rows, as "everything" minus "outside the place": both ways give the same figures."""

import datetime as dt

import pytest

from jiayuan.access.models import GrantKind
from jiayuan.access.services import grant_access
from jiayuan.care import services
from jiayuan.care.models import PlanMeasure, RegisterEntry
from jiayuan.reports.stats import care as stats
from jiayuan.reports.stats.care import care_stats
from tests.factories import XIANGMIHU, make_person, system_actor

from .conftest import child_birth


@pytest.fixture
def plans_world(place):
    """Entries with types in three places (one exited), plans with measures due inside and outside a period."""
    people = []
    # types that fit the person's age (jiayuan/care/data/type_conditions.yaml)
    child_types = [["left_behind", "family_crisis"], ["dv_survivor"], ["left_behind", "disability"]]
    adult_types = [["single_mother", "unemployed"], ["dv_survivor"], ["serious_illness", "disability"]]
    for i in range(9):
        division = [place.home, place.sibling, place.far][i % 3]
        person = make_person(division, id_number=None, birth=child_birth(9 if i % 2 else 35))
        entry = services.register_entry_create(
            actor=system_actor(),
            person=person,
            type_codes=(child_types if i % 2 else adult_types)[i % 3],
            entered_on=place.today - dt.timedelta(days=30 + i),
        )
        people.append((person, entry))
    person, entry = people[0]
    services.register_entry_exit(
        actor=place.actors["district"], entry=entry, reason="情况好转", expected_version=entry.version
    )
    worker = place.actors["district"]
    for n, (person, _entry) in enumerate(people[1:]):
        plan = services.plan_save(actor=worker, person=person, needs_found="", goals="", review_on=None)
        for k, days in enumerate((-10, 5, 200)):  # due after the period, in it, before it
            measure = services.plan_measure_add(
                actor=worker,
                plan=plan,
                content="入户走访",
                responsible="社区",
                due_on=place.today - dt.timedelta(days=days),
            )
            if (n + k) % 2 == 0:  # done: on time, or a day late
                services.plan_measure_done(
                    actor=worker,
                    measure=measure,
                    expected_version=measure.version,
                    done_on=measure.due_on + dt.timedelta(days=k % 2),
                )
    # A register entry outside the street, reached by an explicit grant.
    far_entry = RegisterEntry.objects.filter(division_id=place.far, status="active").first()
    grant_access(obj=far_entry, kind=GrantKind.OTHER, user=place.users["street"], source_key="test:paths")
    return people


@pytest.mark.parametrize("scope", ["district", "street", "community", "city"])
def test_direct_and_complement_counts_agree(place, plans_world, scope, monkeypatch):
    start, end = place.today - dt.timedelta(days=90), place.today
    for last in (end, end - dt.timedelta(days=1)):  # the exited entry is off the register, then still on it
        figures = {}
        for way in (False, True):
            monkeypatch.setattr(stats, "_mostly", lambda held, model, way=way: way)
            figures[way] = care_stats(actor=place.actors[scope], start=start, end=last).as_dict()
        assert figures[False] == figures[True]
    reg = figures[True]["困境妇女儿童数据库（期末在册）"]
    assert sum(n for label, n in reg.items() if label.startswith("类型：")) > 0
    measures = figures[True]["一人一策与动态复核"]
    if scope != "community":
        assert measures["期内到期措施"] > 0


def test_measure_figures_equal_independent_counts(place, plans_world, monkeypatch):
    start, end = place.today - dt.timedelta(days=90), place.today
    due = [
        m
        for m in PlanMeasure.objects.select_related("plan")
        if start <= m.due_on <= end and m.plan.division_id.startswith(XIANGMIHU)
    ]
    assert due
    for way in (False, True):
        monkeypatch.setattr(stats, "_mostly", lambda held, model, way=way: way)
        timely = care_stats(actor=place.actors["street"], start=start, end=end).as_dict()["一人一策与动态复核"]
        assert timely["期内到期措施"] == len(due)
        assert timely["其中按期完成"] == sum(1 for m in due if m.done_on and m.done_on <= m.due_on)
