"""Counts of federation service work per place and period: activities, sessions, hours, attendances (人次) and
distinct people (人数) by type, audience and project; online views; volunteers and volunteer hours.

Every figure is one aggregate query over an index that holds the place, the date and the counted columns
(sessions and attendances carry their activity's place, type, audience and project)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, subtree_q
from jiayuan.volunteers.selectors import volunteer_figures

from .models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceTally,
    Audience,
    ServiceProject,
    Session,
    TallyDimension,
)
from .selectors import type_labels


@dataclass
class Breakdown:
    key: str
    label: str
    activities: int = 0
    sessions: int = 0
    minutes: int = 0
    attendances: int = 0
    people: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class ActivityCounts:
    prefix: str
    place: str
    start: dt.date
    end: dt.date
    activities: int = 0
    sessions: int = 0
    minutes: int = 0
    attendances: int = 0  # 人次
    people: int = 0  # 人数: distinct registered people (head counts are not names)
    online_views: int = 0
    online_interactions: int = 0
    pairs_formed: int = 0
    posts_offered: int = 0
    volunteers: int = 0
    volunteers_serving: int = 0
    volunteer_minutes: int = 0
    by_type: list[Breakdown] = field(default_factory=list)
    by_audience: list[Breakdown] = field(default_factory=list)
    by_project: list[Breakdown] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def volunteer_hours(self) -> float:
        return round(self.volunteer_minutes / 60, 1)


def counts_prefix(*, actor: Actor, division: str = "", perm: str = "activities.stats") -> str | None:
    prefix = policy.reach(actor, perm)
    if prefix is None:
        return None
    if division and division.startswith(prefix):
        found = Division.objects.filter(code=division).only("prefix").first()
        if found is not None:
            return found.prefix
    return prefix


KEYS = ("type", "audience", "project_id_ref")


def _attendance_groups(qs) -> dict[tuple[str, object], tuple[int, int]]:
    """人次 and distinct 人数 for the whole and per type, audience and project: {(key, value): (人次, 人数)},
    ("", None) for the whole. On PostgreSQL one scan with GROUPING SETS; elsewhere one query per grouping."""
    result: dict[tuple[str, object], tuple[int, int]] = {}
    inner = qs.values("type", "audience", "project_id_ref", "head_count", "person_id").order_by()
    if connection.vendor == "postgresql":
        sql, params = inner.query.sql_with_params()
        query = (
            "SELECT GROUPING(t.type), GROUPING(t.audience), GROUPING(t.project_id_ref), t.type, t.audience, "
            "t.project_id_ref, SUM(t.head_count), COUNT(DISTINCT t.person_id) "
            f"FROM ({sql}) t GROUP BY GROUPING SETS ((), (t.type), (t.audience), (t.project_id_ref))"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # Distinct counts per grouping set sort in memory rather than spill to disk.
            cursor.execute("SET LOCAL work_mem = '32MB'")
            cursor.execute(query, params)
            for g_type, g_audience, g_project, type_, audience, project, n, p in cursor.fetchall():
                if not g_type:
                    result[("type", type_)] = (n or 0, p or 0)
                elif not g_audience:
                    result[("audience", audience)] = (n or 0, p or 0)
                elif not g_project:
                    result[("project_id_ref", project)] = (n or 0, p or 0)
                else:
                    result[("", None)] = (n or 0, p or 0)
        return result
    whole = qs.aggregate(n=Sum("head_count"), p=Count("person", distinct=True))
    result[("", None)] = (whole["n"] or 0, whole["p"] or 0)
    for key in KEYS:
        for row in qs.values(key).annotate(n=Sum("head_count"), p=Count("person", distinct=True)).order_by():
            result[(key, row[key])] = (row["n"] or 0, row["p"] or 0)
    return result


_TALLY_KEYS: dict[str, str] = {
    TallyDimension.TYPE: "type",
    TallyDimension.AUDIENCE: "audience",
    TallyDimension.PROJECT: "project_id_ref",
}


def _tally_groups(
    actor: Actor, perm: str, code: str, start: dt.date, end: dt.date
) -> dict[tuple[str, object], tuple[int, int]] | None:
    """A calendar year of one place reads its attendance tally (a few hundred rows, kept by the check-ins);
    any other period returns None and is counted from the attendance itself."""
    if not code or start != dt.date(start.year, 1, 1) or end != dt.date(start.year, 12, 31):
        return None
    rows = (
        policy.scoped(actor, perm, AttendanceTally)
        .filter(division_id=code, year=start.year)
        .values_list("dimension", "value", "attendances", "people")
    )
    result: dict[tuple[str, object], tuple[int, int]] = {}
    for dimension, value, attendances, people in rows:
        if dimension == TallyDimension.ALL:
            result[("", None)] = (attendances, people)
        elif dimension == TallyDimension.PROJECT:
            result[("project_id_ref", int(value) if value else None)] = (attendances, people)
        else:
            result[(_TALLY_KEYS[dimension], value)] = (attendances, people)
    return result


def activity_counts(
    *, actor: Actor, start: dt.date, end: dt.date, division: str = "", perm: str = "activities.stats"
) -> ActivityCounts | None:
    prefix = counts_prefix(actor=actor, division=division, perm=perm)
    if prefix is None:
        return None
    code, place = Division.objects.filter(prefix=prefix).values_list("code", "name").first() or ("", "全部")
    result = ActivityCounts(prefix=prefix, place=place, start=start, end=end)
    in_place = subtree_q(prefix, "division")
    activities = (
        policy.scoped(actor, perm, Activity)
        .filter(in_place, starts_on__gte=start, starts_on__lte=end)
        .exclude(status__in=[ActivityStatus.CANCELLED, ActivityStatus.DRAFT])
    )
    sessions = policy.scoped(actor, perm, Session).filter(in_place, on__gte=start, on__lte=end, cancelled=False)
    attendance = policy.scoped(actor, perm, Attendance).filter(in_place, on__gte=start, on__lte=end)

    # Activities and sessions: one grouped query each; totals and breakdowns are sums of the groups.
    groups: dict[str, dict] = {key: {} for key in KEYS}

    def bucket(key: str, value) -> dict:
        return groups[key].setdefault(value, {"activities": 0, "sessions": 0, "minutes": 0})

    for row in (
        activities.values("type", "audience", "project_id")
        .annotate(n=Count("id"), pairs=Sum("pairs_formed"), posts=Sum("posts_offered"))
        .order_by()
    ):
        result.activities += row["n"]
        result.pairs_formed += row["pairs"] or 0
        result.posts_offered += row["posts"] or 0
        for key, value in (("type", row["type"]), ("audience", row["audience"]), ("project_id_ref", row["project_id"])):
            bucket(key, value)["activities"] += row["n"]
    for row in (
        sessions.values(*KEYS)
        .annotate(n=Count("id"), m=Sum("minutes"), v=Sum("online_views"), i=Sum("online_interactions"))
        .order_by()
    ):
        result.sessions += row["n"]
        result.minutes += row["m"] or 0
        result.online_views += row["v"] or 0
        result.online_interactions += row["i"] or 0
        for key in KEYS:
            b = bucket(key, row[key])
            b["sessions"] += row["n"]
            b["minutes"] += row["m"] or 0
    present = _tally_groups(actor, perm, code, start, end)
    if present is None:
        present = _attendance_groups(attendance)
    result.attendances, result.people = present.get(("", None), (0, 0))
    for (group, group_value), _figures in present.items():
        if group:
            bucket(group, group_value)

    project_ids = [v for v in groups["project_id_ref"] if v is not None]
    labels: dict[str, dict[Any, str]] = {
        "type": type_labels(),
        "audience": dict(Audience.choices),
        "project_id_ref": dict(ServiceProject.objects.filter(pk__in=project_ids).values_list("pk", "name"))
        if project_ids
        else {},
    }
    for key, target in (("type", "by_type"), ("audience", "by_audience"), ("project_id_ref", "by_project")):
        rows = []
        for value in sorted(groups[key], key=lambda v: (v is None, str(v))):
            if value is None:
                label = "不属于项目" if key == "project_id_ref" else "未分类"
            else:
                label = labels[key].get(value, str(value))
            b = groups[key][value]
            n, p = present.get((key, value), (0, 0))
            rows.append(
                Breakdown(
                    key="" if value is None else str(value),
                    label=label,
                    activities=b["activities"],
                    sessions=b["sessions"],
                    minutes=b["minutes"],
                    attendances=n,
                    people=p,
                )
            )
        setattr(result, target, rows)

    figures = volunteer_figures(actor=actor, prefix=prefix, start=start, end=end, place_code=code)
    result.volunteers, result.volunteers_serving, result.volunteer_minutes = (
        figures.volunteers,
        figures.serving,
        figures.minutes,
    )
    return result


def yearly_counts(*, actor: Actor, year: int, division: str = "") -> ActivityCounts | None:
    return activity_counts(actor=actor, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), division=division)


@dataclass
class ProjectProgress:
    activities: int
    sessions: int
    minutes: int
    attendances: int
    people: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def project_progress(
    *, actor: Actor, project: ServiceProject, perm: str = "activities.project_view"
) -> ProjectProgress:
    """A project's figures against its targets (activities, sessions, hours, 人次, 人数)."""
    activities = Activity.objects.filter(project=project).exclude(
        status__in=[ActivityStatus.CANCELLED, ActivityStatus.DRAFT]
    )
    s = Session.objects.filter(project_id_ref=project.pk, cancelled=False).aggregate(n=Count("id"), m=Sum("minutes"))
    t = Attendance.objects.filter(project_id_ref=project.pk).aggregate(
        n=Sum("head_count"), p=Count("person", distinct=True)
    )
    return ProjectProgress(activities.count(), s["n"], s["m"] or 0, t["n"] or 0, t["p"] or 0)
