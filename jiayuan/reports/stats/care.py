"""Care and screening statistics for any scope and period; each figure carries the link to its records.

`care_stats(actor=..., prefix=..., start=..., end=...)` returns plain data (sections of `Figure`s) for the
care statistics page. The scope is a division prefix inside the actor's reach; rows are counted
through the same policy filter as the lists the links open, so a figure and its list always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Value

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.care.models import (
    VULNERABILITY_KIND,
    CareLevel,
    EntryStatus,
    LedgerEntry,
    Pairing,
    PlanMeasure,
    RegisterEntry,
    RegisterReview,
    ReliefApplication,
    ReliefStatus,
    SupportPlan,
)
from jiayuan.core.errors import NotFound
from jiayuan.core.replica import replica_reads
from jiayuan.divisions.models import subtree_q
from jiayuan.people.models import Person, minor_cutoff

from .common import Figure, Section, _url
from .screening import screening_section


@dataclass
class CareStats:
    prefix: str
    start: dt.date
    end: dt.date
    sections: list[Section] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {s.title: {f.label: f.value for f in s.figures} for s in self.sections}


def stats_prefix(actor: Actor, prefix: str = "", perm: str = "care.stats") -> str:
    """The scope asked for, checked against the actor's reach (404 outside)."""
    broadest = policy.reach(actor, perm)
    if broadest is None:
        raise NotFound("未找到该区划")
    prefix = prefix or broadest
    if not prefix.startswith(broadest):
        raise NotFound("未找到该区划")
    return prefix


def active_on(day: dt.date) -> Q:
    """Entries on the register at the end of `day`."""
    return Q(entered_on__lte=day) & (Q(exited_on__isnull=True) | Q(exited_on__gt=day))


def _rows(condition: Q) -> Count:
    """The number of rows meeting `condition`, as a conditional count of a constant (COUNT(*) takes no filter)."""
    return Count(Value(1), filter=condition)


# Counting what a place holds, or everything but what it does not hold.
#
# A join costs a look-up per row of the place (per register entry for its types, per plan for its measures).
# When the place holds most of the rows (the city's figures; a district that holds most of the data), the
# same numbers come cheaper as "every row, from one index" minus "the rows outside the place", which are few:
# the same counts exactly (the outside condition is the negation of a condition that is never NULL), only
# the cheaper way round. The largest id is the bound of the table's size that costs one index seek.


def _mostly(held: int, model) -> bool:
    """True when `held` rows are more than half of `model`'s table (by its largest id, an upper bound)."""
    if not held:
        return False
    top = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    return held * 2 > top


def _entries_per_type(held: Q | None, held_n: int) -> dict[int, int]:
    """Register entries meeting `held` per type item (an entry holds an item once: rows are entries)."""
    if held is None:
        return {}

    def per_item(entries) -> dict[int, int]:
        # One join driven by the entries, each entry's few type rows read from the link table's unique index.
        return {
            item: n
            for item, n in entries.order_by().values_list("types").annotate(n=Count(Value(1)))
            if item is not None
        }

    if not _mostly(held_n, RegisterEntry):
        return per_item(RegisterEntry.objects.filter(held))
    counts = dict(
        RegisterEntry.types.through.objects.order_by().values_list("dictionaryitem_id").annotate(n=Count(Value(1)))
    )
    for item, n in per_item(RegisterEntry.objects.filter(~held)).items():
        counts[item] = counts.get(item, 0) - n
    return counts


def _measures_due(plans: Q | None, start: dt.date, end: dt.date, *, plans_held: int) -> dict[str, int]:
    """Measures due in the period of the plans meeting `plans`, and those of them done by their due date.

    A measure follows its plan (registered with the plan's division and the plan's grants), so the measures in
    reach are those of the plans in reach: a semi-join on the plans' ids, each plan's measures of the period
    one range of the (plan, due, done) index; or, for a place holding most plans, all measures of the period
    (one range of the (due, done) index) minus those of the plans outside it. `plans_held` estimates how many
    plans the place holds (it only chooses the way round: both give the same figures)."""
    if plans is None:
        return {"n": 0, "on_time": 0}
    due = PlanMeasure.objects.filter(due_on__range=(start, end)).order_by()
    figures = {"n": Count(Value(1)), "on_time": _rows(Q(done_on__isnull=False, done_on__lte=F("due_on")))}
    held = SupportPlan.objects.filter(plans).order_by()
    if not _mostly(plans_held, SupportPlan):
        return due.filter(plan_id__in=held.values("pk")).aggregate(**figures)
    every = due.aggregate(**figures)
    outside = due.filter(plan_id__in=SupportPlan.objects.filter(~plans).order_by().values("pk")).aggregate(**figures)
    return {key: every[key] - outside[key] for key in figures}


