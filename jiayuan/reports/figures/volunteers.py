"""Volunteer figures (巾帼志愿服务): volunteers and teams on the books at the end of the period, confirmed hours."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.volunteers.models import RecordStatus, ServiceRecord, Team, Volunteer

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "volunteers.stats"
MODULE = ModuleDef("volunteers", "巾帼志愿服务", first_day(Volunteer, "registered_on"))

DIVISION = Dimension("division", "街道/社区", "division")


def volunteers(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, PERM, Volunteer, query).filter(registered_on__lte=query.end)
    return qs.filter(Q(left_on__isnull=True) | Q(left_on__gt=query.end))


def teams(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, PERM, Team, query).filter(is_active=True)
    return qs.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=query.end))


def confirmed(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, ServiceRecord, query).filter(status=RecordStatus.CONFIRMED), "on", query)


FIGURES = [
    FigureDef(
        code="volunteers.volunteers",
        label="巾帼志愿者",
        unit="人",
        module="volunteers",
        definition="期末在册的巾帼志愿者：注册日期不晚于期末，且未退出或退出日期晚于期末。",
        date_basis="期末",
        perm=PERM,
        records=volunteers,
        dimensions=(DIVISION,),
        headline=True,
    ),
    FigureDef(
        code="volunteers.teams",
        label="志愿服务队伍",
        unit="支",
        module="volunteers",
        definition="期末在用的志愿服务队伍，成立日期不晚于期末或未登记。",
        date_basis="期末",
        perm=PERM,
        records=teams,
        dimensions=(DIVISION, Dimension("type", "队伍类型", "type", choice_labels(Team, "type"))),
    ),
    FigureDef(
        code="volunteers.hours",
        label="志愿服务时长",
        unit="小时",
        module="volunteers",
        definition="服务日期在期内、已确认的志愿服务记录的时长合计（分钟 ÷ 60，保留一位小数）。",
        date_basis="服务日期",
        perm=PERM,
        records=confirmed,
        kind="sum",
        amount="minutes",
        divide=60,
        date_path="on",
        dimensions=(DIVISION, Dimension("source", "服务类别", "source", choice_labels(ServiceRecord, "source"))),
    ),
]
