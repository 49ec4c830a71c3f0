"""Risk-screening figures: household visits and the hazards they found, by the visit date."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.screening.models import Campaign, Hazard, HazardStatus, Visit

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "screening.stats"
MODULE = ModuleDef("screening", "隐患排查", first_day(Visit, "visited_on"))

DIVISION = Dimension("division", "街道/社区", "division")
LEVEL = Dimension("level", "隐患等级", "level", choice_labels(Hazard, "level"))
STATUS = Dimension("status", "处置情况", "status", choice_labels(Hazard, "status"))

# Visits and their hazards are summarised (`reports.summaries`); a hazard is dated by its visit, which is never
# edited once recorded, and lies in the visit's community.
SUMMARY_SOURCES = {Visit: "", Hazard: ""}


def visits(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Visit, query), "visited_on", query)


def hazards(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Hazard, query), "visit__visited_on", query)


def hazards_followed(actor: Actor, query: Query) -> QuerySet:
    return hazards(actor, query).exclude(status=HazardStatus.OPEN)


def hazards_to_case(actor: Actor, query: Query) -> QuerySet:
    return hazards(actor, query).filter(status=HazardStatus.CASE)


def campaigns(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, PERM, Campaign, query)
    return qs.filter(starts_on__lte=query.end, ends_on__gte=query.start)


def _fig(code, label, records, definition, *, unit, dims, date="走访日期", date_path="visited_on", **kw):
    return FigureDef(
        code=f"screening.{code}",
        label=label,
        unit=unit,
        module="screening",
        definition=definition,
        date_basis=date,
        perm=PERM,
        records=records,
        date_path=date_path,
        dimensions=dims,
        **kw,
    )


FIGURES = [
    _fig(
        "visits",
        "开展婚姻家庭纠纷排查",
        visits,
        "期内完成的入户排查走访（每户每次计一次），按走访日期。",
        unit="次",
        dims=(DIVISION,),
        headline=True,
        summary=True,
    ),
    _fig(
        "hazards",
        "排查风险隐患",
        hazards,
        "期内走访中发现并登记的风险隐患，按发现它的走访日期。",
        unit="宗",
        dims=(DIVISION, LEVEL, STATUS),
        date_path="visit__visited_on",
        headline=True,
        summary=True,
    ),
    _fig(
        "hazards_followed",
        "已跟进处置的隐患",
        hazards_followed,
        "期内发现的隐患中已跟进（转个案、纳入困境库或已化解）的。",
        unit="宗",
        dims=(DIVISION, LEVEL, STATUS),
        date_path="visit__visited_on",
        summary=True,
    ),
    _fig(
        "hazards_to_case",
        "隐患转为维权个案",
        hazards_to_case,
        "期内发现的隐患中已转为维权个案的。",
        unit="宗",
        dims=(DIVISION, LEVEL),
        date_path="visit__visited_on",
        summary=True,
    ),
    _fig(
        "campaigns",
        "组织排查活动",
        campaigns,
        "活动期与统计期有交叠的排查活动（每月重复的活动每月计一次）。",
        unit="次",
        dims=(DIVISION,),
        date="活动起止日期",
        date_path="",
    ),
]
