"""Legal-assistant use: questions answered, emergencies signposted, call-backs requested (city-wide).

The assistant serves the public of the whole city without asking where they live, so its figures do not
follow the place asked for: every scope shows the same city-wide numbers, and the definition says so.
"""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.legal.models import AskedQuestion, CallbackTicket

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period

PERM = "reports.view"
MODULE = ModuleDef("legal", "婚姻家庭智法机器人", first_day(AskedQuestion, "created_at", None))

CHANNEL = Dimension("channel", "渠道", "channel", choice_labels(AskedQuestion, "channel"))


def questions(actor: Actor, query: Query) -> QuerySet:
    return in_period(AskedQuestion.objects.all(), "created_at", query, is_datetime=True)


def emergencies(actor: Actor, query: Query) -> QuerySet:
    return questions(actor, query).filter(emergency=True)


def callbacks(actor: Actor, query: Query) -> QuerySet:
    return in_period(CallbackTicket.objects.all(), "created_at", query, is_datetime=True)


def _fig(code, label, records, definition, *, unit, dims=(CHANNEL,), **kw):
    return FigureDef(
        code=f"legal.{code}",
        label=label,
        unit=unit,
        module="legal",
        definition=definition + "全市合计，不分区划。",
        date_basis="提问日期",
        perm=PERM,
        records=records,
        date_path="created_at",
        date_is_datetime=True,
        dimensions=dims,
        citywide=True,
        **kw,
    )


FIGURES = [
    _fig(
        "questions",
        "智法机器人解答咨询",
        questions,
        "提问时间在期内的咨询（网页、接口、工作人员）。",
        unit="次",
        headline=True,
    ),
    _fig("emergencies", "识别紧急求助并引导", emergencies, "期内咨询中识别为紧急情况并给出紧急指引的。", unit="次"),
    _fig("callbacks", "预约 12338 回电", callbacks, "期内公众经本人同意提交的回电请求。", unit="件", dims=()),
]
