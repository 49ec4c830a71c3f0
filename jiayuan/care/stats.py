"""Care and screening statistics for any scope and period; each figure carries the link to its records.

Reusable by the reports module: `care_stats(actor=..., prefix=..., start=..., end=...)` returns plain
data (sections of `Figure`s). The scope is a division prefix inside the actor's reach; rows are counted
through the same policy filter as the lists the links open, so a figure and its list always agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import subtree_q
from jiayuan.people.models import Person, minor_cutoff

from .models import (
    VULNERABILITY_KIND, CareLevel, EntryStatus, LedgerEntry, Pairing, PlanMeasure, RegisterEntry, RegisterReview,
    ReliefApplication, ReliefStatus, SupportPlan,
)


@dataclass
class Figure:
    label: str
    value: int | Decimal | str
    url: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class CareStats:
    prefix: str
    start: dt.date
    end: dt.date
    sections: list[Section] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {s.title: {f.label: f.value for f in s.figures} for s in self.sections}


def _url(path: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return f"{path}?{urlencode(clean)}" if clean else path


def stats_prefix(actor: Actor, prefix: str = "", perm: str = "care.stats") -> str:
    """The scope asked for, checked against the actor's reach (404 outside)."""
    broadest = actor.broadest_prefix(perm)
    if broadest is None:
        raise Http404("未找到该区划")
    prefix = prefix or broadest
    if not prefix.startswith(broadest):
        raise Http404("未找到该区划")
    return prefix


def active_on(day: dt.date) -> Q:
    """Entries on the register at the end of `day`."""
    return Q(entered_on__lte=day) & (Q(exited_on__isnull=True) | Q(exited_on__gt=day))


def _person_in(persons_of: QuerySet) -> Q:
    """Rows whose person is among `persons_of`'s persons. The same set either way; the form is the one each
    database counts fastest inside a conditional count: PostgreSQL hashes an IN list once (a correlated
    EXISTS there is one probe per row), SQLite probes the person index per row faster than it builds a list."""
    persons_of = persons_of.order_by()
    if connections[persons_of.db].vendor == "postgresql":
        return Q(person_id__in=persons_of.values("person_id"))
    return Q(Exists(persons_of.filter(person_id=OuterRef("person_id"))))


