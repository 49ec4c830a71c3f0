"""项目与活动: sessions held, attendances (人次) and family-education sessions, by the session's date."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.activities.models import Attendance, Audience, Session
from jiayuan.activities.selectors import type_labels

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import first_day, in_period, in_place

PERM = "activities.stats"
MODULE = ModuleDef("activities", "项目与活动", first_day(Session, "on"))
FAMILY_EDUCATION = ("family_lecture", "parent_school", "parent_child")

# Sessions and attendance are summarised (per division, month, type and audience; `reports.summaries`).
SUMMARY_SOURCES = {Session: "", Attendance: ""}

DIVISION = Dimension("division", "街道/社区", "division")
TYPE = Dimension("type", "活动类型", "type", type_labels)
AUDIENCE = Dimension("audience", "服务对象", "audience", lambda: {str(k): str(v) for k, v in Audience.choices})


def sessions(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Session, query), "on", query).filter(cancelled=False)


def attendance(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Attendance, query), "on", query)


def family_education(actor: Actor, query: Query) -> QuerySet:
    return sessions(actor, query).filter(type__in=FAMILY_EDUCATION)


FIGURES = [
    FigureDef(
        code="activities.sessions",
        label="开展活动",
        unit="场",
        module="activities",
        definition="活动日期在期内的活动场次（家庭教育讲座、家长学校、托管班、交友、招聘、培训、普法等），取消的不计。",
        date_basis="活动日期",
        perm=PERM,
        records=sessions,
        date_path="on",
        dimensions=(DIVISION, TYPE, AUDIENCE),
        headline=True,
        summary=True,
    ),
    FigureDef(
        code="activities.attendance",
        label="服务群众",
        unit="人次",
        module="activities",
        definition="期内活动场次的签到人次合计（实名签到每人每场一人次，不记名活动按现场人数）。",
        date_basis="活动日期",
        perm=PERM,
        records=attendance,
        kind="sum",
        amount="head_count",
        date_path="on",
        dimensions=(DIVISION, TYPE, AUDIENCE),
        headline=True,
        summary=True,
    ),
    FigureDef(
        code="activities.family_education",
        label="家庭教育指导服务",
        unit="场",
        module="activities",
        definition="期内家庭教育类活动场次（家庭教育讲座、家长学校课程、亲子活动）。",
        date_basis="活动日期",
        perm=PERM,
        records=family_education,
        date_path="on",
        dimensions=(DIVISION,),
        summary=True,
    ),
]
