"""Reading organisation building: scoped lists and records, and the counts the reports publish."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound
from jiayuan.divisions.models import Division, Level, subtree_q

from ..models import (
    DomainType,
    DutyKind,
    DutyRecord,
    ExecutiveCommittee,
    ExecutiveMember,
    Organisation,
    OrgKind,
    Sanxin,
    Training,
    WomenSpace,
)


def building_org_list(*, actor: Actor, kind: str = "", division: str = "") -> QuerySet[Organisation]:
    qs = policy.scoped(actor, "orgs.building_view", Organisation).select_related("division")
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    if division:
        qs = qs.filter(subtree_q(division[:12]))
    return qs.annotate(
        current_seats=Count("members", filter=Q(members__committee__is_current=True, members__term_end__isnull=True))
    ).order_by("division_id", "kind", "name")


def organisation_get(*, actor: Actor, org_id, perm: str = "orgs.building_view") -> Organisation:
    return policy.access_by_id(actor, perm, Organisation.objects.select_related("division"), org_id)


def committee_get(*, actor: Actor, committee_id, perm: str = "orgs.building_view") -> ExecutiveCommittee:
    return policy.access_by_id(
        actor, perm, ExecutiveCommittee.objects.select_related("organisation", "organisation__division"), committee_id
    )


def member_get(*, actor: Actor, member_id, perm: str = "orgs.building_view") -> ExecutiveMember:
    return policy.access_by_id(
        actor, perm, ExecutiveMember.objects.select_related("organisation", "person", "committee"), member_id
    )


def duty_get(*, actor: Actor, duty_id) -> DutyRecord:
    return policy.access_by_id(
        actor,
        "orgs.building_view",
        DutyRecord.objects.select_related("member__person", "member__organisation"),
        duty_id,
    )


def training_get(*, actor: Actor, training_id) -> Training:
    return policy.access_by_id(actor, "orgs.building_view", Training.objects.select_related("division"), training_id)


def organisation_building(*, actor: Actor, organisation: Organisation) -> dict:
    """One organisation's committees (newest first) with their seats, its spaces, and recent duty records."""
    from jiayuan.access.fields import mask_name

    committees = list(policy.scoped(actor, "orgs.building_view", ExecutiveCommittee).filter(organisation=organisation))
    seats = (
        policy.scoped(actor, "orgs.building_view", ExecutiveMember)
        .filter(organisation=organisation)
        .select_related("person")
        .order_by("post", "id")
    )
    by_committee: dict[int | None, list] = {}
    for seat in seats:
        seat.shown_name = mask_name(seat.person.name)
        by_committee.setdefault(seat.committee_id, []).append(seat)
    for committee in committees:
        committee.seat_rows = by_committee.get(committee.pk, [])
    duties = list(
        policy.scoped(actor, "orgs.building_view", DutyRecord)
        .filter(member__organisation=organisation)
        .select_related("member__person", "person")[:30]
    )
    for duty in duties:
        duty.member_name = mask_name(duty.member.person.name)
        duty.person_name = mask_name(duty.person.name) if duty.person is not None else ""
    return {
        "committees": committees,
        "current": next((c for c in committees if c.is_current), None),
        "unassigned": by_committee.get(None, []),
        "spaces": list(policy.scoped(actor, "orgs.building_view", WomenSpace).filter(organisation=organisation)),
        "duties": duties,
    }


def training_list(*, actor: Actor, year: int | None = None) -> QuerySet[Training]:
    qs = policy.scoped(actor, "orgs.building_view", Training).select_related("division")
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.annotate(attendance=Count("attendees")).order_by("-held_on", "-id")


