"""Case statistics for any scope and period, each figure linking to the case list behind it.

The case statistics page (moved here from the cases module, which no longer holds statistics) and the
retention checks read it; the catalogue's case figures live in `reports/figures/cases.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.cases import rules
from jiayuan.cases.models import (
    HIGH_LEVELS,
    ActionKind,
    Case,
    CaseAction,
    CaseCategory,
    CaseMove,
    MoveKind,
    MoveStatus,
    Outcome,
    Status,
)
from jiayuan.cases.selectors import CaseFilters, _day_start, apply_filters
from jiayuan.core.replica import replica_reads
from jiayuan.divisions.models import subtree_q


@dataclass
class Figure:
    label: str
    value: int | float | str
    link: str = ""


def _link(base: CaseFilters, **changes) -> str:
    return "/cases/?" + base.querystring(**changes)


@replica_reads
def case_stats(
    *, actor: Actor, prefix: str = "", date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None
) -> dict:
    """The figures the work reports publish, for any scope and period; each links to its cases.

    Cases "received" in the period are those with `received_at` in [date_from, date_to]; closures,
    outcomes and follow-up coverage count cases closed in the period. One pass over the received cases
    and one over the closed ones, then a query per related table.
    """
    now = now or timezone.now()
    base_filters = CaseFilters(division=prefix, received_from=date_from, received_to=date_to)
    closed_filters = CaseFilters(division=prefix, closed_from=date_from, closed_to=date_to, status=Status.CLOSED)
    place = policy.reach(actor, "cases.stats")
    if place is not None and (prefix or place).startswith(place):
        # Figures of a place: every case owned inside it that its list would show (restricted cases are
        # counted only by their teams, so that each figure equals the list behind it). Individual grants
        # do not widen a place's figures, so the place predicate alone answers it, from one index.
        scoped = policy.unscoped(Case).filter(subtree_q(prefix or place, "division"), restricted=False)
    else:
        scoped = policy.scoped(actor, "cases.stats", Case)
        if prefix:
            scoped = scoped.filter(subtree_q(prefix, "division"))
    received = apply_filters(scoped, CaseFilters(received_from=date_from, received_to=date_to))

    # Months as conditional counts (bounds first), folded into the one grouped pass over the received cases:
    # one row per combination of the grouped columns, never one per case, all read from the statistics index.
    bounds, day = [], date_from.replace(day=1)
    while day <= date_to:
        following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        bounds.append(
            (
                day.strftime("%Y-%m"),
                _day_start(max(day, date_from)),
                _day_start(min(following, date_to + dt.timedelta(days=1))),
            )
        )
        day = following
    channels: Counter[Any] = Counter()
    levels: Counter[Any] = Counter()
    months: Counter[Any] = Counter()
    total = handled = high = 0
    for row in (
        received.order_by()
        .values("channel", "risk_level", "urgent", "status")
        .annotate(
            n=Count("id"),
            **{
                f"m{i}": Count("id", filter=Q(received_at__gte=lo, received_at__lt=hi))
                for i, (_, lo, hi) in enumerate(bounds)
            },
        )
    ):
        n, level = row["n"], row["risk_level"]
        total += n
        channels[row["channel"]] += n
        levels[level] += n
        handled += n if row["status"] != Status.REGISTERED else 0
        high += n if (level in HIGH_LEVELS or row["urgent"]) else 0
        for i, (label, _, _) in enumerate(bounds):
            if row[f"m{i}"]:
                months[label] += row[f"m{i}"]
    hours, days = [], []
    for received_at, first_contact, status, closed_at in received.filter(
        Q(risk_level__in=HIGH_LEVELS) | Q(urgent=True)
    ).values_list("received_at", "first_contact_at", "status", "closed_at"):
        if first_contact:
            hours.append((first_contact - received_at).total_seconds() / 3600)
        if status == Status.CLOSED and closed_at:
            days.append((closed_at - received_at).total_seconds() / 86400)
    hours.sort()
    days.sort()

    channel_labels = {str(k): str(v) for k, v in Case._meta.get_field("channel").choices or []}
    by_channel = [
        Figure(channel_labels.get(code, code), n, _link(base_filters, channel=code))
        for code, n in channels.most_common()
    ]
    level_labels = {str(k): str(v) for k, v in Case._meta.get_field("risk_level").choices or []}
    by_level = [
        Figure(level_labels.get(code) or "未评估", n, _link(base_filters, risk=code or "none"))
        for code, n in levels.most_common()
    ]
    by_month = []
    for month in sorted(months):
        y, m = map(int, month.split("-"))
        start = max(dt.date(y, m, 1), date_from)
        end = min((dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)), date_to)
        by_month.append(Figure(month, months[month], _link(base_filters, received_from=start, received_to=end)))

    in_period = received.values("pk")
    # A case holds a code at most once (uniq_case_category), so the rows per code are the distinct cases.
    cat_counts = dict(
        CaseCategory.objects.filter(case__in=in_period).order_by().values_list("code").annotate(n=Count("id"))
    )
    by_category = [
        Figure(rules.category_name(code), cat_counts[code], _link(base_filters, category=code))
        for code in rules.categories()
        if cat_counts.get(code)
    ]
    mediated = (
        CaseAction.objects.filter(kind=ActionKind.MEDIATION, case__in=in_period)
        .order_by()
        .values("case_id")
        .distinct()
        .count()
    )

    # Closures by outcome, then the follow-up coverage (a semi-join on the actions) and the cases overdue now;
    # each a range of the place's statistics index, never a table row.
    closed = apply_filters(scoped, CaseFilters(closed_from=date_from, closed_to=date_to, status=Status.CLOSED))
    outcomes = dict(closed.order_by().values_list("outcome").annotate(n=Count("id")))
    closed_count = sum(outcomes.values())
    mediated_ok = outcomes.get(Outcome.MEDIATED, 0)
    rate = round(100.0 * mediated_ok / closed_count, 1) if closed_count else 0.0
    with_followup = closed.filter(
        Exists(CaseAction.objects.filter(case_id=OuterRef("pk"), kind=ActionKind.FOLLOW_UP))
    ).count()
    coverage = round(100.0 * with_followup / closed_count, 1) if closed_count else 0.0
    overdue = scoped.filter(next_due_at__lt=now).count()

    referrals = (
        CaseMove.objects.filter(kind=MoveKind.REFER, case__in=in_period)
        .order_by()
        .values_list("to_agency_id", "to_agency__name", "status")
        .annotate(n=Count("id"))
    )
    by_agency: dict[int, dict] = {}
    for agency_id, name, status, n in referrals:
        row = by_agency.setdefault(
            agency_id,
            {
                "agency": name,
                "link": _link(base_filters, agency=agency_id),
                "total": 0,
                **dict.fromkeys(MoveStatus.values, 0),
            },
        )
        row[status] += n
        row["total"] += n

    result = {
        "period": (date_from, date_to),
        "prefix": prefix,
        "received": Figure("受理个案", total, _link(base_filters)),
        "by_channel": by_channel,
        "by_category": by_category,
        "by_level": by_level,
        "by_month": by_month,
        "handled": Figure("已处置", handled, _link(base_filters, handled=True)),
        "mediated": Figure("开展调解", mediated, _link(base_filters, mediated=True)),
        "mediated_ok": Figure("调解成功", mediated_ok, _link(closed_filters, outcome=Outcome.MEDIATED)),
        "closed": Figure("结案", closed_count, _link(closed_filters)),
        "success_rate": Figure(
            "调解成功率（调解成功/结案）", f"{rate}%", _link(closed_filters, outcome=Outcome.MEDIATED)
        ),
        "high": Figure("高风险个案", high, _link(base_filters, risk="high")),
        "high_first_contact_hours": round(hours[len(hours) // 2], 1) if hours else None,
        "high_close_days": round(days[len(days) // 2], 1) if days else None,
        "overdue": Figure("当前逾期", overdue, _link(CaseFilters(division=prefix), overdue=True)),
        "referrals": list(by_agency.values()),
        "followed_up": Figure("已回访的结案个案", with_followup, _link(closed_filters, followed_up="1")),
        "followup_coverage": Figure("回访覆盖率", f"{coverage}%", _link(closed_filters, followed_up="0")),
    }
    result["headline"] = [
        result[k]
        for k in (
            "received",
            "handled",
            "mediated",
            "mediated_ok",
            "closed",
            "success_rate",
            "high",
            "overdue",
            "followed_up",
            "followup_coverage",
        )
    ]
    return result