@replica_reads
@replica_reads
def care_stats(*, actor: Actor, prefix: str = "", start: dt.date, end: dt.date) -> CareStats:
    prefix = stats_prefix(actor, prefix)
    iso = {"division": prefix}
    result = CareStats(prefix=prefix, start=start, end=end)
    # The place asked for comes first in every filter, the actor's reach after it: SQLite seeks an index on the
    # first range of a column it is given, and the reach is the wider one (a district's or the city's range
    # when a street or a community is asked for).
    place = subtree_q(prefix, "division")
    entries = policy.scoped(actor, "care.stats", RegisterEntry.objects.filter(place))
    on_register = entries.filter(active_on(end))
    # The same filters as conditions (policy.scoped is this filter), for the counts by complement below.
    reach = policy.scope_q(actor, "care.stats", RegisterEntry)
    held_on_register = place & reach & active_on(end) if reach is not None else None
    plans_reach = policy.scope_q(actor, "care.stats", SupportPlan)
    held_plans = place & plans_reach if plans_reach is not None else None

    # One pass over the place's register entries (a covering index, no table rows) answers the register by
    # level, the entries and exits of the period, the overdue reviews and the plans, by conditional counts.
    # A plan per person (unique): a plain IN on the plans' person column, which both databases answer from
    # that unique index (SQLite probes it in place, PostgreSQL hashes it once) without building a list.
    has_plan = Q(person_id__in=SupportPlan.objects.order_by().values("person_id"))
    period = (start, end)
    on_q = active_on(end)
    # COUNT(1) (no column to read and test for NULL), and the cheap equality first in each level's filter so
    # that the register test runs on that level's rows only: per-row work is what this pass costs.
    counted = entries.order_by().aggregate(
        on=_rows(on_q),
        **{f"level_{code}": _rows(Q(care_level=code) & on_q) for code in CareLevel.values},
        entered=_rows(Q(entered_on__range=period)),
        exited=_rows(Q(exited_on__range=period)),
        overdue=_rows(Q(status=EntryStatus.ACTIVE, next_review_on__lt=end)),
        plans=_rows(on_q & has_plan),
    )
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
    ids_by_code: dict[str, list[int]] = {}
    for pk, code in DictionaryItem.objects.filter(code__in=[i.code for i in items]).values_list("pk", "code"):
        ids_by_code.setdefault(code, []).append(pk)
    # Entries on the register per type item, all items at once (those not shown are simply not read out).
    per_item = _entries_per_type(held_on_register, on_register_n)
    by_type = {code: per_item.get(ids[0], 0) for code, ids in ids_by_code.items() if len(ids) == 1}
    for code, ids in ids_by_code.items():
        if len(ids) > 1:  # one code in several dictionaries: count each entry once
            by_type[code] = (
                RegisterEntry.types.through.objects.filter(
                    registerentry_id__in=on_register.order_by().values("pk"), dictionaryitem_id__in=ids
                )
                .values("registerentry_id")
                .distinct()
                .count()
            )
    for item in items:
        register.figures.append(
            Figure(f"类型：{item.label}", by_type.get(item.code, 0), _url("/care/register/", type=item.code, **iso))
        )
    for code, label in CareLevel.choices:
        register.figures.append(
            Figure(f"等级：{label}", by_level.get(code, 0), _url("/care/register/", level=code, **iso))
        )
    result.sections.append(register)

    # 2. Entries and exits in the period.
    flow = Section("纳入与退出")
    flow.figures.append(
        Figure(
            "期内纳入",
            moved["entered"],
            _url("/care/register/", status="all", entered_from=start, entered_to=end, **iso),
        )
    )
    flow.figures.append(
        Figure(
            "期内退出",
            moved["exited"],
            _url("/care/register/", status="exited", exited_from=start, exited_to=end, **iso),
        )
    )
    result.sections.append(flow)

    # 3. Plans and reviews on time.
    timely = Section("一人一策与动态复核")
    reviews = policy.scoped(
        actor,
        "care.stats",
        RegisterReview.objects.filter(subtree_q(prefix, "entry__division"), reviewed_on__range=(start, end)),
    )
    r = reviews.aggregate(n=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    timely.figures.append(Figure("期内复核", r["n"], _url("/care/reviews/", start=start, end=end, **iso)))
    timely.figures.append(
        Figure("其中按期复核", r["on_time"], _url("/care/reviews/", start=start, end=end, on_time=1, **iso))
    )
    timely.figures.append(Figure("期末逾期未复核", overdue_reviews, _url("/care/register/", due=1, **iso)))
    # The register entries of the place with a plan (counted above) stand for the plans the place holds.
    mm = _measures_due(held_plans, start, end, plans_held=plans)
    timely.figures.append(Figure("期内到期措施", mm["n"], _url("/care/measures/", start=start, end=end, **iso)))
    timely.figures.append(
        Figure("其中按期完成", mm["on_time"], _url("/care/measures/", start=start, end=end, on_time=1, **iso))
    )
    timely.figures.append(Figure("在册人员已制定帮扶计划", plans, _url("/care/register/", **iso)))
    result.sections.append(timely)

    # 4. Pairings and coverage.
    pairs = Section("结对帮扶")
    pairings = policy.scoped(actor, "care.stats", Pairing.objects.filter(place))
    active_pairings = pairings.filter(started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    p = pairings.aggregate(
        active=Count("id", filter=Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))),
        new=Count("id", filter=Q(started_on__range=(start, end))),
    )
    pairs.figures.append(Figure("期末结对中", p["active"], _url("/care/pairings/", **iso)))
    pairs.figures.append(
        Figure("期内新结对", p["new"], _url("/care/pairings/", status="all", start=start, end=end, **iso))
    )
    # Children on the register: driven by the people's birth-date index (a semi-join, not a join per entry),
    # counted with the distinct children in an active pairing of the place in the same pass. The place's
    # active pairings are read once, from their (place, dates, person) index, into the list that each child's
    # entry is tested against (both databases build it once; a correlated probe per child cost more).
    minors = Person._base_manager.filter(birth_date__gt=minor_cutoff(end)).values("pk")
    paired = Q(person_id__in=active_pairings.order_by().values("person_id"))
    kids = (
        on_register.filter(person_id__in=minors)
        .order_by()
        .aggregate(n=Count("id"), paired=Count("person_id", distinct=True, filter=paired))
    )
    children_n, paired_children = kids["n"], kids["paired"]
    pairs.figures.append(Figure("在册儿童", children_n, _url("/care/register/", minor=1, **iso)))
    pairs.figures.append(Figure("已结对儿童", paired_children, _url("/care/register/", minor=1, paired="yes", **iso)))
    coverage = f"{paired_children / children_n:.1%}" if children_n else "—"
    pairs.figures.append(Figure("儿童结对覆盖率", coverage, _url("/care/register/", minor=1, paired="no", **iso)))
    result.sections.append(pairs)

    # 5. Relief by fund and level.
    relief = Section("救助申请与资金")
    apps = policy.scoped(
        actor, "care.stats", ReliefApplication.objects.filter(place, created_at__date__range=(start, end))
    )
    by_status = dict(apps.values("status").annotate(n=Count("id")).values_list("status", "n"))
    relief.figures.append(
        Figure("期内申请", sum(by_status.values()), _url("/care/relief/", start=start, end=end, **iso))
    )
    for code, label in ReliefStatus.choices:
        n = by_status.get(code, 0)
        if n:
            relief.figures.append(
                Figure(f"其中{label}", n, _url("/care/relief/", status=code, start=start, end=end, **iso))
            )
    money = policy.scoped(
        actor,
        "care.stats",
        ReliefApplication.objects.filter(place, status=ReliefStatus.DISBURSED, disbursed_on__range=(start, end)),
    )
    for row in money.values("fund_id", "fund__name").annotate(n=Count("id"), total=Sum("amount")).order_by("fund_id"):
        relief.figures.append(
            Figure(
                f"已发放：{row['fund__name']}（{row['n']} 笔）",
                row["total"],
                _url("/care/relief/", status="disbursed", fund=row["fund_id"], start=start, end=end, **iso),
            )
        )
    levels: dict[str, list] = {}
    for app_id, chain in money.values_list("id", "approval__chain"):
        top = "市级审批" if chain and len(chain) >= 4 else "区级审批"
        levels.setdefault(top, []).append(app_id)
    for label, ids in sorted(levels.items()):
        total_amount = money.filter(pk__in=ids).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        relief.figures.append(
            Figure(
                f"按终审层级：{label}（{len(ids)} 笔）",
                total_amount,
                _url(
                    "/care/relief/",
                    status="disbursed",
                    final=("city" if "市" in label else "district"),
                    start=start,
                    end=end,
                    **iso,
                ),
            )
        )
    condolence = policy.scoped(
        actor, "care.stats", LedgerEntry.objects.filter(place, kind="condolence", on__range=(start, end))
    )
    relief.figures.append(Figure("期内慰问人次", condolence.count(), ""))
    result.sections.append(relief)

    # 6. Screening, for the same scope.
    result.sections.append(screening_section(actor=actor, prefix=prefix, start=start, end=end))
    return result


__all__ = ["care_stats", "CareStats", "Figure", "Section", "stats_prefix", "active_on"]
