"""Reads in screening, scoped to the actor."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import subtree_q

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
