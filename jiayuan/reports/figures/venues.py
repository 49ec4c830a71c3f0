"""阵地建设: venues in use at the end of the period, and the communities they cover."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level, subtree_q
from jiayuan.venues.models import Venue, VenueType

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_place

PERM = "venues.stats"


MODULE = ModuleDef("venues", "阵地建设", first_day(Venue, "created_at"))

DIVISION = Dimension("division", "街道/社区", "division")
TYPE = Dimension("type", "阵地类型", "type", choice_labels(Venue, "type"))


def _in_use(actor: Actor, query: Query) -> QuerySet:
    # Stock at the end of the period: in use now and opened by then (a venue without an opening date counts).
    return (
        in_place(actor, PERM, Venue, query)
        .filter(is_active=True)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=query.end))
    )


def venues(actor: Actor, query: Query) -> QuerySet:
    return _in_use(actor, query)


def comfort_stations(actor: Actor, query: Query) -> QuerySet:
    return _in_use(actor, query).filter(type=VenueType.COMFORT_STATION)


def communities(actor: Actor, query: Query) -> QuerySet:
    """The communities of the place (the denominator of coverage), when the actor may read venues there."""
    if policy.reach(actor, PERM) is None:
        return Division.objects.none()
    return Division.objects.filter(subtree_q(query.prefix, "code"), level=Level.COMMUNITY, special=False)


def communities_covered(actor: Actor, query: Query) -> QuerySet:
    covered = _in_use(actor, query).filter(division__level=Level.COMMUNITY).values("division_id")
    return communities(actor, query).filter(code__in=covered)


def _fig(code, label, records, definition, *, unit, dims=(DIVISION, TYPE), **kw):
    return FigureDef(
        code=f"venues.{code}",
        label=label,
        unit=unit,
        module="venues",
        definition=definition,
        date_basis="期末",
        perm=PERM,
        records=records,
        dimensions=dims,
        **kw,
    )


FIGURES = [
    _fig(
        "total",
        "妇女儿童阵地",
        venues,
        "期末在用的各类阵地（妇儿之家、舒心驿站、幸福港湾、婚调室、家长学校、母婴室等）。",
        unit="个",
        headline=True,
    ),
    _fig("shuxin", "社区舒心驿站", comfort_stations, "期末在用的舒心驿站。", unit="个", dims=(DIVISION,)),
    _fig(
        "communities_covered",
        "有阵地的社区",
        communities_covered,
        "期末至少有一处在用阵地的社区。",
        unit="个",
        dims=(),
        division_path="code",
    ),
    _fig("communities", "社区总数", communities, "所选范围内的社区。", unit="个", dims=(), division_path="code"),
    FigureDef(
        code="venues.community_coverage",
        label="社区阵地覆盖率",
        unit="%",
        module="venues",
        definition="有在用阵地的社区 ÷ 社区总数 × 100。",
        date_basis="期末",
        perm=PERM,
        kind="ratio",
        numerator="venues.communities_covered",
        denominator="venues.communities",
    ),
]
