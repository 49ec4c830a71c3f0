"""Indicators computed from the product's own records: each formula reads a place's aggregate figure for a year
through the owning app's selectors, for a reader who may read the plan of that place. A formula answers None
when the figure cannot be formed (shown as missing) and refuses a coverage over a place without communities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed
from jiayuan.divisions.models import Division, Level, subtree_q


@dataclass(frozen=True)
class Formula:
    code: str
    label: str
    compute: Callable[[Actor, Division, int], Decimal | None]


def communities_of(division: Division) -> int:
    """How many communities a place has; a coverage figure over none is refused, not shown as zero."""
    count = Division.objects.filter(subtree_q(division.prefix, "code"), level=Level.COMMUNITY, special=False).count()
    if count == 0:
        raise ValidationFailed({"division": f"{division.name}没有下辖社区，无法计算覆盖率。"})
    return count


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"))


def _community_federations(actor: Actor, division: Division, year: int) -> Decimal | None:
    from jiayuan.orgs.building.selectors import place_building_figures

    communities_of(division)
    stats = place_building_figures(prefix=division.prefix, year=year)
    return _percent(stats["communities_covered"], stats["communities"])


def _child_friendly_communities(actor: Actor, division: Division, year: int) -> Decimal | None:
    from jiayuan.childfriendly.selectors import place_coverage

    communities_of(division)
    row = place_coverage(division=division, year=year)
    return Decimal(str(row["rate"]))


def _children_councils(actor: Actor, division: Division, year: int) -> Decimal | None:
    from jiayuan.childfriendly.selectors import place_council_coverage

    communities_of(division)
    row = place_council_coverage(division=division, year=year)
    return Decimal(str(row["rate"]))


def _nursing_rooms(actor: Actor, division: Division, year: int) -> Decimal | None:
    from django.db.models import Q

    from jiayuan.venues.models import VenueType
    from jiayuan.venues.selectors import VenueFilters, venue_list

    qs = venue_list(
        actor=actor, filters=VenueFilters(type=VenueType.NURSING_ROOM, division=division.prefix), perm="venues.stats"
    )
    return Decimal(qs.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=dt.date(year, 12, 31))).count())


FORMULAS: dict[str, Formula] = {
    f.code: f
    for f in (
        Formula("community_federation_coverage", "社区妇联组织覆盖率（%）", _community_federations),
        Formula("child_friendly_community_coverage", "儿童友好社区覆盖率（%）", _child_friendly_communities),
        Formula("children_council_coverage", "社区儿童议事会覆盖率（%）", _children_councils),
        Formula("nursing_rooms", "母婴室数量（间）", _nursing_rooms),
    )
}


def formula_choices() -> list[tuple[str, str]]:
    return [(f.code, f.label) for f in FORMULAS.values()]
