"""The register, ledger, relief and screening figures are read from the summaries too: after the writes of those
modules (entries, type corrections, exits, ledger records, relief paid, visits, hazards followed up) the summaries
equal a recount from the records, and each figure equals its drill-down list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from jiayuan.activities import services as activities
from jiayuan.activities.tests.conftest import make_activity, scene
from jiayuan.care import services as care
from jiayuan.care.models import VULNERABILITY_KIND, Helper, HelperKind, Pairing
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.divisions.models import Division, Level
from jiayuan.reports import drilldown, selectors, summaries
from jiayuan.reports import figures as catalogue
from jiayuan.reports.figures.base import Period
from jiayuan.reports.models import FigureMonthly, FigureRollup
from jiayuan.reports.selectors import scaled
from jiayuan.screening import services as screening
from jiayuan.screening.tests.test_screening import s, visit_with_hazard
from jiayuan.volunteers import services as volunteers
from tests.factories import FUTIAN, actor_of, make_person, make_user, system_actor

from .test_stats_care import world
from .test_summaries import _assert_summaries_exact

__all__ = ["s", "scene", "world"]

CARE = [
    "care.on_register",
    "care.entered",
    "care.exited",
    "care.ledger",
    "relief.applications",
    "relief.disbursed",
    "relief.condolences",
]
PAIRINGS = ["pairings.active", "pairings.started", "pairings.ended", "pairings.children_paired"]
SCREENING = ["screening.visits", "screening.hazards", "screening.hazards_followed", "screening.hazards_to_case"]


def _same_as_records(codes: list[str], today: dt.date) -> dict[str, int]:
    """Each figure over this month, this year and a custom run of days equals its drill-down list."""
    leader = actor_of(make_user(Role.LEADER, FUTIAN))
    scope = selectors.scope_resolve(actor=leader, division=FUTIAN)
    year = Period(today.replace(month=1, day=1), today.replace(month=12, day=31), "year")
    periods = [year, Period(today.replace(day=1), today, "custom"), Period(today - dt.timedelta(days=40), today)]
    values: dict[str, int] = {}
    for period in periods:
        for value in selectors.figure_values(actor=leader, scope=scope, period=period, codes=codes):
            _, records = drilldown.figure_records(actor=leader, scope=scope, period=period, code=value.code)
            assert value.value == records.count(), (value.code, period)
            if period is year:
                values[value.code] = value.value
    return values


@pytest.mark.django_db
def test_register_ledger_and_relief_figures_are_summarised(place, world):
    assert set(CARE[1:]) <= {f.code for f in summaries.summarised()}
    _assert_summaries_exact()
    person, entry = world[5]
    entry.refresh_from_db()
    # a type correction (a many-to-many change) and an exit move the breakdown by type and the exits
    types = [t.code for t in entry.types.all()]
    care.register_entry_correct_types(
        actor=place.actors["district"],
        entry=entry,
        type_codes=types[:1],
        reason="录入有误",
        expected_version=entry.version,
    )
    _assert_summaries_exact()
    # a write through the model's own many-to-many manager (no save of the entry) marks it too
    entry.refresh_from_db()
    entry.types.add(*DictionaryItem.objects.filter(kind=VULNERABILITY_KIND).exclude(code__in=types[:1])[:1])
    _assert_summaries_exact()
    care.register_entry_exit(
        actor=place.actors["district"], entry=entry, reason="情况好转", expected_version=entry.version
    )
    care.ledger_add(actor=system_actor(), person=person, kind="condolence", on=place.today, content="节日慰问")
    _assert_summaries_exact()
    # a plan made for a person, and a person's birth date corrected (no write to her entry), move the snapshots of
    # who is on the register with a plan, as a child, as a woman, at every month's end
    other, _entry = world[4]
    care.plan_save(
        actor=place.actors["district"], person=other, needs_found="生活困难", goals="稳定就学", review_on=None
    )
    _assert_summaries_exact()
    other.refresh_from_db()
    other.birth_date = other.birth_date.replace(year=other.birth_date.year - 20)
    other.save()
    _assert_summaries_exact()
    # a condolence batch writes one ledger record per person visited
    fund = care.fund_create(
        actor=place.actors["district"], name="慰问金", division_code=FUTIAN, year=place.today.year, budget="10000"
    )
    visited = [p for p, e in world if p.division_id == place.home and e.status == "active"][:2]
    care.condolence_batch_record(
        actor=place.actors["street"],
        title="春节慰问",
        division_code=place.home,
        on=place.today,
        person_ids=[p.pk for p in visited],
        amount_each="200",
        fund=fund,
    )
    _assert_summaries_exact()
    values = _same_as_records(CARE, place.today)
    assert values["care.exited"] >= 1 and values["relief.condolences"] >= 1
    # who is on the register at a month's end is its entries up to then less its exits, bar by bar
    assert summaries.applies(catalogue.figure("care.on_register"))
    leader = actor_of(make_user(Role.LEADER, FUTIAN))
    scope = selectors.scope_resolve(actor=leader, division=FUTIAN)
    year = Period(place.today.replace(month=1, day=1), place.today.replace(month=12, day=31), "year")
    for dim in ("division", "level", "type"):
        bars = selectors.breakdown(actor=leader, scope=scope, period=year, code="care.on_register", dimension=dim).bars
        assert bars, dim
        for bar in bars:
            kw = {"scope": selectors.scope_resolve(actor=leader, division=bar.key)} if dim == "division" else {}
            _, records = drilldown.figure_records(
                actor=leader,
                scope=kw.get("scope", scope),
                period=year,
                code="care.on_register",
                **({} if dim == "division" else {"dimension": dim, "key": bar.key}),
            )
            assert bar.value == records.count(), (dim, bar.label)
    assert FigureMonthly.objects.filter(figure="care.entered", dim="type").exists()
    assert FigureMonthly.objects.filter(figure="care.with_plan", month=place.today.replace(day=1)).exists()
    # a repair of an earlier month recounts the month-end values up to now, and their district roll-ups too
    this_month = place.today.replace(day=1)
    made_up = FigureRollup.objects.filter(figure="care.with_plan", place=FUTIAN, month=this_month, dim="")
    assert made_up.update(n=999) == 1
    earlier = (this_month - dt.timedelta(days=1)).replace(day=1)
    summaries.repair(prefix=FUTIAN, start=earlier, end=this_month - dt.timedelta(days=1))
    _assert_summaries_exact()


@pytest.mark.django_db
def test_pairing_figures_are_summarised(place, world):
    """Pairings started and ended are summarised, those under way are read as their stock, and the children paired
    at each month's end are kept: a pairing made, a pairing ended and a helper's kind corrected (no write to her
    pairings) each leave the summaries equal to a recount, and each figure and bar equal to its drill-down."""
    assert {"pairings.started", "pairings.ended", "pairings.children_paired"} <= {
        f.code for f in summaries.summarised()
    }
    active = catalogue.figure("pairings.active")
    assert active is not None and active.stock is not None and summaries.applies(active)
    _assert_summaries_exact()
    before = _same_as_records(PAIRINGS, place.today)
    helper = Helper.objects.get()
    paired = set(Pairing.objects.values_list("person_id", flat=True))
    child, _entry = next(
        (p, e)
        for p, e in world
        if p.division_id == place.home
        and e.status == "active"
        and p.pk not in paired
        and p.birth_date > place.today.replace(year=place.today.year - 18)
    )
    # she has moved to the next community, her register entry not yet transferred: the pairing is kept where she
    # lives now, and she counts as paired where she is on the register
    child.division_id = place.sibling
    child.save()
    _assert_summaries_exact()
    newcomer = care.helper_create(actor=system_actor(), person=make_person(place.sibling), capacity=2)
    made = care.pairing_create(
        actor=place.actors["district"], helper=newcomer, person=child, started_on=place.today - dt.timedelta(days=3)
    )
    assert made.division_id != _entry.division_id
    _assert_summaries_exact()
    after = _same_as_records(PAIRINGS, place.today)
    assert after["pairings.children_paired"] == before["pairings.children_paired"] + 1
    assert after["pairings.started"] == before["pairings.started"] + 1
    made.refresh_from_db()
    care.pairing_end(actor=place.actors["district"], pairing=made, reason="已就学", expected_version=made.version)
    _assert_summaries_exact()
    # the helper's kind is a breakdown of her pairings: correcting it moves them from one bar to the other
    helper.kind = HelperKind.EXECUTIVE
    helper.save()
    _assert_summaries_exact()
    values = _same_as_records(PAIRINGS, place.today)
    assert values["pairings.ended"] == 1 and values["pairings.active"] == before["pairings.active"]
    assert values["pairings.children_paired"] == before["pairings.children_paired"]
    leader = actor_of(make_user(Role.LEADER, FUTIAN))
    scope = selectors.scope_resolve(actor=leader, division=FUTIAN)
    year = Period(place.today.replace(month=1, day=1), place.today.replace(month=12, day=31), "year")
    # the street is kept whole in the roll-ups, like the district (the district's bars per street read them)
    street = Division.objects.get(code=place.home).parent
    assert street is not None and street.level == Level.STREET
    assert FigureRollup.objects.filter(place=street.prefix, figure="pairings.started").exists()
    bars = selectors.breakdown(
        actor=leader, scope=scope, period=year, code="pairings.active", dimension="helper_kind"
    ).bars
    assert [b.key for b in bars] == [HelperKind.EXECUTIVE]
    for bar in bars:
        _, records = drilldown.figure_records(
            actor=leader, scope=scope, period=year, code="pairings.active", dimension="helper_kind", key=bar.key
        )
        assert bar.value == records.count() == values["pairings.active"]


@pytest.mark.django_db
def test_screening_figures_are_summarised(s):
    assert set(SCREENING) <= {f.code for f in summaries.summarised()}
    hazard = visit_with_hazard(s).hazard
    _assert_summaries_exact()
    screening.hazard_resolve(actor=s.a["community"], hazard=hazard, expected_version=hazard.version, note="已化解")
    _assert_summaries_exact()
    values = _same_as_records(SCREENING, s.today)
    assert values["screening.visits"] >= 1 and values["screening.hazards_followed"] >= 1
    assert FigureMonthly.objects.filter(figure="screening.hazards", dim="status", key="resolved").exists()


@pytest.mark.django_db
def test_activity_and_volunteer_sums_are_summarised(scene):
    """Sessions, attendance (人次, a sum of head counts) and confirmed service (minutes summed, hours shown) are
    read from the summaries: after check-ins, a session called off and service confirmed, each figure equals the
    sum or count of its drill-down records for the year, this month and a run of days, and so does each bar."""
    codes = ["activities.sessions", "activities.attendance", "activities.family_education", "volunteers.hours"]
    assert set(codes) <= {f.code for f in summaries.summarised()}
    past = scene.now - dt.timedelta(days=2)
    lecture = make_activity(scene.home, type="family_lecture", start=past, hours=2, sessions=2)
    fair = make_activity(scene.far, type="job_fair", start=past, hours=3, records_names=False)
    first, second = lecture.sessions.order_by("starts_at")
    for person in (make_person(scene.home), make_person(scene.home)):
        activities.attendance_record(actor=system_actor(), session=first, person=person, at=first.starts_at)
    activities.attendance_record(actor=system_actor(), session=fair.sessions.get(), head_count=30, at=past)
    for i, (minutes, confirm) in enumerate(((90, True), (45, True), (60, False))):
        volunteers.service_record_create(
            actor=system_actor(),
            volunteer=scene.me,
            title="讲座引导",
            started_at=past - dt.timedelta(hours=2 * i),
            minutes=minutes,
            division_code=scene.home,
            confirm=confirm,
        )
    _assert_summaries_exact()
    activities.session_cancel(actor=system_actor(), session=second)
    _assert_summaries_exact()
    assert FigureMonthly.objects.filter(figure="volunteers.hours").exists()
    leader = scene.actors["leader"]
    scope = selectors.scope_resolve(actor=leader, division=FUTIAN)
    today = timezone.localdate()
    year = Period(today.replace(month=1, day=1), today.replace(month=12, day=31), "year")
    periods = [year, Period(today.replace(day=1), today, "custom"), Period(today - dt.timedelta(days=40), today)]

    def from_records(code: str, period: Period, **bar) -> object:
        fig, records = drilldown.figure_records(
            actor=leader, scope=bar.pop("scope", scope), period=period, code=code, **bar
        )
        if fig.kind == "sum":
            return scaled(fig, sum(getattr(r, fig.amount) for r in records))
        return records.count()

    values = {}
    for period in periods:
        for value in selectors.figure_values(actor=leader, scope=scope, period=period, codes=codes):
            assert value.value == from_records(value.code, period), (value.code, period)
            values.setdefault(value.code, value.value)
    assert values["activities.attendance"] == 32 and values["activities.sessions"] == 2
    assert values["volunteers.hours"] == round((90 + 45) / 60, 1)
    for dim in ("division", "type", "audience"):
        bars = selectors.breakdown(actor=leader, scope=scope, period=year, code="activities.attendance", dimension=dim)
        assert bars.bars, dim
        for bar in bars.bars:
            where = (
                {"scope": selectors.scope_resolve(actor=leader, division=bar.key)}
                if dim == "division"
                else {"dimension": dim, "key": bar.key}
            )
            assert bar.value == from_records("activities.attendance", year, **where), (dim, bar.label)
    # the monthly trend reads the same rows, each month scaled on its own
    trend = selectors.trend(actor=leader, scope=scope, period=year, code="volunteers.hours")
    assert trend is not None
    for (_label, start, end), shown in zip(year.months(), trend.current, strict=True):
        assert shown == from_records("volunteers.hours", Period(start, end, "month"))
