"""The yearly attendance tally (`AttendanceTally`): kept current by every check-in in the check-in's transaction,
recomputed for the places an activity edit moves attendance between, and rebuilt whole by the system job after
bulk loads. Each attendance counts in its own place and every place above it (street, district, city)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear, Length, Substr

from jiayuan.access.actor import Actor
from jiayuan.core.errors import WorkflowError
from jiayuan.divisions.codes import COMMUNITY_LEN, DISTRICT_LEN, STREET_LEN, moved_units, self_and_ancestors
from jiayuan.divisions.models import Division, subtree_q
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
    rows = list(rows)
    if not rows:
        return
    table = connection.ops.quote_name(AttendanceTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[object] = []
    for (place, dimension, value), attendances, people in rows:
        params += [year, place, dimension, value, attendances, people]
    sql = (
        f"INSERT INTO {table} (year, division_id, dimension, value, attendances, people) VALUES {values} "
        "ON CONFLICT (division_id, year, dimension, value) DO UPDATE SET "
        f"attendances = {table}.attendances + excluded.attendances, people = {table}.people + excluded.people"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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


def _grouped(qs, group: list[str]) -> list[tuple[TallyKey, int, int, dict]]:
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


# The places a level groups attendance into, as database expressions, with the rows that reach that level:
# communities hold their own rows; a street its own and its communities'; a district and the city everything
# under them (every activity is held in a district, street or community).
def _levels() -> dict[str, tuple[object, Q]]:
    code = "division_id"
    moved = [When(division__code__startswith=unit, then=Value(parent)) for unit, parent in moved_units().items()]
    return {
        "community": (F(code), Q(code_length=COMMUNITY_LEN)),
        "street": (Substr(code, 1, STREET_LEN), Q(code_length__gte=STREET_LEN)),
        "district": (Case(*moved, default=Substr(code, 1, DISTRICT_LEN)), Q()),
        "city": (Concat(Substr(code, 1, 4), Value("00")), Q()),
    }


def tally_rows_rebuild(attendance_model: type[Attendance], tally_model: type[AttendanceTally], year: int | None) -> int:
    """The rebuild itself, on the models given (the migration that fills the tally passes its historical ones)."""
    base = attendance_model.objects.annotate(
        tally_year=Cast(ExtractYear("on"), IntegerField()), code_length=Length("division_id")
    ).order_by()
    if year is not None:
        start, end = _year_bounds(year)
        base = base.filter(on__gte=start, on__lte=end)
    made: dict[tuple[int, TallyKey], tuple[int, int]] = {}
    for place, rows in _levels().values():
        qs = base.filter(rows).annotate(tally_place=place)
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
