"""Pairing figures: caring mothers and executive members paired with vulnerable children and women."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.care.models import ContactLog, Helper, HelperKind, Pairing

from .base import Dimension, FigureDef, ModuleDef, Query
from .care import children_on_register
from .common import choice_labels, first_day, in_period, in_place

PERM = "care.stats"
MODULE = ModuleDef("pairings", "结对帮扶", first_day(Pairing, "started_on"))

DIVISION = Dimension("division", "街道/社区", "division")
HELPER_KIND = Dimension("helper_kind", "帮扶人类型", "helper__kind", choice_labels(Helper, "kind"))


def active_on_q(day) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def active(actor: Actor, query: Query) -> QuerySet:
    return in_place(actor, PERM, Pairing, query).filter(active_on_q(query.end))


def started(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, Pairing, query), "started_on", query)


def children_paired(actor: Actor, query: Query) -> QuerySet:
    paired = active(actor, query).order_by().values("person_id")
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
    ),
    _fig(
        "started",
        "期内新增结对",
        started,
        "开始日期在期内的结对。",
        unit="对",
        date="开始日期",
        date_path="started_on",
    ),
    _fig(
        "children_paired",
        "结对帮扶的困境儿童",
        children_paired,
        "期末在册的困境儿童中，本区划有进行中结对的。",
        unit="位",
        dims=(Dimension("division", "街道/社区", "division"),),
        headline=True,
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
