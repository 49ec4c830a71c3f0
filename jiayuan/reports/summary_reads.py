"""Reading the summary tables for one actor and place (one page, one API call, one document).

A period's whole months come from the summaries, its partial months at the edges and the records the actor
reaches beyond the place (grants) from the records, so a value read here equals a count of the figure's
records query. A district, the city or everything is read from its roll-up rows when the actor's own reach
covers the whole place; any other place, or an actor whose reach covers only part of it, from the monthly
rows of its divisions the actor reaches (`policy.place_q`).

Each read loads every summarised figure of one permission at once (totals and every breakdown in one
statement, the months in another), so a dashboard costs a handful of statements however many figures it shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import router
from django.db.models import Model, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import Scope
from jiayuan.divisions.codes import in_subtree
from jiayuan.divisions.models import subtree_q

from . import figures as catalogue
from .figures.base import Dimension, FigureDef, Period, Query
from .models import FigureMonthly, FigureRollup, FigureSnapshotKept
from .summaries import (
    EARLIEST,
    QUARTER,
    YEAR,
    _column,
    _norm,
    dated,
    measure,
    model_of,
    month_last_day,
    month_of,
    snapshots_through,
    split,
    summarised,
)

# None: the figure's total; ("division", child prefixes): by child place; a Dimension: by its values.
Group = tuple[str, tuple[str, ...]] | Dimension | None


class Reader:
    """The summaries of one place as one actor reads them; remembers what it read."""

    def __init__(self, actor: Actor, *, prefix: str, code: str, rolled: bool, through: dt.date | None = None) -> None:
        self.actor, self.prefix, self.code, self.rolled = actor, prefix, code, rolled
        self._covers: dict[str, bool] = {}
        # the last month the snapshot rows hold (read when first needed, unless the caller knows it)
        self._through: tuple[dt.date] | None = None if through is None else (through,)
        self._beyond: dict[tuple[str, type[Model]], tuple[Q | None, Q | None]] = {}
        self._cube: dict[tuple[str, dt.date, dt.date, bool], dict[tuple[str, str], dict[str, int]]] = {}
        # per permission: (first month, last day, {figure: {month: n}}) of each run of months read
        self._months: dict[str, list[tuple[dt.date, dt.date, dict[str, dict[dt.date, int]]]]] = {}

    # -------------------------------------------------------------------------------------- where rows come from

    def covers(self, perm: str, code: str) -> bool:
        """Whether one posting's own reach holds every division of the place `code` ("": everything)."""
        key = f"{perm}:{code}"
        if key not in self._covers:
            self._covers[key] = any(
                scope == Scope.ALL
                or (
                    bool(code)
                    and scope == Scope.SUBTREE
                    and posting.division is not None
                    and in_subtree(code, posting.division.prefix)
                )
                for scope, posting in self.actor.scopes(perm)
            )
        return self._covers[key]

    def _from_rollup(self, perm: str) -> bool:
        return self.rolled and self.covers(perm, self.code)

    def _rows(self, perm: str, whole: Period) -> QuerySet:
        """The summary rows of the place in the months, as far as the actor reaches them by place."""
        if self._from_rollup(perm):
            return FigureRollup.objects.filter(place=self.prefix, month__gte=whole.start, month__lte=whole.end)
        return self._monthly_rows(perm, whole)

    def _monthly_rows(self, perm: str, whole: Period) -> QuerySet:
        """The monthly rows of the place's divisions in the months, as far as the actor reaches them by place."""
        qs = FigureMonthly.objects.filter(month__gte=whole.start, month__lte=whole.end)
        if self.prefix:
            qs = qs.filter(subtree_q(self.prefix, "division"))
        if self.covers(perm, self.code):
            return qs
        place = policy.place_q(self.actor, perm, FigureMonthly)
        return qs.filter(place) if place is not None else qs.none()

    @staticmethod
    def _codes(perm: str) -> list[str]:
        return [f.code for f in summarised() if f.perm == perm]

    def _together(self, perm: str) -> tuple[list[str], list[str]]:
        """The permissions whose figures are read in one statement with `perm`'s, and those figures' codes: every
        permission read from the place's roll-up rows, when `perm`'s are (the same rows whatever the
        permission); else `perm` alone."""
        perms = [perm]
        if self._from_rollup(perm):
            perms = sorted({f.perm for f in summarised() if self._from_rollup(f.perm)})
        return perms, [code for p in perms for code in self._codes(p)]

    def _cube_of(self, fig: FigureDef, whole: Period, *, flows: bool = False) -> dict[tuple[str, str], dict[str, int]]:
        """Every breakdown of the summarised figures read together with `fig`'s over the months, in one statement;
        `flows`: only the flows of the stocks (read from the first month on)."""
        span = (fig.perm, whole.start, whole.end, flows)
        if span not in self._cube:
            cube: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
            perms, codes = self._together(fig.perm)
            if flows:
                codes = [code for code in codes if code in stock_flows()]
            rows = self._rows(fig.perm, whole).filter(figure__in=codes).order_by()
            for code, dim, key, n in rows.values_list("figure", "dim", "key").annotate(_n=Sum("n")):
                cube[(code, dim)][key] = n
            for perm in perms:
                self._cube[(perm, whole.start, whole.end, flows)] = cube
        return self._cube[span]

    def _months_of(self, fig: FigureDef, whole: Period) -> dict[dt.date, int]:
        for start, end, months in self._months.get(fig.perm, []):
            if start <= whole.start and whole.end <= end:
                return {m: n for m, n in months.get(fig.code, {}).items() if whole.start <= m <= whole.end}
        self.prefetch_months(fig, [whole])
        return self._months_of(fig, whole)

    def prefetch_months(self, fig: FigureDef, periods: list[Period]) -> None:
        """Read the months of every summarised figure of `fig`'s permission over the periods' whole months at once
        (a year and the year before it: one statement)."""
        wholes = [w for w in (split(p)[0] for p in periods) if w is not None]
        if not wholes:
            return
        start, end = min(w.start for w in wholes), max(w.end for w in wholes)
        if any(s <= start and end <= e for s, e, _m in self._months.get(fig.perm, [])):
            return
        months: dict[str, dict[dt.date, int]] = defaultdict(dict)
        perms, codes = self._together(fig.perm)
        rows = self._rows(fig.perm, Period(start, end)).filter(figure__in=codes, dim="").order_by()
        for code, month, n in rows.values_list("figure", "month").annotate(_n=Sum("n")):
            months[code][month] = n
        for perm in perms:
            self._months.setdefault(perm, []).append((start, end, months))

    def _by_child(
        self, fig: FigureDef, whole: Period, children: tuple[str, ...], rolled: bool, grain: str = ""
    ) -> dict[str, int]:
        """The figure's whole months per child place (keyed by the child's scope prefix)."""
        if rolled and self.covers(fig.perm, self.code):
            rows = FigureRollup.objects.filter(
                place__in=children, month__gte=whole.start, month__lte=whole.end, figure=fig.code, dim=grain
            )
            return dict(rows.order_by().values_list("place").annotate(_n=Sum("n")))
        qs = self._monthly_rows(fig.perm, whole).filter(figure=fig.code, dim=grain).order_by()
        return _to_children(qs.values_list("division_id").annotate(_n=Sum("n")), children)

    def _remainder(self, fig: FigureDef, query: Query) -> QuerySet | None:
        """The figure's records the actor reaches beyond the place part (grants), or None."""
        assert fig.records is not None
        model = model_of(fig)
        key = (fig.perm, model)
        if key not in self._beyond:
            beyond = policy.beyond_place_q(self.actor, fig.perm, model)
            place = policy.place_q(self.actor, fig.perm, model) if beyond is not None else None
            self._beyond[key] = (beyond, place)
        beyond, place = self._beyond[key]
        if beyond is None:
            return None
        qs = fig.records(self.actor, query).filter(beyond)
        return qs.exclude(place) if place is not None else qs

    # -------------------------------------------------------------------------------------- values

    def counts(
        self, fig: FigureDef, query: Query, group: Group = None, *, children_rolled: bool = False
    ) -> dict[str, int]:
        """The figure's count (group None: {"": n}), by child place (keyed by prefix) or by a dimension's value.
        `children_rolled`: every child place has roll-up rows of its own."""
        assert query.prefix == self.prefix
        if fig.stock is not None:
            return self._stock(fig, query, group, children_rolled)
        if fig.snapshot:
            return self._snapshot(fig, query, group, children_rolled)
        whole, edges = split(query.period)
        grain = ""
        if fig.per_period:
            # Counted once per period: kept for a calendar month, quarter or year; any other period is counted
            # from the records.
            grain_of = kept_grain(query.period)
            if grain_of is None:
                assert fig.records is not None
                return _live(fig.records(self.actor, query), fig, group)
            grain = grain_of
        result: dict[str, int] = defaultdict(int)
        if whole is not None:
            if group is None:
                result[""] += self._cube_of(fig, whole).get((fig.code, grain), {}).get("", 0)
            elif isinstance(group, tuple):
                for k, n in self._by_child(fig, whole, group[1], children_rolled, grain).items():
                    result[k] += n
            else:
                for k, n in self._cube_of(fig, whole).get((fig.code, group.code), {}).items():
                    result[k] += n
            rest = self._remainder(fig, Query(query.prefix, whole))
            if rest is not None:
                for k, n in _live(rest, fig, group).items():
                    result[k] += n
        assert fig.records is not None
        for edge in edges:
            for k, n in _live(fig.records(self.actor, Query(query.prefix, edge)), fig, group).items():
                result[k] += n
        return dict(result)

    def _snapshot(self, fig: FigureDef, query: Query, group: Group, children_rolled: bool) -> dict[str, int]:
        """A snapshot figure: its row at the end of the period's last month, plus what the actor reaches beyond the
        place; a period that does not end on a month's last day, or ends after the last month kept, is counted from
        the records."""
        assert fig.records is not None
        end = query.period.end
        if self._through is None:
            # read where the rows are read (a replica may not hold the new month's rows yet)
            self._through = (snapshots_through(router.db_for_read(FigureSnapshotKept)) or EARLIEST,)
        if not month_last_day(end) or end.replace(day=1) > self._through[0]:
            return _live(fig.records(self.actor, query), fig, group)
        month = Period(end.replace(day=1), end)
        result = dict(self._kept(fig, month, group, children_rolled))  # a copy: the cube stays as read
        return self._with_remainder(fig, query, group, result)

    def _stock(self, fig: FigureDef, query: Query, group: Group, children_rolled: bool) -> dict[str, int]:
        """A stock at the period's end: its inflow's rows up to then less its outflow's, by the same breakdown
        (both flows count the same records by the same breakdowns), plus what the actor reaches beyond the place.
        A period that does not end on a month's last day is counted from the records."""
        assert fig.records is not None and fig.stock is not None
        end = query.period.end
        if not month_last_day(end):
            return _live(fig.records(self.actor, query), fig, group)
        upto = Period(EARLIEST, end)
        result: dict[str, int] = defaultdict(int)
        for code, sign in zip(fig.stock, (1, -1), strict=True):
            flow = catalogue.figure(code)
            assert flow is not None
            for k, n in self._kept(flow, upto, group, children_rolled, flows=True).items():
                result[k] += sign * n
        return self._with_remainder(fig, query, group, result)

    def _kept(
        self, fig: FigureDef, whole: Period, group: Group, children_rolled: bool, *, flows: bool = False
    ) -> dict[str, int]:
        """The figure's kept rows over the months, added up: its total, per child place or per breakdown value."""
        if group is None:
            return self._cube_of(fig, whole, flows=flows).get((fig.code, ""), {})
        if isinstance(group, tuple):
            return self._by_child(fig, whole, group[1], children_rolled)
        return self._cube_of(fig, whole, flows=flows).get((fig.code, group.code), {})

    def _with_remainder(self, fig: FigureDef, query: Query, group: Group, result: dict[str, int]) -> dict[str, int]:
        """`result` plus the figure's records the actor reaches beyond the place, without the zeros."""
        rest = self._remainder(fig, query)
        if rest is not None:
            for k, n in _live(rest, fig, group).items():
                result[k] = result.get(k, 0) + n
        return {k: n for k, n in result.items() if n}

    def totals(self, figs: list[FigureDef], query: Query) -> dict[str, int]:
        return {f.code: self.counts(f, query).get("", 0) for f in figs}

    def by_month(self, fig: FigureDef, period: Period) -> list[int]:
        """The figure month by month over the period (each calendar month it touches, clipped to it)."""
        whole, _edges = split(period)
        stored = self._months_of(fig, whole) if whole is not None else {}
        rest = self._remainder(fig, Query(self.prefix, whole)) if whole is not None else None
        rest_by_month: dict[dt.date, int] = {}
        if rest is not None and whole is not None:
            rows = (
                dated(fig, rest, whole.start, whole.end)
                .order_by()
                .annotate(_m=TruncMonth(fig.date_path))
                .values_list("_m")
            )
            for m, n in rows.annotate(_n=measure(fig)):
                month = month_of(m)
                if month is not None:
                    rest_by_month[month] = rest_by_month.get(month, 0) + (n or 0)
        assert fig.records is not None
        values = []
        for _label, s, e in period.months():
            month = s.replace(day=1)
            if whole is not None and whole.start <= s and e <= whole.end:
                values.append(stored.get(month, 0) + rest_by_month.get(month, 0))
            else:
                values.append(_live(fig.records(self.actor, Query(self.prefix, Period(s, e))), fig, None)[""])
        return values


