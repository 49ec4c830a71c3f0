"""Proof that the summaries are the records: recount a place and a run of whole months from the records and
compare, value by value, the monthly rows, the roll-ups of the places inside it and the first days of use."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from jiayuan.divisions.codes import in_subtree
from jiayuan.divisions.models import subtree_q

from . import figures as catalogue
from .figures.base import PLACE_ONLY, FigureDef, Period, Query
from .models import FigureFirstUse, FigureRollup
from .summaries import (
    DB,
    EARLIEST,
    LATEST,
    QUARTER,
    YEAR,
    Row,
    _Placer,
    applies,
    first_days,
    fresh_rows,
    kept_first_days,
    measure,
    month_end,
    rollup_places,
    span,
    stored_rows,
    summarised,
)


@dataclass(frozen=True)
class Difference:
    figure: FigureDef | None  # None: a module's first day of use
    division: str  # "" for the figure's total over the place
    month: dt.date | None
    dim: str
    key: str
    stored: int | dt.date | None
    counted: int | dt.date | None
    whole: bool = False  # a roll-up row (the place and everything in it)
    module: str = ""

    def describe(self, names: dict[str, str]) -> str:
        where = names.get(self.division, self.division) if self.division else "全部所选区划"
        if self.figure is None:
            label = catalogue.modules()[self.module].label
            return f"“{label}”在{where}的首条记录日期：汇总表 {self.stored or '无'}，按记录重算 {self.counted or '无'}"
        if self.whole:
            where = f"{names.get(self.division, '全部区划') if self.division else '全部区划'}（合计行）"
        when = f"{self.month.year}年{self.month.month}月" if self.month else "所选月份合计"
        by = ""
        if self.month and self.dim == QUARTER:
            when = f"{self.month.year}年第{'一二三四'[(self.month.month - 1) // 3]}季度"
        elif self.month and self.dim == YEAR:
            when = f"{self.month.year}年全年"
        elif self.dim:
            dim = next((d for d in self.figure.dimensions if d.code == self.dim), None)
            label = dim.labels().get(self.key, self.key) if dim else self.key
            by = f"，按{dim.label if dim else self.dim}“{label or '未填写'}”"
        return (
            f"{self.figure.label}（{self.figure.code}）{where} {when}{by}："
            f"汇总表 {self.stored}，按记录重算 {self.counted}"
        )


def verify(*, prefix: str = "", start: dt.date = EARLIEST, end: dt.date = LATEST, using: str = DB) -> tuple[int, list]:
    """Recount the summarised figures of a place and a run of whole months from the records and compare them with
    the summary tables: the monthly rows row by row and in total (each figure's own records query, counted
    plainly), the roll-up rows of every place inside the place, and the first days of use of its divisions.
    Returns (the number of values compared, the differences)."""
    start, end = start.replace(day=1), month_end(end.replace(day=1))
    compared, differences = 0, []
    places = rollup_places(using)
    # The places kept whole that lie inside the verified place (none inside a street or a community).
    inside = {p: c for p, c in places.items() if (in_subtree(c, prefix) if c else not prefix)}
    placer = _Placer(inside)
    for fig in summarised():
        stored = stored_rows(fig, prefix=prefix, start=start, end=end, using=using)
        fresh = fresh_rows(fig, prefix=prefix, start=start, end=end, using=using)
        for row in sorted(set(stored) | set(fresh), key=lambda r: (r[1], r[2], r[3], r[4])):
            compared += 1
            if stored.get(row, 0) != fresh.get(row, 0):
                _f, division, month, dim, key = row
                differences.append(Difference(fig, division, month, dim, key, stored.get(row, 0), fresh.get(row, 0)))
        for total_diff in _verify_totals(fig, stored, prefix, start, end, using):
            compared += 1
            if total_diff is not None:
                differences.append(total_diff)
        compared_rollup, rollup_differences = _verify_rollup(fig, fresh, inside, placer, *span(fig, start, end), using)
        compared += compared_rollup
        differences.extend(rollup_differences)
    for fig in catalogue.figures().values():
        if fig.stock is None or not applies(fig):
            continue
        # A stock read from its flows: every inflow up to the end less every outflow equals the records then.
        kept = 0
        for code, sign in zip(fig.stock, (1, -1), strict=True):
            flow = catalogue.figures()[code]
            rows = stored_rows(flow, prefix=prefix, start=EARLIEST, end=end, using=using)
            kept += sign * sum(n for (_f, _d, _m, dim, _k), n in rows.items() if dim == "")
        assert fig.records is not None
        held = fig.records(PLACE_ONLY, Query(prefix, Period(end, end))).using(using).order_by().count()
        compared += 1
        if kept != held:
            differences.append(Difference(fig, "", end.replace(day=1), "", "", kept, held))
    for module, first in kept_first_days().items():
        counted_days = first_days(first, prefix=prefix, using=using)
        qs = FigureFirstUse.objects.using(using).filter(module=module)
        if prefix:
            qs = qs.filter(subtree_q(prefix, "division"))
        stored_days = dict(qs.values_list("division_id", "first"))
        for division in sorted(set(stored_days) | set(counted_days)):
            compared += 1
            if stored_days.get(division) != counted_days.get(division):
                before, now = stored_days.get(division), counted_days.get(division)
                differences.append(Difference(None, division, None, "", "", before, now, module=module))
    return compared, differences


def _verify_totals(
    fig: FigureDef, stored: dict[Row, int], prefix: str, start: dt.date, end: dt.date, using: str
) -> list[Difference | None]:
    """The stored rows added up against the figure's own records query counted plainly: over the whole run of
    months, or (a figure counted once per period) year by year, each year's row against that year's records."""
    records = fig.records
    assert records is not None

    def counted(first: dt.date, last: dt.date) -> int:
        qs = records(PLACE_ONLY, Query(prefix, Period(first, last))).using(using).order_by()
        if fig.kind == "sum":  # the amount added up (minutes, 人次)
            return qs.aggregate(_n=measure(fig))["_n"] or 0
        return qs.count()

    if fig.snapshot:  # its rows are counts at each month's end, compared row by row above
        return []
    if not fig.per_period:
        total = sum(n for (_f, _d, _m, dim, _k), n in stored.items() if dim == "")
        now = counted(start, end)
        return [None if now == total else Difference(fig, "", None, "", "", total, now)]
    years: dict[int, int] = defaultdict(int)
    for (_f, _d, month, dim, _k), n in stored.items():
        if dim == YEAR:
            years[month.year] += n
    results: list[Difference | None] = []
    for year in sorted(years):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        now = counted(first, last)
        results.append(None if now == years[year] else Difference(fig, "", first, YEAR, "", years[year], now))
    return results


def _verify_rollup(
    fig: FigureDef,
    fresh: dict[Row, int],
    inside: dict[str, str],
    placer: _Placer,
    start: dt.date,
    end: dt.date,
    using: str,
) -> tuple[int, list[Difference]]:
    """The roll-up rows of the places inside the verified place against the records' rows added up."""
    if not inside:
        return 0, []
    expected: dict[Row, int] = defaultdict(int)
    for (f, division, month, dim, key), n in fresh.items():
        for place in placer(division):
            expected[(f, place, month, dim, key)] += n
    rows = FigureRollup.objects.using(using).filter(
        figure=fig.code, place__in=list(inside), month__gte=start, month__lte=end
    )
    stored = {
        (fig.code, p, m, dim, key): n
        for p, m, dim, key, n in rows.values_list("place", "month", "dim", "key").annotate(n_=Sum("n"))
    }
    differences = []
    keys = {r for r, n in expected.items() if n} | set(stored)
    for row in sorted(keys, key=lambda r: (r[1], r[2], r[3], r[4])):
        if stored.get(row, 0) != expected.get(row, 0):
            _f, place, month, dim, key = row
            differences.append(
                Difference(fig, inside[place], month, dim, key, stored.get(row, 0), expected.get(row, 0), True)
            )
    return len(keys), differences
