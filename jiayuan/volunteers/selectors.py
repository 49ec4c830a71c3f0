"""Reads for volunteers, teams and service records, always scoped to the actor; names masked in lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.divisions.models import subtree_q
from jiayuan.people.models import Person

from .models import Membership, RecordStatus, ServiceRecord, ServiceTally, Team, Volunteer, VolunteerStatus


@dataclass
class VolunteerFilters:
    division: str = ""
    skill: str = ""
    team_id: int | None = None
    status: str = VolunteerStatus.ACTIVE


def volunteer_list(
    *, actor: Actor, filters: VolunteerFilters | None = None, perm: str = "volunteers.list"
) -> QuerySet[Volunteer]:
    f = filters or VolunteerFilters()
    qs = policy.scoped(actor, perm, Volunteer)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.division:
        qs = qs.filter(subtree_q(f.division, "division"))
    if f.skill:
        qs = qs.filter(skills__code=f.skill)
    if f.team_id:
        qs = qs.filter(memberships__team_id=f.team_id, memberships__left_on__isnull=True)
    return qs.select_related("person", "division").order_by("-id")


@dataclass
class VolunteerRow:
    id: int
    name: str
    division: str
    skills: list[str]
    availability: str
    registered_on: dt.date
    confirmed_hours: float
    status: str


def volunteer_rows(volunteers) -> list[VolunteerRow]:
    volunteers = list(volunteers)
    ids = [v.pk for v in volunteers]
    skills: dict[int, list[str]] = {}
    for vid, label in Volunteer.skills.through.objects.filter(volunteer_id__in=ids).values_list(
        "volunteer_id", "dictionaryitem__label"
    ):
        skills.setdefault(vid, []).append(label)
    minutes = dict(
        ServiceRecord.objects.filter(volunteer_id__in=ids, status=RecordStatus.CONFIRMED)
        .values("volunteer_id")
        .annotate(m=Sum("minutes"))
        .values_list("volunteer_id", "m")
    )
    return [
        VolunteerRow(
            id=v.pk,
            name=mask_name(v.person.name),
            division=v.division.name,
            skills=skills.get(v.pk, []),
            availability=v.availability,
            registered_on=v.registered_on,
            confirmed_hours=round((minutes.get(v.pk) or 0) / 60, 1),
            status=v.get_status_display(),
        )
        for v in volunteers
    ]


def volunteer_get(*, actor: Actor, volunteer_id, perm: str = "volunteers.view") -> Volunteer:
    qs = Volunteer.objects.select_related("person", "division", "user")
    return policy.access_by_id(actor, perm, qs, volunteer_id)


def volunteer_of_user(user) -> Volunteer | None:
    """The volunteer record linked to a signed-in account (her own; no scope question arises)."""
    if user is None or not getattr(user, "pk", None):
        return None
    return Volunteer.objects.select_related("person", "division").filter(user_id=user.pk).first()


@dataclass
class HoursSummary:
    confirmed_minutes: int
    pending_minutes: int
    records: int
    confirmed_records: int

    @property
    def confirmed_hours(self) -> float:
        return round(self.confirmed_minutes / 60, 1)

    @property
    def pending_hours(self) -> float:
        return round(self.pending_minutes / 60, 1)


def volunteer_hours(*, volunteer: Volunteer) -> HoursSummary:
    """Her total confirmed hours (and what is still pending), in one aggregate over her records."""
    row = ServiceRecord.objects.filter(volunteer=volunteer).aggregate(
        confirmed=Sum("minutes", filter=Q(status=RecordStatus.CONFIRMED)),
        pending=Sum("minutes", filter=Q(status=RecordStatus.PENDING)),
        n=Count("id"),
        nc=Count("id", filter=Q(status=RecordStatus.CONFIRMED)),
    )
    return HoursSummary(row["confirmed"] or 0, row["pending"] or 0, row["n"], row["nc"])


def volunteer_records(*, actor: Actor, volunteer: Volunteer, perm: str = "volunteers.record_view"):
    """Her service records the actor may read, newest first."""
    return (
        policy.scoped(actor, perm, ServiceRecord)
        .filter(volunteer=volunteer)
        .select_related("division", "confirmed_by")
        .order_by("-started_at", "-id")
    )


def volunteer_teams(*, volunteer: Volunteer) -> QuerySet[Membership]:
    return Membership.objects.filter(volunteer=volunteer, left_on__isnull=True).select_related("team", "team__division")


def record_list(
    *, actor: Actor, status: str = RecordStatus.PENDING, division: str = "", perm: str = "volunteers.record_view"
) -> QuerySet[ServiceRecord]:
    qs = policy.scoped(actor, perm, ServiceRecord)
    if status:
        qs = qs.filter(status=status)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    return qs.select_related("volunteer__person", "division").order_by("-started_at", "-id")


def record_get(*, actor: Actor, record_id, perm: str = "volunteers.record_view") -> ServiceRecord:
    qs = ServiceRecord.objects.select_related("volunteer", "volunteer__person", "division")
    return policy.access_by_id(actor, perm, qs, record_id)


def team_list(*, actor: Actor, division: str = "", type: str = "", perm: str = "volunteers.team_view"):
    qs = policy.scoped(actor, perm, Team)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    if type:
        qs = qs.filter(type=type)
    return (
        qs.select_related("division")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("division_id", "name")
    )


def team_get(*, actor: Actor, team_id, perm: str = "volunteers.team_view") -> Team:
    return policy.access_by_id(actor, perm, Team.objects.select_related("division"), team_id)


def team_members(*, team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=team, left_on__isnull=True)
        .select_related("volunteer__person", "volunteer__division")
        .order_by("-role", "id")
    )


def team_members_of(team_ids: list[int]) -> QuerySet[Membership]:
    """The current members of teams already read through the scope (for their export)."""
    return (
        Membership.objects.filter(team_id__in=team_ids, left_on__isnull=True)
        .select_related("volunteer__person", "volunteer__division")
        .order_by("team_id", "-role", "id")
    )


def person_for_volunteering(*, actor: Actor, person_id, perm: str = "volunteers.edit") -> Person:
    """A registry person the actor may register as a volunteer or put on a team (404 otherwise)."""
    return policy.access_by_id(actor, "people.view", Person.objects.filter(deleted_at__isnull=True), person_id)


@dataclass
class VolunteerFigures:
    volunteers: int  # registered, active at the end of the period
    serving: int  # distinct volunteers with confirmed hours in the period
    minutes: int  # confirmed minutes in the period
    records: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def _service_year(actor: Actor, perm: str, place_code: str, start: dt.date, end: dt.date) -> dict | None:
    """A calendar year of one place reads the service tally kept by the confirmations; None otherwise."""
    if not place_code or start != dt.date(start.year, 1, 1) or end != dt.date(start.year, 12, 31):
        return None
    found = (
        policy.scoped(actor, perm, ServiceTally)
        .filter(division_id=place_code, year=start.year)
        .values("volunteers", "minutes", "records")
        .first()
    )
    if found is None:
        return {"serving": 0, "minutes": 0, "n": 0}
    return {"serving": found["volunteers"], "minutes": found["minutes"], "n": found["records"]}


def volunteer_figures(
    *, actor: Actor, prefix: str, start: dt.date, end: dt.date, perm: str = "volunteers.stats", place_code: str = ""
):
    """Volunteers and volunteer hours of a place and period: for a calendar year of the place `place_code` (the
    unit whose scope prefix is `prefix`), from the yearly tally; otherwise aggregates over the records' place
    index."""
    row = _service_year(actor, perm, place_code, start, end)
    if row is None:
        records = policy.scoped(actor, perm, ServiceRecord).filter(
            subtree_q(prefix, "division"), on__gte=start, on__lte=end, status=RecordStatus.CONFIRMED
        )
        row = records.aggregate(serving=Count("volunteer", distinct=True), minutes=Sum("minutes"), n=Count("id"))
    registered = (
        policy.scoped(actor, perm, Volunteer)
        .filter(subtree_q(prefix, "division"), registered_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .count()
    )
    return VolunteerFigures(registered, row["serving"] or 0, row["minutes"] or 0, row["n"] or 0)