def care_stats(*, actor: Actor, prefix: str = "", start: dt.date, end: dt.date) -> CareStats:
    prefix = stats_prefix(actor, prefix)
    iso = {"division": prefix}
    result = CareStats(prefix=prefix, start=start, end=end)
    entries = policy.scoped(actor, "care.stats", RegisterEntry).filter(subtree_q(prefix, "division"))
    on_register = entries.filter(active_on(end))

    # One pass over the place's register entries (a covering index, no table rows) answers the register by
    # level, the entries and exits of the period, the overdue reviews and the plans, by conditional counts.
    has_plan = _person_in(SupportPlan.objects.all())
    period = (start, end)
    on_q = active_on(end)
    counted = entries.order_by().aggregate(
        on=Count("id", filter=on_q),
        **{f"level_{code}": Count("id", filter=on_q & Q(care_level=code)) for code in CareLevel.values},
        entered=Count("id", filter=Q(entered_on__range=period)),
        exited=Count("id", filter=Q(exited_on__range=period)),
        overdue=Count("id", filter=Q(status=EntryStatus.ACTIVE, next_review_on__lt=end)),
        plans=Count("id", filter=on_q & has_plan))
    on_register_n = counted["on"]
    by_level = {code: counted[f"level_{code}"] for code in CareLevel.values}
    moved = {"entered": counted["entered"], "exited": counted["exited"]}
    overdue_reviews, plans = counted["overdue"], counted["plans"]

    # 1. The register at the end of the period, by type and by level.
    register = Section("困境妇女儿童数据库（期末在册）")
    register.figures.append(Figure("在册人数", on_register_n, _url("/care/register/", **iso)))
    from jiayuan.dictionaries.models import DictionaryItem
    from jiayuan.dictionaries.services import dictionary_items

    items = list(dictionary_items(VULNERABILITY_KIND))
    # Entries on the register counted per type code from the link table alone (no join to the items):
    # the pair (entry, item) is unique, so a plain count per item is the number of distinct entries.
    ids_by_code: dict[str, list[int]] = {}
    for pk, code in DictionaryItem.objects.filter(code__in=[i.code for i in items]).values_list("pk", "code"):
        ids_by_code.setdefault(code, []).append(pk)
    per_item = dict(RegisterEntry.types.through.objects
                    .filter(registerentry_id__in=on_register.order_by().values("pk"),
                            dictionaryitem_id__in=[pk for ids in ids_by_code.values() for pk in ids])
                    .order_by().values_list("dictionaryitem_id").annotate(n=Count("pk")))
    by_type = {code: per_item.get(ids[0], 0) for code, ids in ids_by_code.items() if len(ids) == 1}
    for code, ids in ids_by_code.items():
        if len(ids) > 1:  # one code in several dictionaries: count each entry once
            by_type[code] = (RegisterEntry.types.through.objects
                             .filter(registerentry_id__in=on_register.order_by().values("pk"), dictionaryitem_id__in=ids)
                             .values("registerentry_id").distinct().count())
    for item in items:
        register.figures.append(Figure(f"类型：{item.label}", by_type.get(item.code, 0),
                                       _url("/care/register/", type=item.code, **iso)))
    for code, label in CareLevel.choices:
        register.figures.append(Figure(f"等级：{label}", by_level.get(code, 0),
                                       _url("/care/register/", level=code, **iso)))
    result.sections.append(register)

    # 2. Entries and exits in the period.
    flow = Section("纳入与退出")
    flow.figures.append(Figure("期内纳入", moved["entered"],
                               _url("/care/register/", status="all", entered_from=start, entered_to=end, **iso)))
    flow.figures.append(Figure("期内退出", moved["exited"],
                               _url("/care/register/", status="exited", exited_from=start, exited_to=end, **iso)))
    result.sections.append(flow)

    # 3. Plans and reviews on time.
    timely = Section("一人一策与动态复核")
    reviews = policy.scoped(actor, "care.stats", RegisterReview).filter(
        subtree_q(prefix, "entry__division"), reviewed_on__range=(start, end))
    r = reviews.aggregate(n=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    timely.figures.append(Figure("期内复核", r["n"], _url("/care/reviews/", start=start, end=end, **iso)))
    timely.figures.append(Figure("其中按期复核", r["on_time"],
                                 _url("/care/reviews/", start=start, end=end, on_time=1, **iso)))
    timely.figures.append(Figure("期末逾期未复核", overdue_reviews, _url("/care/register/", due=1, **iso)))
    measures = policy.scoped(actor, "care.stats", PlanMeasure).filter(subtree_q(prefix, "plan__division"),
                                                                      due_on__range=(start, end))
    mm = measures.aggregate(n=Count("id"), on_time=Count("id", filter=Q(done_on__isnull=False,
                                                                       done_on__lte=F("due_on"))))
    timely.figures.append(Figure("期内到期措施", mm["n"], _url("/care/measures/", start=start, end=end, **iso)))
    timely.figures.append(Figure("其中按期完成", mm["on_time"],
                                 _url("/care/measures/", start=start, end=end, on_time=1, **iso)))
    timely.figures.append(Figure("在册人员已制定帮扶计划", plans, _url("/care/register/", **iso)))
    result.sections.append(timely)

    # 4. Pairings and coverage.
    pairs = Section("结对帮扶")
    pairings = policy.scoped(actor, "care.stats", Pairing).filter(subtree_q(prefix, "division"))
    active_pairings = pairings.filter(started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    p = pairings.aggregate(active=Count("id", filter=Q(started_on__lte=end) & (Q(ended_on__isnull=True)
                                                                               | Q(ended_on__gt=end))),
                           new=Count("id", filter=Q(started_on__range=(start, end))))
    pairs.figures.append(Figure("期末结对中", p["active"], _url("/care/pairings/", **iso)))
    pairs.figures.append(Figure("期内新结对", p["new"],
                                _url("/care/pairings/", status="all", start=start, end=end, **iso)))
    # Children on the register: driven by the people's birth-date index (a semi-join, not a join per entry),
    # counted with the distinct children in an active pairing of the place in the same pass.
    minors = Person._base_manager.filter(birth_date__gt=minor_cutoff(end)).values("pk")
    paired = _person_in(active_pairings)
    kids = on_register.filter(person_id__in=minors).order_by().aggregate(
        n=Count("id"), paired=Count("person_id", distinct=True, filter=paired))
    children_n, paired_children = kids["n"], kids["paired"]
    pairs.figures.append(Figure("在册儿童", children_n, _url("/care/register/", minor=1, **iso)))
    pairs.figures.append(Figure("已结对儿童", paired_children, _url("/care/register/", minor=1, paired="yes", **iso)))
    coverage = f"{paired_children / children_n:.1%}" if children_n else "—"
    pairs.figures.append(Figure("儿童结对覆盖率", coverage, _url("/care/register/", minor=1, paired="no", **iso)))
    result.sections.append(pairs)

    # 5. Relief by fund and level.
    relief = Section("救助申请与资金")
    apps = policy.scoped(actor, "care.stats", ReliefApplication).filter(
        subtree_q(prefix, "division"), created_at__date__range=(start, end))
    by_status = dict(apps.values("status").annotate(n=Count("id")).values_list("status", "n"))
    relief.figures.append(Figure("期内申请", sum(by_status.values()),
                                 _url("/care/relief/", start=start, end=end, **iso)))
    for code, label in ReliefStatus.choices:
        n = by_status.get(code, 0)
        if n:
            relief.figures.append(Figure(f"其中{label}", n, _url("/care/relief/", status=code, start=start, end=end,
                                                                   **iso)))
    money = (policy.scoped(actor, "care.stats", ReliefApplication)
             .filter(subtree_q(prefix, "division"), status=ReliefStatus.DISBURSED,
                     disbursed_on__range=(start, end)))
    for row in money.values("fund_id", "fund__name").annotate(n=Count("id"), total=Sum("amount")).order_by("fund_id"):
        relief.figures.append(Figure(f"已发放：{row['fund__name']}（{row['n']} 笔）", row["total"],
                                     _url("/care/relief/", status="disbursed", fund=row["fund_id"], start=start,
                                          end=end, **iso)))
    levels: dict[str, list] = {}
    for app_id, chain in money.values_list("id", "approval__chain"):
        top = "市级审批" if chain and len(chain) >= 4 else "区级审批"
        levels.setdefault(top, []).append(app_id)
    for label, ids in sorted(levels.items()):
        total_amount = money.filter(pk__in=ids).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        relief.figures.append(Figure(f"按终审层级：{label}（{len(ids)} 笔）", total_amount,
                                     _url("/care/relief/", status="disbursed", final=("city" if "市" in label else
                                                                                        "district"),
                                          start=start, end=end, **iso)))
    condolence = policy.scoped(actor, "care.stats", LedgerEntry).filter(
        subtree_q(prefix, "division"), kind="condolence", on__range=(start, end))
    relief.figures.append(Figure("期内慰问人次", condolence.count(), ""))
    result.sections.append(relief)

    # 6. Screening (the screening app reuses the same scope).
    try:
        from jiayuan.screening.stats import screening_section
    except ImportError:  # pragma: no cover
        screening_section = None
    if screening_section is not None:
        result.sections.append(screening_section(actor=actor, prefix=prefix, start=start, end=end))
    return result


__all__ = ["care_stats", "CareStats", "Figure", "Section", "stats_prefix", "active_on"]
