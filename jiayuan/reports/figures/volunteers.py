"""巾帼志愿服务: registered volunteers and teams at the end of the period, confirmed service hours in it."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.volunteers.models import RecordStatus, ServiceRecord, Team, Volunteer

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "volunteers.stats"
MODULE = ModuleDef("volunteers", "巾帼志愿服务", first_day(Volunteer, "registered_on"))

DIVISION = Dimension("division", "街道/社区", "division")
TEAM_TYPE = Dimension("type", "队伍类型", "type", choice_labels(Team, "type"))
SOURCE = Dimension("source", "服务类别", "source", choice_labels(ServiceRecord, "source"))


def volunteers(actor: Actor, query: Query) -> QuerySet:
    return (
        in_place(actor, PERM, Volunteer, query)
        .filter(registered_on__lte=query.end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=query.end))
    )


def registered(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Volunteer, query), "registered_on", query)


def left(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Volunteer, query), "left_on", query)


def teams(actor: Actor, query: Query) -> QuerySet:
    return in_place(actor, PERM, Team, query).filter(is_active=True)


# Confirmed service (minutes per division, month and source) and the volunteers registered and leaving are
# summarised (`reports.summaries`); the volunteers at a period's end are read from those two as a stock.
SUMMARY_SOURCES = {ServiceRecord: "", Volunteer: ""}


def confirmed_hours(actor: Actor, query: Query) -> QuerySet:
    records = in_period(in_place(actor, PERM, ServiceRecord, query), "on", query)
    return records.filter(status=RecordStatus.CONFIRMED)


def _flow(code: str, label: str, definition: str, basis: str, records: Callable[[Actor, Query], QuerySet]) -> FigureDef:
    """A flow of the volunteers' stock: volunteers counted by the date they registered or left."""
    return FigureDef(
        code=f"volunteers.{code}",
        label=label,
        unit="人",
        module="volunteers",
        definition=definition,
        date_basis=basis,
        perm=PERM,
        records=records,
        date_path=f"{code}_on",
        dimensions=(DIVISION,),
        summary=True,
    )


FIGURES = [
    FigureDef(
        code="volunteers.volunteers",
        label="巾帼志愿者",
        unit="人",
        module="volunteers",
        definition="期末在册的巾帼志愿者（本人同意注册、未退出）。",
        date_basis="期末",
        perm=PERM,
        records=volunteers,
        dimensions=(DIVISION,),
        headline=True,
        stock=("volunteers.registered", "volunteers.left"),
    ),
    _flow(
        "registered", "期内新注册巾帼志愿者", "注册日期在期内的巾帼志愿者（含期内又退出的）。", "注册日期", registered
    ),
    _flow("left", "期内退出巾帼志愿者", "退出日期在期内的巾帼志愿者（本人撤回同意或退出）。", "退出日期", left),
    FigureDef(
        code="volunteers.teams",
        label="志愿服务队伍",
        unit="支",
        module="volunteers",
        definition="期末在册的志愿服务队（区级、街道级、社区级）。",
        date_basis="期末",
        perm=PERM,
        records=teams,
        dimensions=(DIVISION, TEAM_TYPE),
    ),
    FigureDef(
        code="volunteers.hours",
        label="志愿服务时长",
        unit="小时",
        module="volunteers",
        definition="服务日期在期内、经组织者确认的服务时长合计（本人申报未确认的不计），按分钟合计后折算为小时，保留一位小数。",
        date_basis="服务日期",
        perm=PERM,
        records=confirmed_hours,
        kind="sum",
        amount="minutes",
        divide=60,
        date_path="on",
        dimensions=(DIVISION, SOURCE),
        summary=True,
    ),
]
