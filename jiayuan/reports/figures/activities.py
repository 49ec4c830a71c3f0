"""Activity figures (项目与活动): sessions held (场次) and attendances (人次), by the session's date."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.activities.models import Attendance, Session

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "activities.stats"
MODULE = ModuleDef("activities", "项目与活动", first_day(Session, "on"))


def _type_labels() -> dict[str, str]:
    from jiayuan.activities.selectors import type_labels

    return dict(type_labels())


DIVISION = Dimension("division", "街道/社区", "division")
TYPE = Dimension("type", "活动类型", "type", _type_labels)
AUDIENCE = Dimension("audience", "服务对象", "audience", choice_labels(Session, "audience"))
FAMILY_EDUCATION = ("family_lecture", "parent_school", "parent_child")


def sessions(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Session, query).filter(cancelled=False), "on", query)


def family_education(actor: Actor, query: Query) -> QuerySet:
    return sessions(actor, query).filter(type__in=FAMILY_EDUCATION)


def attendances(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Attendance, query), "on", query)


FIGURES = [
    FigureDef(
        code="activities.sessions",
        label="开展活动",
        unit="场",
        module="activities",
        definition="日期在期内、未取消的活动场次（家庭教育讲座、家长学校、托管班、交友、招聘、培训、普法等）。",
        date_basis="场次日期",
        perm=PERM,
        records=sessions,
        date_path="on",
        dimensions=(DIVISION, TYPE, AUDIENCE),
        headline=True,
    ),
    FigureDef(
        code="activities.attendance",
        label="服务群众",
        unit="人次",
        module="activities",
        definition="日期在期内的签到人次合计（按人数登记的签到计其人数）。",
        date_basis="签到日期",
        perm=PERM,
        records=attendances,
        kind="sum",
        amount="head_count",
        date_path="on",
        dimensions=(DIVISION, TYPE),
    ),
    FigureDef(
        code="activities.family_education",
        label="家庭教育指导服务",
        unit="场",
        module="activities",
        definition="期内家庭教育类场次（家庭教育讲座、家长学校课程、亲子活动）。",
        date_basis="场次日期",
        perm=PERM,
        records=family_education,
        date_path="on",
        dimensions=(DIVISION, TYPE),
    ),
]
