"""Rights-protection case figures: received by the received date, closures by the closing date."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.cases import rules
from jiayuan.cases.models import (
    HIGH_LEVELS,
    ActionKind,
    Case,
    CaseAction,
    CaseCategory,
    CaseMove,
    CaseTeamMember,
    MoveKind,
    Outcome,
    Status,
)

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "cases.stats"
MODULE = ModuleDef("cases", "维权个案", first_day(Case, "received_at"))

DIVISION = Dimension("division", "街道/社区", "division")
CHANNEL = Dimension("channel", "来源渠道", "channel", choice_labels(Case, "channel"))
CATEGORY = Dimension(
    "category", "类别", "category_rows__code", lambda: {c: row["name"] for c, row in rules.categories().items()}
)
RISK = Dimension("risk", "风险等级", "risk_level", choice_labels(Case, "risk_level"))
OUTCOME = Dimension("outcome", "结案结果", "outcome", choice_labels(Case, "outcome"))
RECEIVED_DIMS = (DIVISION, CHANNEL, CATEGORY, RISK)

# The records the summarised case figures are counted from, and how a change to each reaches its case: a
# write to any of them marks the case's division and months for recounting (`reports.summaries`).
SUMMARY_SOURCES = {Case: "", CaseCategory: "case", CaseAction: "case", CaseMove: "case", CaseTeamMember: "case"}
CLOSED_DIMS = (DIVISION, OUTCOME, CATEGORY, CHANNEL)


def received(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Case, query), "received_at", query, is_datetime=True)


def closed(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, PERM, Case, query).filter(status=Status.CLOSED)
    return in_period(qs, "closed_at", query, is_datetime=True)


def _with_category(code: str):
    def records(actor: Actor, query: Query) -> QuerySet:
        return received(actor, query).filter(Exists(CaseCategory.objects.filter(case_id=OuterRef("pk"), code=code)))

    return records


def _with_action_received(kind: str):
    def records(actor: Actor, query: Query) -> QuerySet:
        return received(actor, query).filter(Exists(CaseAction.objects.filter(case_id=OuterRef("pk"), kind=kind)))

    return records


def _with_action_in_period(kind: str):
    """Cases with an action of `kind` that took place in the period (by the action's date)."""

    def records(actor: Actor, query: Query) -> QuerySet:
        actions = CaseAction.objects.filter(
            case_id=OuterRef("pk"), kind=kind, occurred_on__gte=query.start, occurred_on__lte=query.end
        )
        return in_place(actor, PERM, Case, query).filter(Exists(actions))

    return records


def mediated_ok(actor: Actor, query: Query) -> QuerySet:
    return closed(actor, query).filter(outcome=Outcome.MEDIATED)


def followed_up(actor: Actor, query: Query) -> QuerySet:
    return closed(actor, query).filter(
        Exists(CaseAction.objects.filter(case_id=OuterRef("pk"), kind=ActionKind.FOLLOW_UP))
    )


def high_risk(actor: Actor, query: Query) -> QuerySet:
    return received(actor, query).filter(Q(risk_level__in=HIGH_LEVELS) | Q(urgent=True))


def hotline(actor: Actor, query: Query) -> QuerySet:
    return received(actor, query).filter(channel="hotline")


def referred(actor: Actor, query: Query) -> QuerySet:
    return received(actor, query).filter(Exists(CaseMove.objects.filter(case_id=OuterRef("pk"), kind=MoveKind.REFER)))


def teamed(actor: Actor, query: Query) -> QuerySet:
    return received(actor, query).filter(Exists(CaseTeamMember.objects.filter(case_id=OuterRef("pk"))))


def _fig(code, label, records, definition, *, unit="宗", date="受理日期", dims=RECEIVED_DIMS, **kw) -> FigureDef:
    date_path = {"受理日期": "received_at", "结案日期": "closed_at"}.get(date, "")
    # A case has one division and one received (closing) date: such figures add up month by month. A figure
    # by an action's date counts a case once however many such actions it had in the period, so its summary
    # keeps months, quarters and years apart (`per_period`).
    kw.setdefault("summary", bool(date_path) or "date_join" in kw)
    return FigureDef(
        code=f"cases.{code}",
        label=label,
        unit=unit,
        module="cases",
        definition=definition,
        date_basis=date,
        perm=PERM,
        records=records,
        date_path=kw.pop("date_path", date_path),
        date_is_datetime="date_join" not in kw,
        dimensions=dims,
        **kw,
    )


def _by_action(kind: str) -> dict:
    """The summary of a figure by an action's date: the dates of the case's actions of that kind."""
    return {"date_path": "actions__occurred_on", "date_join": Q(actions__kind=kind), "per_period": True}


FIGURES = [
    _fig(
        "received",
        "接访处置个案",
        received,
        "受理时间在期内、属本区划（含下级）的维权个案，各渠道合计；限制访问的个案只计入其办理团队所见。",
        headline=True,
    ),
    _fig("hotline", "12338 热线受理个案", hotline, "受理个案中来源渠道为 12338 热线的。"),
    _fig(
        "marriage_family",
        "受理婚姻家庭纠纷案件",
        _with_category("marriage_family"),
        "受理个案中类别含“婚姻家庭纠纷”的（一个个案可有多个类别）。",
        headline=True,
    ),
    _fig(
        "domestic_violence",
        "受理涉家暴个案",
        _with_category("domestic_violence"),
        "受理个案中类别含“家庭暴力”的。",
    ),
    _fig("high_risk", "高风险个案", high_risk, "受理个案中风险等级为高、极高或标记为紧急的。", headline=True),
    _fig("mediated", "开展调解个案", _with_action_received(ActionKind.MEDIATION), "受理个案中已记录调解行动的。"),
    _fig("referred", "转介协作单位个案", referred, "受理个案中已转介至公安、法院、检察院等协作单位的。"),
    _fig(
        "teamed",
        "组建团队办理的复杂个案",
        teamed,
        "受理个案中按“一案一册一团队”组建了办理团队的。",
    ),
    _fig(
        "closed",
        "结案个案",
        closed,
        "结案时间在期内的个案（不论何时受理）。",
        date="结案日期",
        dims=CLOSED_DIMS,
        headline=True,
    ),
    _fig(
        "mediated_ok",
        "成功调解案件",
        mediated_ok,
        "结案时间在期内、结案结果为“调解成功”的个案。",
        date="结案日期",
        dims=CLOSED_DIMS,
        headline=True,
    ),
    FigureDef(
        code="cases.mediation_rate",
        label="调解成功率",
        unit="%",
        module="cases",
        definition="成功调解案件 ÷ 结案个案 × 100，保留一位小数；期内无结案时为 0。",
        date_basis="结案日期",
        perm=PERM,
        kind="ratio",
        numerator="cases.mediated_ok",
        denominator="cases.closed",
    ),
    _fig(
        "followed_up",
        "已回访的结案个案",
        followed_up,
        "结案时间在期内、已记录回访的个案。",
        date="结案日期",
        dims=CLOSED_DIMS,
    ),
    FigureDef(
        code="cases.followup_rate",
        label="结案回访率",
        unit="%",
        module="cases",
        definition="已回访的结案个案 ÷ 结案个案 × 100，保留一位小数。",
        date_basis="结案日期",
        perm=PERM,
        kind="ratio",
        numerator="cases.followed_up",
        denominator="cases.closed",
    ),
    _fig(
        "protection_order",
        "协助申请人身安全保护令",
        _with_action_in_period(ActionKind.PROTECTION_ORDER),
        "期内记录了“人身安全保护令申请”行动的个案（按行动日期）。",
        date="行动日期",
        dims=(DIVISION,),
        **_by_action(ActionKind.PROTECTION_ORDER),
    ),
    _fig(
        "warning_letter",
        "推动公安出具告诫书",
        _with_action_in_period(ActionKind.WARNING_LETTER),
        "期内记录了“公安告诫书”行动的个案（按行动日期）。",
        date="行动日期",
        dims=(DIVISION,),
        **_by_action(ActionKind.WARNING_LETTER),
    ),
    _fig(
        "legal_aid",
        "提供法律援助个案",
        _with_action_in_period(ActionKind.LEGAL_AID),
        "期内记录了“法律援助”行动的个案（按行动日期）。",
        date="行动日期",
        dims=(DIVISION,),
        **_by_action(ActionKind.LEGAL_AID),
    ),
    _fig(
        "litigation",
        "联动检察院公益诉讼个案",
        _with_action_in_period(ActionKind.LITIGATION),
        "期内记录了“公益诉讼（与检察院）”行动的个案（按行动日期）。",
        date="行动日期",
        dims=(DIVISION,),
        **_by_action(ActionKind.LITIGATION),
    ),
]