def duty_list(*, actor: Actor, year: int | None = None, kind: str = "") -> QuerySet[DutyRecord]:
    qs = policy.scoped(actor, "orgs.building_view", DutyRecord).select_related("member__organisation", "member__person")
    if year:
        qs = qs.filter(on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def _place(actor: Actor, division: str) -> tuple[str, str]:
    prefix = policy.reach(actor, "orgs.stats")
    if prefix is None:
        raise NotFound("未找到该区划")
    if division:
        found = Division.objects.filter(code=division[:12]).first()
        if found is None or not found.prefix.startswith(prefix):
            raise NotFound("未找到该区划")
        return found.prefix, found.name
    code = prefix + "00" if len(prefix) == 4 else prefix
    return prefix, Division.objects.filter(code=code).values_list("name", flat=True).first() or "全部"


def building_stats(*, actor: Actor, year: int | None = None, division: str = "") -> dict:
    """The figures of organisation building for a place: organisations by type (cumulative and new in the
    year), community coverage, executives per organisation, chairs in the 两委 and party members, trainings."""
    prefix, place = _place(actor, division)
    return {"place": place, **place_building_figures(prefix=prefix, year=year or timezone.localdate().year)}


def place_building_figures(*, prefix: str, year: int) -> dict:
    """The aggregate figures of a place (no personal data): the caller has decided the reader may see them
    (its own reach, or a plan of that place it may read)."""
    end = dt.date(year, 12, 31)
    orgs = Organisation.objects.filter(subtree_q(prefix), is_active=True)
    existing = orgs.filter(Q(founded_on__lte=end) | Q(founded_on__isnull=True))
    by_kind = dict(existing.values_list("kind").annotate(n=Count("id")).order_by())
    by_domain = dict(
        existing.filter(kind=OrgKind.NEW_DOMAIN).values_list("domain_type").annotate(n=Count("id")).order_by()
    )
    by_sanxin = dict(existing.filter(kind=OrgKind.NEW_DOMAIN).values_list("sanxin").annotate(n=Count("id")).order_by())
    new_in_year = orgs.filter(founded_on__year=year).count()
    communities = Division.objects.filter(subtree_q(prefix, "code"), level=Level.COMMUNITY, special=False)
    community_total = communities.count()
    covered = (
        existing.filter(kind=OrgKind.COMMUNITY, division__level=Level.COMMUNITY, division__special=False)
        .values("division_id")
        .distinct()
        .count()
    )
    seats = ExecutiveMember.objects.filter(
        subtree_q(prefix, "organisation__division"), committee__is_current=True, term_end__isnull=True
    )
    with_committee = ExecutiveCommittee.objects.filter(
        subtree_q(prefix, "organisation__division"), is_current=True
    ).count()
    seat_count = seats.count()
    chairs = seats.filter(post=ExecutiveMember.Post.CHAIR)
    chair_total = chairs.count()
    chairs_two = chairs.filter(in_two_committees=True).count()
    chairs_party = chairs.filter(is_party_member=True).count()
    trainings = Training.objects.filter(subtree_q(prefix), held_on__year=year)
    attendance = Training.attendees.through.objects.filter(training__in=trainings.values("pk")).count()
    duties = dict(
        DutyRecord.objects.filter(subtree_q(prefix), on__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    spaces = WomenSpace.objects.filter(subtree_q(prefix, "organisation__division"), is_active=True).count()

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    return {
        "prefix": prefix,
        "year": year,
        "org_total": sum(by_kind.values()),
        "new_in_year": new_in_year,
        "by_kind": [(label, by_kind.get(value, 0)) for value, label in OrgKind.choices],
        "by_domain": [(label, by_domain.get(value, 0)) for value, label in DomainType.choices if by_domain.get(value)],
        "by_sanxin": [(label, by_sanxin.get(value, 0)) for value, label in Sanxin.choices],
        "communities": community_total,
        "communities_covered": covered,
        "community_coverage": share(covered, community_total),
        "committees": with_committee,
        "seats": seat_count,
        "seats_per_org": round(seat_count / with_committee, 2) if with_committee else None,
        "chairs": chair_total,
        "chairs_in_two_committees": chairs_two,
        "chairs_in_two_share": share(chairs_two, chair_total),
        "chairs_party": chairs_party,
        "chairs_party_share": share(chairs_party, chair_total),
        "trainings": trainings.count(),
        "training_attendance": attendance,
        "duties": [(label, duties.get(value, 0)) for value, label in DutyKind.choices],
        "women_spaces": spaces,
    }
