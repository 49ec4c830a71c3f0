"""Reads for projects and activities, always scoped to the actor: lists, one activity with its sessions,
sign-ups and roster, a volunteer's open activities and own sign-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.models import subtree_q

from .models import (
    TYPE_KIND,
    Activity,
    ActivityStatus,
    Attendance,
    Duty,
    ServiceProject,
    Session,
    SignUp,
    SignUpStatus,
)


@dataclass
class ActivityFilters:
    division: str = ""
    type: str = ""
    audience: str = ""
    status: str = ""
    project_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str = ""


def activity_list(
    *, actor: Actor, filters: ActivityFilters | None = None, perm: str = "activities.list"
) -> QuerySet[Activity]:
    f = filters or ActivityFilters()
    qs = policy.scoped(actor, perm, Activity)
    if f.division:
        qs = qs.filter(subtree_q(f.division, "division"))
    if f.type:
        qs = qs.filter(type=f.type)
    if f.audience:
        qs = qs.filter(audience=f.audience)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.project_id:
        qs = qs.filter(project_id=f.project_id)
    if f.start:
        qs = qs.filter(ends_on__gte=f.start)
    if f.end:
        qs = qs.filter(starts_on__lte=f.end)
    if f.q:
        qs = qs.filter(title__icontains=f.q[:50])
    return qs.select_related("division", "venue").order_by("-starts_on", "-id")


def activity_get(*, actor: Actor, activity_id, perm: str = "activities.view") -> Activity:
    qs = Activity.objects.select_related("division", "venue", "project", "organiser", "organiser_org")
    return policy.access_by_id(actor, perm, qs, activity_id)


def open_activities(*, actor: Actor, perm: str = "activities.browse") -> QuerySet[Activity]:
    """The open activities of a volunteer's area that have not ended."""
    today = timezone.localdate()
    return (
        policy.scoped(actor, perm, Activity)
        .filter(status=ActivityStatus.OPEN, ends_on__gte=today)
        .select_related("division", "venue")
        .order_by("starts_on", "id")
    )


def open_activity_get(*, actor: Actor, activity_id, perm: str = "activities.browse") -> Activity:
    return policy.access_by_id(actor, perm, open_activities(actor=actor, perm=perm), activity_id)


def activity_sessions(*, activity: Activity) -> QuerySet[Session]:
    return activity.sessions.order_by("starts_at", "id")


def session_get(*, actor: Actor, session_id, perm: str = "activities.attendance") -> Session:
    qs = Session.objects.select_related("activity", "activity__division")
    return policy.access_by_id(actor, perm, qs, session_id)


def open_session_get(*, actor: Actor, session_id, perm: str = "activities.join") -> Session:
    """A session of an open (or just closed) activity of the volunteer's area, for check-in and hours."""
    qs = Session.objects.select_related("activity").filter(
        activity__status__in=[ActivityStatus.OPEN, ActivityStatus.CLOSED, ActivityStatus.DONE], cancelled=False
    )
    return policy.access_by_id(actor, perm, qs, session_id)


def activity_signups(*, activity: Activity) -> QuerySet[SignUp]:
    return activity.signups.select_related("person").order_by("created_at", "id")


def signup_get(*, actor: Actor, signup_id, perm: str = "activities.signup_manage") -> SignUp:
    return policy.access_by_id(actor, perm, SignUp.objects.select_related("activity", "person"), signup_id)


def my_signups(*, actor: Actor, perm: str = "activities.mine") -> QuerySet[SignUp]:
    return (
        policy.scoped(actor, perm, SignUp)
        .exclude(status=SignUpStatus.CANCELLED)
        .select_related("activity", "activity__division", "activity__venue")
        .order_by("-activity__starts_on", "-id")
    )


def my_signup_get(*, actor: Actor, signup_id, perm: str = "activities.mine") -> SignUp:
    return policy.access_by_id(actor, perm, SignUp.objects.select_related("activity"), signup_id)


def session_attendance(*, session: Session) -> QuerySet[Attendance]:
    return session.attendances.select_related("person").order_by("checked_in_at", "id")


def activity_attendance(*, activity: Activity) -> QuerySet[Attendance]:
    """Every check-in of an activity (already read through the scope), session by session."""
    return (
        Attendance.objects.filter(activity=activity)
        .select_related("session", "person")
        .order_by("session__starts_at", "checked_in_at", "id")
    )


def activity_duties(*, activity: Activity) -> QuerySet[Duty]:
    return (
        Duty.objects.filter(activity=activity)
        .select_related("volunteer__person", "session", "record")
        .order_by("starts_at", "id")
    )


def duty_get(*, actor: Actor, duty_id, perm: str = "activities.attendance") -> Duty:
    qs = Duty.objects.select_related("session", "activity", "volunteer", "record")
    return policy.access_by_id(actor, perm, qs, duty_id)


def project_list(*, actor: Actor, perm: str = "activities.project_view") -> QuerySet[ServiceProject]:
    return policy.scoped(actor, perm, ServiceProject).select_related("division", "provider").order_by("-starts_on")


def project_get(*, actor: Actor, project_id, perm: str = "activities.project_view") -> ServiceProject:
    return policy.access_by_id(actor, perm, ServiceProject.objects.select_related("division", "provider"), project_id)


def type_labels() -> dict[str, str]:
    return {item.code: item.label for item in dictionary_items(TYPE_KIND, active_only=False)}


def type_items() -> list:
    """Every activity type (active or not) in one query, for a list's labels and its filter."""
    return list(dictionary_items(TYPE_KIND, active_only=False))


def type_choices():
    return dictionary_items(TYPE_KIND)


def open_tasks(*, actor: Actor, perm: str = "activities.browse") -> QuerySet[Session]:
    """Upcoming sessions of the open activities in a volunteer's area, with how many volunteers are on each."""
    return (
        policy.scoped(actor, perm, Session)
        .filter(
            activity__status=ActivityStatus.OPEN,
            cancelled=False,
            ends_at__gte=timezone.now(),
        )
        .select_related("activity", "activity__venue", "activity__division")
        .annotate(volunteers=Count("duties"))
        .order_by("starts_at", "id")
    )


def my_duty(*, duty_id: int) -> Duty:
    return Duty.objects.select_related("volunteer__person").get(pk=duty_id)
