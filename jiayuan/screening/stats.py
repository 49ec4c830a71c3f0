"""Screening figures for the shared statistics (`jiayuan.care.stats`) and the live progress per community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level, subtree_q

from .models import Campaign, Hazard, HazardStatus, Visit


def screening_section(*, actor: Actor, prefix: str, start: dt.date, end: dt.date):
    from jiayuan.care.stats import Figure, Section, _url

    section = Section("隐患排查")
    # The place before the reach: SQLite seeks the division index on the first range it is given.
    visits = policy.scoped(
        actor, "screening.stats", Visit.objects.filter(subtree_q(prefix, "division"), visited_on__range=(start, end))
    )
    hazards = policy.scoped(
        actor,
        "screening.stats",
        Hazard.objects.filter(subtree_q(prefix, "division"), visit__visited_on__range=(start, end)),
    )
    iso = {"division": prefix, "start": start, "end": end}
    # One conditional count per figure, in one pass over the period's hazards (not a query per status).
    statuses = [code for code, _ in HazardStatus.choices if code != HazardStatus.OPEN]
    h = hazards.aggregate(
        n=Count("id"),
        followed=Count("id", filter=~Q(status=HazardStatus.OPEN)),
        **{f"s{i}": Count("id", filter=Q(status=code)) for i, code in enumerate(statuses)},
    )
    section.figures.append(Figure("入户走访", visits.count(), _url("/screening/visits/", **iso)))
    section.figures.append(Figure("发现隐患", h["n"], _url("/screening/hazards/", **iso)))
    section.figures.append(Figure("已跟进隐患", h["followed"], _url("/screening/hazards/", followed=1, **iso)))
    labels = dict(HazardStatus.choices)
    for i, code in enumerate(statuses):
        section.figures.append(
            Figure(f"其中{labels[code]}", h[f"s{i}"], _url("/screening/hazards/", status=code, **iso))
        )
    return section


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
    broadest = actor.broadest_prefix("screening.view")
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
            hazards=hazards.get(c.code, {}).get("n", 0),
            followed=hazards.get(c.code, {}).get("f", 0),
        )
        for c in communities
    ]
