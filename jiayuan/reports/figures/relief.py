"""Relief figures: applications by the day applied, money by the day it was paid."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.care.models import LedgerEntry, LedgerKind, ReliefApplication, ReliefStatus

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "care.stats"
MODULE = ModuleDef("relief", "救助帮扶", first_day(ReliefApplication, "created_at"))

DIVISION = Dimension("division", "街道/社区", "division")
STATUS = Dimension("status", "审批结果", "status", choice_labels(ReliefApplication, "status"))


def _fund_labels() -> dict[str, str]:
    from jiayuan.care.models import Fund

    return {str(pk): name for pk, name in Fund.objects.values_list("pk", "name")}


FUND = Dimension("fund", "基金", "fund_id", _fund_labels)

# Counted figures are summarised (`reports.summaries`); the amount paid is summed from the records.
SUMMARY_SOURCES = {ReliefApplication: "", LedgerEntry: ""}


def applications(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, ReliefApplication, query), "created_at", query, is_datetime=True)


def disbursed(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, PERM, ReliefApplication, query).filter(status=ReliefStatus.DISBURSED)
    return in_period(qs, "disbursed_on", query)


def condolences(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, LedgerEntry, query).filter(kind=LedgerKind.CONDOLENCE), "on", query)


FIGURES = [
    FigureDef(
        code="relief.applications",
        label="受理救助申请",
        unit="件",
        module="relief",
        definition="提交日期在期内的救助金、助学金、慰问金申请（不论审批结果）。",
        date_basis="申请日期",
        perm=PERM,
        records=applications,
        date_path="created_at",
        date_is_datetime=True,
        dimensions=(DIVISION, STATUS, FUND),
        summary=True,
    ),
    FigureDef(
        code="relief.disbursed",
        label="发放救助",
        unit="笔",
        module="relief",
        definition="发放日期在期内、状态为“已发放”的救助申请。",
        date_basis="发放日期",
        perm=PERM,
        records=disbursed,
        date_path="disbursed_on",
        dimensions=(DIVISION, FUND),
        headline=True,
        summary=True,
    ),
    FigureDef(
        code="relief.amount",
        label="发放救助金额",
        unit="元",
        module="relief",
        definition="发放日期在期内的已发放救助申请的金额合计（元）。",
        date_basis="发放日期",
        perm=PERM,
        records=disbursed,
        kind="sum",
        amount="amount",
        date_path="disbursed_on",
        dimensions=(DIVISION, FUND),
    ),
    FigureDef(
        code="relief.condolences",
        label="走访慰问",
        unit="人次",
        module="relief",
        definition="台账日期在期内、类型为“慰问”的台账记录（每人每次计一人次）。",
        date_basis="台账日期",
        perm=PERM,
        records=condolences,
        date_path="on",
        dimensions=(DIVISION,),
        summary=True,
    ),
]
