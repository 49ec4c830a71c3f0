"""Vulnerable-register figures: who is on the register at the end of the period, entries, exits, reviews."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.care.models import VULNERABILITY_KIND, LedgerEntry, RegisterEntry, RegisterReview, SupportPlan
from jiayuan.people.models import Gender, Person, minor_cutoff

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place

PERM = "care.stats"
MODULE = ModuleDef("care", "困境妇女儿童", first_day(RegisterEntry, "entered_on"))


def _type_labels() -> dict[str, str]:
    from jiayuan.dictionaries.models import DictionaryItem

    return dict(DictionaryItem.objects.filter(kind=VULNERABILITY_KIND).values_list("code", "label"))


DIVISION = Dimension("division", "街道/社区", "division")
LEVEL = Dimension("level", "关爱等级", "care_level", choice_labels(RegisterEntry, "care_level"))
TYPE = Dimension("type", "困境类型", "types__code", _type_labels)
LEDGER_KIND = Dimension("kind", "帮扶方式", "kind", choice_labels(LedgerEntry, "kind"))
REGISTER_DIMS = (DIVISION, LEVEL, TYPE)

# Entries, exits and ledger records are summarised (`reports.summaries`); who is on the register at a period's
# end, and reviews (placed by their entry's community), are counted from the records.
SUMMARY_SOURCES = {RegisterEntry: "", LedgerEntry: ""}
# Writes that change a register entry's figures without touching the entry: its person (gender, birth date) and
# the person's plan mark every entry of that person.
SUMMARY_LINKS = {Person: (RegisterEntry, "person"), SupportPlan: (RegisterEntry, "person")}


def active_on_q(day) -> Q:
    """Entries on the register at the end of `day`."""
    return Q(entered_on__lte=day) & (Q(exited_on__isnull=True) | Q(exited_on__gt=day))


def on_register(actor: Actor, query: Query) -> QuerySet:
    return in_place(actor, PERM, RegisterEntry, query).filter(active_on_q(query.end))


def children_on_register(actor: Actor, query: Query) -> QuerySet:
    minors = Person._base_manager.filter(birth_date__gt=minor_cutoff(query.end)).values("pk")
    return on_register(actor, query).filter(person_id__in=minors)


def women_on_register(actor: Actor, query: Query) -> QuerySet:
    women = Person._base_manager.filter(gender=Gender.FEMALE).filter(
        Q(birth_date__isnull=True) | Q(birth_date__lte=minor_cutoff(query.end))
    )
    return on_register(actor, query).filter(person_id__in=women.values("pk"))


def entered(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, RegisterEntry, query), "entered_on", query)


def exited(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, RegisterEntry, query), "exited_on", query)


def with_plan(actor: Actor, query: Query) -> QuerySet:
    return on_register(actor, query).filter(Exists(SupportPlan.objects.filter(person_id=OuterRef("person_id"))))


def reviews(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, RegisterReview, query, "entry__division"), "reviewed_on", query)


def ledger(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, PERM, LedgerEntry, query), "on", query)


def _fig(code, label, records, definition, *, unit="人", date="期末", date_path="", dims=REGISTER_DIMS, **kw):
    return FigureDef(
        code=f"care.{code}",
        label=label,
        unit=unit,
        module="care",
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
        "on_register",
        "困境妇女儿童数据库在册",
        on_register,
        "期末（统计期最后一天）仍在册的困境妇女儿童登记：纳入日期不晚于期末，且未退出或退出日期晚于期末。",
        headline=True,
        stock=("care.entered", "care.exited"),
    ),
    _fig(
        "women",
        "重点关注困境妇女",
        women_on_register,
        "期末在册人员中性别为女、期末已满 18 周岁（或出生日期未登记）的。",
        headline=True,
        summary=True,
        snapshot=True,
    ),
    _fig(
        "children",
        "困境儿童",
        children_on_register,
        "期末在册人员中期末未满 18 周岁的。",
        headline=True,
        summary=True,
        snapshot=True,
    ),
    _fig(
        "entered",
        "期内纳入困境库",
        entered,
        "纳入日期在期内的登记（含期内又退出的）。",
        date="纳入日期",
        date_path="entered_on",
        summary=True,
    ),
    _fig(
        "exited",
        "期内退出困境库",
        exited,
        "退出日期在期内的登记。",
        date="退出日期",
        date_path="exited_on",
        summary=True,
    ),
    _fig(
        "with_plan",
        "已落实“一人一策”",
        with_plan,
        "期末在册人员中已制定帮扶计划的。",
        summary=True,
        snapshot=True,
    ),
    _fig(
        "reviews",
        "开展动态复核",
        reviews,
        "复核日期在期内的在册人员复核记录（每次复核计一次）。",
        unit="次",
        date="复核日期",
        date_path="reviewed_on",
        dims=(Dimension("division", "街道/社区", "entry__division"),),
        division_path="entry__division",
    ),
    _fig(
        "ledger",
        "帮扶台账记录",
        ledger,
        "台账日期在期内的走访、电话、物资、资金、服务、转介和慰问记录（“一人一台账”）。",
        unit="条",
        date="台账日期",
        date_path="on",
        dims=(DIVISION, LEDGER_KIND),
        summary=True,
    ),
]
