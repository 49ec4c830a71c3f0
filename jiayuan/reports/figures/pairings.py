"""Pairing figures: caring mothers and executive members paired with vulnerable children and women.

Pairings started and ended are summarised (`reports.summaries`), and the pairings under way at a month's end are
read from them as a stock; the register's children paired at each month's end are kept as month-end values. The
caring mothers are counted from the records: one mother may be paired in several communities, so a place's count is
not the sum of its communities'.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.care.models import ContactLog, Helper, HelperKind, Pairing, RegisterEntry

from .base import Dimension, FigureDef, ModuleDef, Query
from .care import children_on_register
from .common import choice_labels, first_day, in_period, in_place

PERM = "care.stats"
MODULE = ModuleDef("pairings", "结对帮扶", first_day(Pairing, "started_on"))

DIVISION = Dimension("division", "街道/社区", "division")
HELPER_KIND = Dimension("helper_kind", "帮扶人类型", "helper__kind", choice_labels(Helper, "kind"))

SUMMARY_SOURCES = {Pairing: ""}
# A helper's kind is a breakdown of her pairings; a pairing decides whether a child on the register is paired.
SUMMARY_LINKS = {Helper: (Pairing, "helper"), Pairing: (RegisterEntry, "person")}


def active_on_q(day) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def active(actor: Actor, query: Query) -> QuerySet:
    return in_place(actor, PERM, Pairing, query).filter(active_on_q(query.end))


def started(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Pairing, query), "started_on", query)


def ended(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Pairing, query), "ended_on", query)


def children_paired(actor: Actor, query: Query) -> QuerySet:
    """Children on the register with a pairing under way at the period's end (wherever the pairing is kept: the
    child is counted where she is on the register)."""
    paired = Pairing.objects.filter(active_on_q(query.end)).order_by().values("person_id")
    return children_on_register(actor, query).filter(person_id__in=paired)


def caring_mothers(actor: Actor, query: Query) -> QuerySet:
    helpers = active(actor, query).order_by().values("helper_id")
    return Helper.objects.filter(pk__in=helpers, kind=HelperKind.CARING_MOTHER)


def contacts(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, ContactLog, query, "pairing__division"), "on", query)


def _fig(code, label, records, definition, *, unit, date="期末", date_path="", dims=(DIVISION, HELPER_KIND), **kw):
    return FigureDef(
        code=f"pairings.{code}",
        label=label,
        unit=unit,
        module="pairings",
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
        "active",
        "结对帮扶中",
        active,
        "期末仍在进行的结对（开始日期不晚于期末，且未结束或结束日期晚于期末）。",
        unit="对",
        stock=("pairings.started", "pairings.ended"),
    ),
    _fig(
        "started",
        "期内新增结对",
        started,
        "开始日期在期内的结对。",
        unit="对",
        date="开始日期",
        date_path="started_on",
        summary=True,
    ),
    _fig(
        "ended",
        "期内结束结对",
        ended,
        "结束日期在期内的结对。",
        unit="对",
        date="结束日期",
        date_path="ended_on",
        summary=True,
    ),
    _fig(
        "children_paired",
        "结对帮扶的困境儿童",
        children_paired,
        "期末在册的困境儿童中，期末有进行中结对的（按儿童在册的社区统计）。",
        unit="位",
        dims=(Dimension("division", "街道/社区", "division"),),
        headline=True,
        summary=True,
        snapshot=True,
    ),
    _fig(
        "caring_mothers",
        "结对的“爱心妈妈”",
        caring_mothers,
        "期末有进行中结对（本区划）的爱心妈妈，每人计一次。",
        unit="名",
        dims=(Dimension("division", "街道/社区", "division"),),
        headline=True,
    ),
    _fig(
        "contacts",
        "结对联系走访",
        contacts,
        "联系日期在期内的结对联系记录。",
        unit="次",
        date="联系日期",
        date_path="on",
        dims=(Dimension("division", "街道/社区", "pairing__division"),),
        division_path="pairing__division",
    ),
]