@cache
def stock_flows() -> frozenset[str]:
    """The codes of the flows the stocks are read from."""
    return frozenset(code for f in catalogue.figures().values() if f.stock for code in f.stock)


def kept_grain(period: Period) -> str | None:
    """The summary rows that hold a figure counted once per period for this period: a calendar month's (""), a
    quarter's or a year's; None for any other period."""
    if period.start.day != 1 or not month_last_day(period.end):
        return None
    months = len(period.months())
    if months == 1:
        return ""
    if months == 3 and period.start.month in (1, 4, 7, 10):
        return QUARTER
    if months == 12 and period.start.month == 1:
        return YEAR
    return None


def _to_children(rows: Iterable[tuple[Any, int]], children: tuple[str, ...]) -> dict[str, int]:
    """Counts keyed by division added up per child place (by the tree, as the child's own drill-down counts)."""
    result: dict[str, int] = defaultdict(int)
    for division, n in rows:
        for child in children:
            if in_subtree(_norm(division), child):
                result[child] += n or 0
                break
    return dict(result)


def _live(qs: QuerySet, fig: FigureDef, group: Group) -> dict[str, int]:
    """The figure counted (or its amount added up) from its records, in the summary rows' terms."""
    qs = qs.order_by()
    if group is None:
        if fig.kind == "sum":
            return {"": qs.aggregate(_n=measure(fig))["_n"] or 0}
        return {"": qs.count()}
    if isinstance(group, tuple):
        column = _column(fig.division_path)
        return _to_children(qs.values_list(column).annotate(_n=measure(fig)), group[1])
    result: dict[str, int] = defaultdict(int)
    for k, n in qs.values_list(group.path).annotate(_n=measure(fig)):
        result[_norm(k)] += n or 0
    return result
