"""Venue figures (阵地): venues in use at the end of the period and the communities they cover."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level, subtree_q
from jiayuan.venues.models import Venue, VenueType

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, federation_prefix, in_place

PERM = "venues.stats"


def _first_use(prefix: str) -> dt.date | None:
    # Venues exist before the product does: a federation that has entered its venues uses the module every year.
    exists = Venue.objects.filter(subtree_q(federation_prefix(prefix), "division")).exists()
    return dt.date.min if exists else None


MODULE = ModuleDef("venues", "阵地建设", _first_use)

DIVISION = Dimension("division", "街道/社区", "division")
TYPE = Dimension("type", "阵地类型", "type", choice_labels(Venue, "type"))


def in_use(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, PERM, Venue, query).filter(is_active=True)
    return qs.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=query.end))


def comfort_stations(actor: Actor, query: Query) -> QuerySet:
    return in_use(actor, query).filter(type=VenueType.COMFORT_STATION)


def harbours(actor: Actor, query: Query) -> QuerySet:
    return in_use(actor, query).filter(type=VenueType.HAPPINESS_HARBOUR)


def communities(actor: Actor, query: Query) -> QuerySet:
    return Division.objects.filter(subtree_q(query.prefix, "code"), level=Level.COMMUNITY, special=False)


def communities_covered(actor: Actor, query: Query) -> QuerySet:
    return communities(actor, query).filter(code__in=in_use(actor, query).order_by().values("division_id"))


def _fig(code, label, records, definition, *, unit="个", dims=(DIVISION, TYPE), **kw) -> FigureDef:
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
        in_use,
        "期末在用的各类阵地（妇儿之家、舒心驿站、幸福港湾、婚调室、家长学校、母婴室等），启用日期不晚于期末或未登记。",
        headline=True,
    ),
    _fig("shuxin", "社区舒心驿站", comfort_stations, "期末在用的舒心驿站。", dims=(DIVISION,)),
    _fig("harbours", "“幸福港湾”反家暴工作站", harbours, "期末在用的幸福港湾反家暴工作站。", dims=(DIVISION,)),
    _fig(
        "communities",
        "社区总数",
        communities,
        "本区划内的社区（不含保税区、机场等特殊区域）。",
        dims=(),
        division_path="code",
    ),
    _fig(
        "communities_covered",
        "有在用阵地的社区",
        communities_covered,
        "期末至少有一处在用阵地的社区。",
        dims=(),
        division_path="code",
    ),
    FigureDef(
        code="venues.community_coverage",
        label="社区阵地覆盖率",
        unit="%",
        module="venues",
        definition="有在用阵地的社区 ÷ 社区总数 × 100，保留一位小数。",
        date_basis="期末",
        perm=PERM,
        kind="ratio",
        numerator="venues.communities_covered",
        denominator="venues.communities",
    ),
]
