"""Screening figures for the care statistics page (`reports.stats.care`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import subtree_q
from jiayuan.screening.models import Hazard, HazardStatus, Visit

from .common import Figure, Section, _url


def screening_section(*, actor: Actor, prefix: str, start: dt.date, end: dt.date):
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
