"""Reads in screening, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level, subtree_q

from .models import Campaign, Checklist, Hazard, HazardStatus, Visit


def campaign_list(*, actor: Actor) -> QuerySet[Campaign]:
    return (
        policy.scoped(actor, "screening.list", Campaign)
        .select_related("division", "checklist")
        .order_by("-starts_on", "-id")
    )


def campaign_get(*, actor: Actor, campaign_id) -> Campaign:
    return policy.access_by_id(
        actor, "screening.view", Campaign.objects.select_related("division", "checklist"), campaign_id
    )


def visit_list(
    *, actor: Actor, campaign_id=None, division: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Visit]:
    qs = policy.scoped(actor, "screening.list", Visit)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    if start:
        qs = qs.filter(visited_on__gte=start)
    if end:
        qs = qs.filter(visited_on__lte=end)
    return qs.select_related("division", "campaign", "worker").order_by("-visited_on", "-id")


def hazard_list(
    *,
    actor: Actor,
    campaign_id=None,
    division: str = "",
    status: str = "",
    followed: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Hazard]:
    qs = policy.scoped(actor, "screening.list", Hazard)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    if status:
        qs = qs.filter(status=status)
    if followed:
        qs = qs.exclude(status=HazardStatus.OPEN)
    if start:
        qs = qs.filter(visit__visited_on__gte=start)
    if end:
        qs = qs.filter(visit__visited_on__lte=end)
    return qs.select_related("division", "campaign", "visit").order_by("-id")


def hazard_get(*, actor: Actor, hazard_id, perm: str = "screening.view") -> Hazard:
    return policy.access_by_id(actor, perm, Hazard.objects.select_related("division", "campaign", "visit"), hazard_id)


def hazard_may(*, actor: Actor, perm: str, hazard: Hazard) -> bool:
    return policy.allows(actor, perm, hazard)


def checklists_other(*, than: Checklist) -> QuerySet[Checklist]:
    """The other checklists (a checklist is shared configuration, not personal data)."""
    return Checklist.objects.exclude(pk=than.pk)


# ---------------------------------------------------------------------------------------------------
# live progress of a campaign per community


@dataclass
class ProgressRow:
    code: str
    name: str
    street: str
    visits: int
    hazards: int
    followed: int


def campaign_progress(*, actor: Actor, campaign: Campaign, prefix: str = "") -> list[ProgressRow]:
    """Visits done, hazards found and followed up, per covered community within the actor's reach."""
    broadest = policy.reach(actor, "screening.view")
    if broadest is None:
        return []
    prefix = prefix if prefix and prefix.startswith(broadest) else broadest
    communities = Division.objects.filter(level=Level.COMMUNITY, special=False).filter(subtree_q(prefix, "code"))
    cover = Q()
    for d in campaign.covered.all():
        cover |= subtree_q(d.prefix, "code")
    communities = communities.filter(cover).select_related("parent").order_by("code")
    visits = dict(
        policy.scoped(actor, "screening.view", Visit)
        .filter(campaign=campaign)
        .values("division_id")
        .annotate(n=Count("id"))
        .values_list("division_id", "n")
    )
    hazards = {
        row["division_id"]: row
        for row in policy.scoped(actor, "screening.view", Hazard)
        .filter(campaign=campaign)
        .values("division_id")
        .annotate(n=Count("id"), f=Count("id", filter=~Q(status=HazardStatus.OPEN)))
    }
    return [
        ProgressRow(
            code=c.code,
            name=c.name,
            street=c.parent.name if c.parent else "",
            visits=visits.get(c.code, 0),
            hazards=hazards[c.code]["n"] if c.code in hazards else 0,
            followed=hazards[c.code]["f"] if c.code in hazards else 0,
        )
        for c in communities
    ]
