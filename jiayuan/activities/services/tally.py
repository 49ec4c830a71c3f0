"""The yearly attendance tally (`AttendanceTally`): kept current by every check-in in the check-in's transaction,
recomputed for the places an activity edit moves attendance between, and rebuilt whole by the system job after
bulk loads. Each attendance counts in its own place and every place above it (street, district, city)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Cast, ExtractYear

from jiayuan.access.actor import Actor
from jiayuan.core.errors import WorkflowError
from jiayuan.core.tally import counters_add
from jiayuan.divisions.codes import self_and_ancestors
from jiayuan.divisions.models import Division, places_by_level, subtree_q
from jiayuan.people.models import Person

from ..models import Attendance, AttendanceTally, TallyDimension

# (tally dimension, attendance column): the whole, then the three breakdowns.
DIMENSIONS: tuple[tuple[str, str | None], ...] = (
    (TallyDimension.ALL, None),
    (TallyDimension.TYPE, "type"),
    (TallyDimension.AUDIENCE, "audience"),
    (TallyDimension.PROJECT, "project_id_ref"),
)

TallyKey = tuple[str, str, str]  # (place code, dimension, value)


def _value(raw: object) -> str:
    return "" if raw is None else str(raw)


def _keys(division_code: str, type_: str, audience: str, project: int | None) -> set[TallyKey]:
    keys: set[TallyKey] = set()
    for place in self_and_ancestors(division_code):
        keys.update(
            {
                (place, TallyDimension.ALL, ""),
                (place, TallyDimension.TYPE, type_),
                (place, TallyDimension.AUDIENCE, audience),
                (place, TallyDimension.PROJECT, _value(project)),
            }
        )
    return keys


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _upsert(year: int, rows: Iterable[tuple[TallyKey, int, int]]) -> None:
    """Add (人次, 人数) to each key's row, creating it at zero first: one statement for every key."""
    counters_add(
        AttendanceTally,
        ["year", "division_id", "dimension", "value"],
        ["attendances", "people"],
        [(year, place, dimension, value, n, p) for (place, dimension, value), n, p in rows],
    )


def attendance_tally_add(*, attendance: Attendance) -> None:
    """Count one new attendance (call it in the transaction that writes it): its 人次 everywhere above its place,
    and the person once per place, year and group in which she had not been present before this year."""
    year = attendance.on.year
    keys = _keys(attendance.division_id, attendance.type, attendance.audience, attendance.project_id_ref)
    seen: set[TallyKey] = set()
    if attendance.person_id is not None:
        # Her check-ins are counted one after another, so two at once cannot both count her as new.
        list(Person.objects.select_for_update().filter(pk=attendance.person_id).values_list("pk", flat=True))
        start, end = _year_bounds(year)
        earlier = (
            Attendance.objects.filter(person_id=attendance.person_id, on__gte=start, on__lte=end)
            .exclude(pk=attendance.pk)
            .values_list("division_id", "type", "audience", "project_id_ref")
            .distinct()
        )
        for row in earlier:
            seen |= _keys(*row) & keys
    named = attendance.person_id is not None
    _upsert(year, ((key, attendance.head_count, 1 if named and key not in seen else 0) for key in sorted(keys)))


def _grouped(qs: QuerySet[Attendance], group: list[str]) -> list[tuple[TallyKey, int, int, dict]]:
    """(key, 人次, 人数, row) per group of `qs`, for the whole and each breakdown; `group` names the columns that
    every row is grouped by before the breakdown (the year and the place)."""
    found = []
    for dimension, column in DIMENSIONS:
        columns = group + ([column] if column else [])
        for row in qs.values(*columns).annotate(n=Sum("head_count"), p=Count("person", distinct=True)).order_by():
            if row["n"]:
                found.append(
                    (
                        (row.get("tally_place", ""), dimension, _value(row[column]) if column else ""),
                        row["n"],
                        row["p"],
                        row,
                    )
                )
    return found


def _place_rows(year: int, place: Division) -> list[tuple[TallyKey, int, int]]:
    start, end = _year_bounds(year)
    qs = Attendance.objects.filter(subtree_q(place.prefix, "division"), on__gte=start, on__lte=end).annotate(
        tally_place=Value(place.code)
    )
    return [(key, n, p) for key, n, p, _row in _grouped(qs, ["tally_place"])]


def attendance_tally_refresh(*, years: Iterable[int], division_codes: Iterable[str]) -> None:
    """Recompute the rows of these places (and every place above them) for these years from the attendance
    itself: after an edit moves attendance to another place, type, audience or project."""
    places = {code for start in division_codes if start for code in self_and_ancestors(start)}
    divisions = list(Division.objects.filter(code__in=places))
    for year in sorted(set(years)):
        AttendanceTally.objects.filter(year=year, division__in=divisions).delete()
        for division in divisions:
            _upsert(year, _place_rows(year, division))


def tally_rows_rebuild(attendance_model: type[Attendance], tally_model: type[AttendanceTally], year: int | None) -> int:
    """The rebuild itself, on the models given (the migration that fills the tally passes its historical ones)."""
    base = attendance_model.objects.annotate(tally_year=Cast(ExtractYear("on"), IntegerField())).order_by()
    if year is not None:
        start, end = _year_bounds(year)
        base = base.filter(on__gte=start, on__lte=end)
    made: dict[tuple[int, TallyKey], tuple[int, int]] = {}
    for place, reaches in places_by_level().values():
        qs = (base.filter(reaches) if reaches is not None else base).annotate(tally_place=place)
        for key, n, p, row in _grouped(qs, ["tally_year", "tally_place"]):
            made[(row["tally_year"], key)] = (n, p)
    with transaction.atomic():
        old = tally_model.objects.all() if year is None else tally_model.objects.filter(year=year)
        old.delete()
        tally_model.objects.bulk_create(
            [
                tally_model(year=y, division_id=place, dimension=dimension, value=value, attendances=n, people=p)
                for (y, (place, dimension, value)), (n, p) in made.items()
            ],
            batch_size=5000,
        )
    return len(made)


def attendance_tally_rebuild(*, actor: Actor, year: int | None = None) -> int:
    """Recompute the whole tally (or one year's) from the attendance, grouped per level in the database: after a
    bulk load that bypassed the check-in services, or to repair. Returns the number of rows written."""
    if not actor.is_system:
        raise WorkflowError("只有系统任务可以重建签到汇总。")
    return tally_rows_rebuild(Attendance, AttendanceTally, year)
