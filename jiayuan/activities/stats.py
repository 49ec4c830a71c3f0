"""Counts of federation service work per place and period: activities, sessions, hours, attendances (人次) and
distinct people (人数) by type, audience and project; online views; volunteers and volunteer hours.

Every figure is one aggregate query over an index that holds the place, the date and the counted columns
(sessions and attendances carry their activity's place, type, audience and project)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, subtree_q
from jiayuan.volunteers.selectors import volunteer_figures

from .models import Activity, ActivityStatus, Attendance, Audience, ServiceProject, Session
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
    prefix = actor.broadest_prefix(perm)
    if prefix is None:
        return None
    if division and division.startswith(prefix):
        found = Division.objects.filter(code=division).only("prefix").first()
        if found is not None:
            return found.prefix
    return prefix


def _group(qs, key: str, **aggregates) -> dict:
    return {row[key]: row for row in qs.values(key).annotate(**aggregates).order_by()}


def activity_counts(
    *, actor: Actor, start: dt.date, end: dt.date, division: str = "", perm: str = "activities.stats"
) -> ActivityCounts | None:
    prefix = counts_prefix(actor=actor, division=division, perm=perm)
    if prefix is None:
        return None
    place = Division.objects.filter(prefix=prefix).values_list("name", flat=True).first() or "全部"
    result = ActivityCounts(prefix=prefix, place=place, start=start, end=end)
    in_place = subtree_q(prefix, "division")
    activities = (
        policy.scoped(actor, perm, Activity)
        .filter(in_place, starts_on__gte=start, starts_on__lte=end)
        .exclude(status__in=[ActivityStatus.CANCELLED, ActivityStatus.DRAFT])
    )
    sessions = policy.scoped(actor, perm, Session).filter(in_place, on__gte=start, on__lte=end, cancelled=False)
    attendance = policy.scoped(actor, perm, Attendance).filter(in_place, on__gte=start, on__lte=end)

    a = activities.aggregate(n=Count("id"), pairs=Sum("pairs_formed"), posts=Sum("posts_offered"))
    s = sessions.aggregate(n=Count("id"), m=Sum("minutes"), v=Sum("online_views"), i=Sum("online_interactions"))
    t = attendance.aggregate(n=Sum("head_count"), p=Count("person", distinct=True))
    result.activities, result.pairs_formed, result.posts_offered = a["n"], a["pairs"] or 0, a["posts"] or 0
    result.sessions, result.minutes = s["n"], s["m"] or 0
    result.online_views, result.online_interactions = s["v"] or 0, s["i"] or 0
    result.attendances, result.people = t["n"] or 0, t["p"] or 0

    labels = {
        "type": type_labels(),
        "audience": dict(Audience.choices),
        "project_id_ref": dict(
            ServiceProject.objects.filter(
                pk__in=sessions.exclude(project_id_ref=None).values("project_id_ref").distinct()
            ).values_list("pk", "name")
        ),
    }
    for key, activity_key, target in (
        ("type", "type", "by_type"),
        ("audience", "audience", "by_audience"),
        ("project_id_ref", "project_id", "by_project"),
    ):
        acts = _group(activities, activity_key, n=Count("id"))
        sess = _group(sessions, key, n=Count("id"), m=Sum("minutes"))
        att = _group(attendance, key, n=Sum("head_count"), p=Count("person", distinct=True))
        rows = []
        for value in sorted(set(acts) | set(sess) | set(att), key=lambda v: (v is None, str(v))):
            if value is None:
                label = "不属于项目" if key == "project_id_ref" else "未分类"
            else:
                label = labels[key].get(value, str(value))
            rows.append(
                Breakdown(
                    key="" if value is None else str(value),
                    label=label,
                    activities=acts.get(value, {}).get("n", 0),
                    sessions=sess.get(value, {}).get("n", 0),
                    minutes=sess.get(value, {}).get("m") or 0,
                    attendances=att.get(value, {}).get("n") or 0,
                    people=att.get(value, {}).get("p", 0),
                )
            )
        setattr(result, target, rows)

    figures = volunteer_figures(actor=actor, prefix=prefix, start=start, end=end)
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
