"""Summary tables of the figure catalogue: summarised figures counted per division, month and dimension.

- A figure marked `summary=True` is counted from its own records query (`figure.records(PLACE_ONLY, …)`),
  grouped by the records' division, the month of the figure's date and each breakdown's value, into
  `FigureMonthly`. Restricted records are not in it (they count only for those granted them).
- Writes: every save or delete of a source record (a module's `SUMMARY_SOURCES`: the case, its categories,
  actions, moves, team) marks the divisions and months it leaves and enters in `FigureDirty`, in the
  writer's own transaction; it costs the writer one look-up and one insert.
- Reads: `refresh()` recounts every marked division and month from the records and removes the marks (one
  at a time, under a lock), and runs before every read of the figures and every few minutes on the scheduler;
  so the summaries read are always exactly the records, whatever wrote them through the models.
- A read of a period takes whole months from the summary and counts partial months at its edges, and the
  records an actor reaches beyond the place (grants), from the records (`counts`, `by_month`).
- `manage.py figures_verify` recounts any place and period from the records and reports every difference;
  `--fix` recounts the summaries there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Model, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.db.models.signals import post_delete, post_save, pre_save

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import subtree_q

from . import figures as catalogue
from .figures.base import PLACE_ONLY, Dimension, FigureDef, Period, Query, to_date
from .models import FigureDirty, FigureMonthly

DB = "default"
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
# Above this many marked divisions a refresh recounts the marked months of every division.
MAX_MARKED_DIVISIONS = 400
LOCK_KEY = 1_301_301

Key = tuple[str, dt.date]  # (division code, first day of the month)


# ------------------------------------------------------------------------------------------- what is summarised


def summarised() -> list[FigureDef]:
    return [f for f in catalogue.figures().values() if f.summary and f.records is not None and f.date_path]


def model_of(fig: FigureDef) -> type[Model]:
    assert fig.records is not None
    return fig.records(PLACE_ONLY, Query("", Period(EARLIEST, EARLIEST))).model


def _column(path: str) -> str:
    return path if path.endswith("_id") else f"{path}_id"


@cache
def sources() -> dict[type[Model], tuple[type[Model], str]]:
    """Every model whose writes change a summary: model -> (the root record model, path from it to the root)."""
    result: dict[type[Model], tuple[type[Model], str]] = {}
    for name in catalogue.MODULE_FILES:
        mapping = getattr(import_module(f"{catalogue.__name__}.{name}"), "SUMMARY_SOURCES", {})
        roots = [m for m, path in mapping.items() if not path]
        for model, path in mapping.items():
            result[model] = (roots[0], path)
    return result


@cache
def root_fields(root: type[Model]) -> tuple[str, tuple[str, ...]]:
    """The division column and the date columns of a root record that place it in the summaries."""
    figs = [f for f in summarised() if model_of(f) is root]
    division = {_column(f.division_path) for f in figs}
    if len(division) != 1:
        raise ValueError(f"summarised figures of {root.__name__} disagree on the division")
    return division.pop(), tuple(sorted({f.date_path for f in figs}))


def month_of(value: object) -> dt.date | None:
    day = to_date(value)
    return day.replace(day=1) if day else None


def month_end(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - dt.timedelta(days=1)


# ------------------------------------------------------------------------------------------- marks left by writes


def _keys(division: str | None, dates: Iterable) -> set[Key]:
    if not division:
        return set()
    return {(division, m) for m in (month_of(d) for d in dates) if m is not None}


def _keys_from_db(root: type[Model], pk: object, using: str) -> set[Key]:
    division, dates = root_fields(root)
    row = root._base_manager.using(using).filter(pk=pk).values_list(division, *dates).first()
    return _keys(row[0], row[1:]) if row else set()


def _keys_of(root: type[Model], instance: Model) -> set[Key]:
    division, dates = root_fields(root)
    return _keys(getattr(instance, division), [getattr(instance, d) for d in dates])


def mark(keys: set[Key], using: str = DB) -> None:
    if keys:
        FigureDirty.objects.using(using).bulk_create([FigureDirty(division_code=d, month=m) for d, m in sorted(keys)])


def _root_pre_save(sender: type[Model], instance: Any, raw: bool = False, using: str = DB, **kwargs: Any) -> None:
    old: set[Key] = set()
    if not raw and not instance._state.adding and instance.pk is not None:
        old = _keys_from_db(sender, instance.pk, using)
    instance._summary_keys_before = old


def _root_post_save(sender: type[Model], instance: Any, raw: bool = False, using: str = DB, **kwargs: Any) -> None:
    if raw:
        return
    mark(getattr(instance, "_summary_keys_before", set()) | _keys_of(sender, instance), using)


def _root_post_delete(sender: type[Model], instance: Any, using: str = DB, **kwargs: Any) -> None:
    mark(_keys_of(sender, instance), using)


def _child_changed(sender: type[Model], instance: Any, raw: bool = False, using: str = DB, **kwargs: Any) -> None:
    if raw:
        return
    root, path = sources()[sender]
    mark(_keys_from_db(root, getattr(instance, _column(path)), using), using)


def connect() -> None:
    """Called from the app's ready(): writes to the source models mark what they change."""
    for model, (_root, path) in sources().items():
        uid = f"reports-summary-{model._meta.label}"
        if path:
            post_save.connect(_child_changed, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(_child_changed, sender=model, dispatch_uid=uid + "-delete", weak=False)
        else:
            pre_save.connect(_root_pre_save, sender=model, dispatch_uid=uid + "-pre", weak=False)
            post_save.connect(_root_post_save, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(_root_post_delete, sender=model, dispatch_uid=uid + "-delete", weak=False)


# ------------------------------------------------------------------------------------------- counting


Row = tuple[str, str, dt.date, str, str]  # (figure, division, month, dim, key)


def _norm(value: object) -> str:
    return "" if value is None else str(value)


def fresh_rows(
    fig: FigureDef,
    *,
    prefix: str = "",
    start: dt.date = EARLIEST,
    end: dt.date = LATEST,
    divisions: set[str] | None = None,
    using: str = DB,
) -> dict[Row, int]:
    """The figure's summary rows counted now from its records, for a place, whole months and divisions."""
    assert fig.records is not None
    column = _column(fig.division_path)
    qs = fig.records(PLACE_ONLY, Query(prefix, Period(start, end))).using(using).order_by()
    if divisions is not None:
        qs = qs.filter(**{f"{column}__in": sorted(divisions)})
    qs = qs.annotate(_month=TruncMonth(fig.date_path))
    rows: dict[Row, int] = {}
    dims: list[Dimension | None] = [None, *(d for d in fig.dimensions if d.code != "division")]
    for dim in dims:
        cols = [column, "_month"] + ([dim.path] if dim else [])
        for values in qs.values_list(*cols).annotate(_n=Count("pk", distinct=True)):
            month = month_of(values[1])
            assert month is not None
            key = (fig.code, values[0], month, dim.code if dim else "", _norm(values[2]) if dim else "")
            rows[key] = rows.get(key, 0) + values[-1]
    return rows


def stored_rows(
    fig: FigureDef,
    *,
    prefix: str = "",
    start: dt.date = EARLIEST,
    end: dt.date = LATEST,
    divisions: set[str] | None = None,
    using: str = DB,
) -> dict[Row, int]:
    qs = _stored(fig, prefix=prefix, start=start, end=end, divisions=divisions, using=using)
    return {
        (fig.code, d, m, dim, key): n for d, m, dim, key, n in qs.values_list("division_id", "month", "dim", "key", "n")
    }


def _stored(
    fig: FigureDef, *, prefix: str, start: dt.date, end: dt.date, divisions: set[str] | None, using: str
) -> QuerySet:
    qs = FigureMonthly.objects.using(using).filter(figure=fig.code, month__gte=start.replace(day=1), month__lte=end)
    if prefix:
        qs = qs.filter(subtree_q(prefix, "division"))
    if divisions is not None:
        qs = qs.filter(division_id__in=sorted(divisions))
    return qs


def recount(
    *,
    prefix: str = "",
    start: dt.date = EARLIEST,
    end: dt.date = LATEST,
    divisions: set[str] | None = None,
    using: str = DB,
) -> int:
    """Replace the summary rows of a place, a run of whole months and (optionally) some divisions by a fresh
    count from the records. Returns the number of rows written."""
    written = 0
    with transaction.atomic(using=using):
        for fig in summarised():
            rows = fresh_rows(fig, prefix=prefix, start=start, end=end, divisions=divisions, using=using)
            _stored(fig, prefix=prefix, start=start, end=end, divisions=divisions, using=using).delete()
            FigureMonthly.objects.using(using).bulk_create(
                [
                    FigureMonthly(figure=f, division_id=d, month=m, dim=dim, key=key, n=n)
                    for (f, d, m, dim, key), n in rows.items()
                    if n
                ],
                batch_size=2000,
            )
            written += len(rows)
    return written


def _lock(using: str) -> None:
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def refresh(using: str = DB) -> int:
    """Fold in every pending mark: recount the marked divisions' marked months. Returns the marks folded."""
    if not FigureDirty.objects.using(using).exists():
        return 0
    with transaction.atomic(using=using):
        _lock(using)
        marks = list(FigureDirty.objects.using(using).values_list("pk", "division_code", "month"))
        if not marks:
            return 0
        divisions: set[str] | None = {d for _, d, _ in marks}
        months = [m for _, _, m in marks]
        if divisions is not None and len(divisions) > MAX_MARKED_DIVISIONS:
            divisions = None
        recount(start=min(months), end=month_end(max(months)), divisions=divisions, using=using)
        ids = [pk for pk, _, _ in marks]
        for i in range(0, len(ids), 900):
            FigureDirty.objects.using(using).filter(pk__in=ids[i : i + 900]).delete()
    return len(marks)


def rebuild(using: str = DB) -> int:
    """Recount every summary from the records (after data was loaded around the models, e.g. a restore)."""
    with transaction.atomic(using=using):
        _lock(using)
        FigureDirty.objects.using(using).all().delete()
        FigureMonthly.objects.using(using).all().delete()
        return recount(using=using)


# ------------------------------------------------------------------------------------------- reading


def split(period: Period) -> tuple[Period | None, list[Period]]:
    """The run of whole months inside the period (read from the summary) and the partial months at its edges
    (counted from the records)."""
    first = period.start if period.start.day == 1 else month_end(period.start) + dt.timedelta(days=1)
    last_month = period.end.replace(day=1)
    last = period.end if period.end == month_end(last_month) else last_month - dt.timedelta(days=1)
    if first > last:
        return None, [period]
    edges = []
    if period.start < first:
        edges.append(Period(period.start, first - dt.timedelta(days=1)))
    if last < period.end:
        edges.append(Period(last + dt.timedelta(days=1), period.end))
    return Period(first, last), edges


Group = tuple[str, int] | Dimension | None  # None: the total; ("division", width): by child place


def _remainder(actor: Actor, fig: FigureDef, query: Query) -> QuerySet | None:
    """The figure's records the actor reaches beyond the summarised place part (grants), or None."""
    assert fig.records is not None
    model = model_of(fig)
    beyond = policy.beyond_place_q(actor, fig.perm, model)
    if beyond is None:
        return None
    qs = fig.records(actor, query).filter(beyond)
    place = policy.place_q(actor, fig.perm, model)
    return qs.exclude(place) if place is not None else qs


def _live(qs: QuerySet, fig: FigureDef, group: Group) -> dict[str, int]:
    qs = qs.order_by()
    if group is None:
        return {"": qs.count()}
    if isinstance(group, tuple):
        column = _column(fig.division_path)
        rows = qs.annotate(_k=Substr(column, 1, group[1])).values_list("_k").annotate(_n=Count("pk", distinct=True))
    else:
        rows = qs.values_list(group.path).annotate(_n=Count("pk", distinct=True))
    result: dict[str, int] = defaultdict(int)
    for k, n in rows:
        result[_norm(k)] += n
    return result


def _place_rows(actor: Actor, fig: FigureDef, prefix: str, whole: Period) -> QuerySet:
    """Summary rows of the figure in the place, the months and the actor's reach by place."""
    place = policy.place_q(actor, fig.perm, FigureMonthly)
    qs = FigureMonthly.objects.filter(month__gte=whole.start, month__lte=whole.end)
    if prefix:
        qs = qs.filter(subtree_q(prefix, "division"))
    return qs.filter(place) if place is not None else qs.none()


def counts(actor: Actor, fig: FigureDef, query: Query, group: Group = None) -> dict[str, int]:
    """The figure's count (group None: {"": n}) or its counts by child place or by a dimension's value."""
    whole, edges = split(query.period)
    result: dict[str, int] = defaultdict(int)
    if whole is not None:
        qs = _place_rows(actor, fig, query.prefix, whole).filter(figure=fig.code)
        if group is None:
            result[""] += qs.filter(dim="").aggregate(n=Sum("n"))["n"] or 0
        elif isinstance(group, tuple):
            rows = qs.filter(dim="").annotate(_k=Substr("division_id", 1, group[1])).values_list("_k")
            for k, n in rows.annotate(_n=Sum("n")):
                result[k] += n
        else:
            for k, n in qs.filter(dim=group.code).values_list("key").annotate(_n=Sum("n")):
                result[k] += n
        rest = _remainder(actor, fig, Query(query.prefix, whole))
        if rest is not None:
            for k, n in _live(rest, fig, group).items():
                result[k] += n
    assert fig.records is not None
    for edge in edges:
        for k, n in _live(fig.records(actor, Query(query.prefix, edge)), fig, group).items():
            result[k] += n
    return dict(result)


def totals(actor: Actor, figs: list[FigureDef], query: Query) -> dict[str, int]:
    """The counts of several summarised figures at once (one read of the summary for all of them)."""
    whole, edges = split(query.period)
    result: dict[str, int] = dict.fromkeys((f.code for f in figs), 0)
    if whole is not None and figs:
        by_perm: dict[str, list[str]] = defaultdict(list)
        for f in figs:
            by_perm[f.perm].append(f.code)
        for perm_figs in by_perm.values():
            fig0 = next(f for f in figs if f.code == perm_figs[0])
            rows = _place_rows(actor, fig0, query.prefix, whole).filter(figure__in=perm_figs, dim="")
            for code, n in rows.values_list("figure").annotate(_n=Sum("n")):
                result[code] += n
    for f in figs:
        extra = 0
        if whole is not None:
            rest = _remainder(actor, f, Query(query.prefix, whole))
            extra += rest.order_by().count() if rest is not None else 0
        assert f.records is not None
        for edge in edges:
            extra += f.records(actor, Query(query.prefix, edge)).order_by().count()
        result[f.code] += extra
    return result


def by_month(actor: Actor, fig: FigureDef, prefix: str, period: Period) -> list[int]:
    """The figure month by month over the period (each calendar month it touches, clipped to it)."""
    values = []
    whole, _edges = split(period)
    stored: dict[dt.date, int] = {}
    if whole is not None:
        rows = _place_rows(actor, fig, prefix, whole).filter(figure=fig.code, dim="")
        stored = dict(rows.values_list("month").annotate(_n=Sum("n")))
    assert fig.records is not None
    rest = _remainder(actor, fig, Query(prefix, whole)) if whole is not None else None
    rest_by_month: dict[dt.date, int] = {}
    if rest is not None:
        rest_by_month = {m: n for m, n in _live_by_month(rest, fig) if m is not None}
    for _label, s, e in period.months():
        month = s.replace(day=1)
        if whole is not None and whole.start <= s and e <= whole.end:
            values.append(stored.get(month, 0) + rest_by_month.get(month, 0))
        else:
            values.append(fig.records(actor, Query(prefix, Period(s, e))).order_by().count())
    return values


def _live_by_month(qs: QuerySet, fig: FigureDef) -> list[tuple[dt.date | None, int]]:
    rows = (
        qs.order_by().annotate(_m=TruncMonth(fig.date_path)).values_list("_m").annotate(_n=Count("pk", distinct=True))
    )
    return [(month_of(m), n) for m, n in rows]


def applies(fig: FigureDef) -> bool:
    return fig.summary and fig.records is not None and bool(fig.date_path) and not fig.citywide


__all__ = [
    "applies",
    "by_month",
    "connect",
    "counts",
    "verify",
    "fresh_rows",
    "mark",
    "rebuild",
    "recount",
    "refresh",
    "split",
    "stored_rows",
    "summarised",
    "totals",
]


# ------------------------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Difference:
    figure: FigureDef
    division: str  # "" for the figure's total over the place
    month: dt.date | None
    dim: str
    key: str
    stored: int
    counted: int

    def describe(self, names: dict[str, str]) -> str:
        where = names.get(self.division, self.division) if self.division else "全部所选区划"
        when = f"{self.month.year}年{self.month.month}月" if self.month else "所选月份合计"
        by = ""
        if self.dim:
            dim = next((d for d in self.figure.dimensions if d.code == self.dim), None)
            label = dim.labels().get(self.key, self.key) if dim else self.key
            by = f"，按{dim.label if dim else self.dim}“{label or '未填写'}”"
        return (
            f"{self.figure.label}（{self.figure.code}）{where} {when}{by}："
            f"汇总表 {self.stored}，按记录重算 {self.counted}"
        )


def verify(*, prefix: str = "", start: dt.date = EARLIEST, end: dt.date = LATEST, using: str = DB) -> tuple[int, list]:
    """Recount the summarised figures of a place and a run of whole months from the records and compare them
    with the summary table, row by row and in total (each figure's own records query, counted plainly).
    Returns (the number of values compared, the differences)."""
    start, end = start.replace(day=1), month_end(end.replace(day=1))
    compared, differences = 0, []
    for fig in summarised():
        stored = stored_rows(fig, prefix=prefix, start=start, end=end, using=using)
        fresh = fresh_rows(fig, prefix=prefix, start=start, end=end, using=using)
        for row in sorted(set(stored) | set(fresh), key=lambda r: (r[1], r[2], r[3], r[4])):
            compared += 1
            if stored.get(row, 0) != fresh.get(row, 0):
                _f, division, month, dim, key = row
                differences.append(Difference(fig, division, month, dim, key, stored.get(row, 0), fresh.get(row, 0)))
        assert fig.records is not None
        counted = fig.records(PLACE_ONLY, Query(prefix, Period(start, end))).using(using).order_by().count()
        total = sum(n for (_f, _d, _m, dim, _k), n in stored.items() if dim == "")
        compared += 1
        if counted != total:
            differences.append(Difference(fig, "", None, "", "", total, counted))
    return compared, differences
