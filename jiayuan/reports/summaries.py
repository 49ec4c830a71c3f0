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
- Roll-ups: the same rows added up over each whole street, district, the city and everything (`FigureRollup`, keyed by
  the place's scope prefix). Every recount adds its differences to the places above the divisions it
  recounted, in the same transaction; a district's or the city's dashboard reads these few rows.
- First use: the earliest dated record of a summarised module per division (`FigureFirstUse`), recounted for
  the marked divisions by the same refresh; "was the module in use in this period" reads it.
- A read of a period takes whole months from the summary and counts partial months at its edges, and the
  records an actor reaches beyond the place (grants), from the records (`summary_reads.Reader`).
- `manage.py figures_verify` recounts any place and period from the records and reports every difference in
  the monthly rows, the roll-ups and the first days of use (`summary_verify`); `--fix` recounts them there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import import_module
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Min, Model, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.utils import timezone

from jiayuan.divisions.codes import in_subtree
from jiayuan.divisions.models import Division, Level, subtree_q

from . import figures as catalogue
from .figures.base import PLACE_ONLY, Dimension, FigureDef, Period, Query, date_range_q, to_date
from .figures.common import FirstDay
from .models import FigureDirty, FigureFirstUse, FigureMonthly, FigureRollup, FigureSnapshotKept

DB = "default"
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
# Above this many marked divisions a refresh recounts the marked months of every division.
MAX_MARKED_DIVISIONS = 400
LOCK_KEY = 1_301_301

Key = tuple[str, dt.date]  # (division code, first day of the month)
# The `dim` of the rows that count a figure counted once per period over a quarter or a year.
QUARTER, YEAR = "@quarter", "@year"


# ------------------------------------------------------------------------------------------- what is summarised


def summarised() -> list[FigureDef]:
    return [
        f for f in catalogue.figures().values() if f.summary and f.records is not None and (f.date_path or f.snapshot)
    ]


def snapshots() -> list[FigureDef]:
    return [f for f in summarised() if f.snapshot]


_MODELS: dict[str, type[Model]] = {}


def model_of(fig: FigureDef) -> type[Model]:
    if fig.code not in _MODELS:
        assert fig.records is not None
        _MODELS[fig.code] = fig.records(PLACE_ONLY, Query("", Period(EARLIEST, EARLIEST))).model
    return _MODELS[fig.code]


def _column(path: str) -> str:
    return path if path.endswith("_id") else f"{path}_id"


@cache
def sources() -> dict[type[Model], tuple[type[Model], str]]:
    """Every model whose writes change a summary: model -> (the root record model, path from it to the root)."""
    result: dict[type[Model], tuple[type[Model], str]] = {}
    for name in catalogue.MODULE_FILES:
        module = import_module(f"{catalogue.__name__}.{name}")
        mapping = getattr(module, "SUMMARY_SOURCES", {})
        for model, path in mapping.items():
            root = model._meta.get_field(path).related_model if path else model
            assert isinstance(root, type) and mapping.get(root) == "", f"{model.__name__}: {path} is not a root"
            result[model] = (root, path)
    return result


def _m2m_paths(root: type[Model]) -> list[str]:
    """The many-to-many fields of a root record its summarised figures are broken down by (a register entry's
    types): changing them changes the summaries as a save does."""
    paths = {d.path.split("__")[0] for f in summarised() if model_of(f) is root for d in f.dimensions}
    return sorted(p for p in paths if any(m.name == p for m in root._meta.many_to_many))


@cache
def links() -> dict[type[Model], tuple[type[Model], str]]:
    """Models whose writes change a root's figures without touching it: model -> (root, the root's field that
    points at the written row or at what it points to), e.g. a person and her plan -> her register entries."""
    result: dict[type[Model], tuple[type[Model], str]] = {}
    for name in catalogue.MODULE_FILES:
        result.update(getattr(import_module(f"{catalogue.__name__}.{name}"), "SUMMARY_LINKS", {}))
    return result


@cache
def root_fields(root: type[Model]) -> tuple[str, tuple[str, ...]]:
    """The division column and the date columns of a root record that place it in the summaries."""
    figs = [f for f in summarised() if model_of(f) is root]
    division = {_column(f.division_path) for f in figs}
    if len(division) != 1:
        raise ValueError(f"summarised figures of {root.__name__} disagree on the division")
    return division.pop(), tuple(sorted({f.date_path for f in figs if f.date_path}))


def kept_first_days() -> dict[str, FirstDay]:
    """{module: its first day of use} for the modules whose first days the summaries keep per division: those
    dated on the root record of their summarised figures, on the same division column the marks follow."""
    roots = {root for root, _path in sources().values()}
    kept = {}
    for code, mod in catalogue.modules().items():
        first = mod.first_use
        if isinstance(first, FirstDay) and first.model in roots and first.division_path:
            if _column(first.division_path) == root_fields(first.model)[0]:
                kept[code] = first
    return kept


def month_of(value: object) -> dt.date | None:
    day = to_date(value)
    return day.replace(day=1) if day else None


def month_end(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - dt.timedelta(days=1)


def month_last_day(day: dt.date) -> bool:
    return day == month_end(day.replace(day=1))


# ------------------------------------------------------------------------------------------- marks left by writes


def _keys(division: str | None, dates: Iterable) -> set[Key]:
    if not division:
        return set()
    return {(division, m) for m in (month_of(d) for d in dates) if m is not None}


def _keys_from_db(root: type[Model], pk: object, using: str) -> set[Key]:
    """The divisions and months a stored root record counts in (one row per related dated row, if any)."""
    division, dates = root_fields(root)
    keys: set[Key] = set()
    for row in root._base_manager.using(using).filter(pk=pk).values_list(division, *dates):
        keys |= _keys(row[0], row[1:])
    return keys


def _keys_of(root: type[Model], instance: Model, using: str) -> set[Key]:
    """The divisions and months a root record being written counts in: its own dates as it stands, and the
    dates of its related rows (a case's actions) as stored."""
    division, dates = root_fields(root)
    own = [d for d in dates if "__" not in d]
    keys = _keys(getattr(instance, division), [getattr(instance, d) for d in own])
    related = [d for d in dates if "__" in d]
    if related and instance.pk is not None:
        for row in root._base_manager.using(using).filter(pk=instance.pk).values_list(*related):
            keys |= _keys(getattr(instance, division), row)
    return keys


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
    mark(getattr(instance, "_summary_keys_before", set()) | _keys_of(sender, instance, using), using)


def _root_pre_delete(sender: type[Model], instance: Any, using: str = DB, **kwargs: Any) -> None:
    mark(_keys_of(sender, instance, using), using)


def _child_keys(sender: type[Model], instance: Any, using: str) -> set[Key]:
    root, path = sources()[sender]
    root_id = getattr(instance, _column(path))
    return _keys_from_db(root, root_id, using) if root_id is not None else set()


def _child_pre_save(sender: type[Model], instance: Any, raw: bool = False, using: str = DB, **kwargs: Any) -> None:
    """Before a related row changes: the months it counted in as stored (its root may have moved, its date
    changed)."""
    old: set[Key] = set()
    if not raw and not instance._state.adding and instance.pk is not None:
        stored = sender._base_manager.using(using).filter(pk=instance.pk).first()
        if stored is not None:
            old = _child_keys(sender, stored, using)
    instance._summary_keys_before = old


def _child_post_save(sender: type[Model], instance: Any, raw: bool = False, using: str = DB, **kwargs: Any) -> None:
    if raw:
        return
    mark(getattr(instance, "_summary_keys_before", set()) | _child_keys(sender, instance, using), using)


def _child_pre_delete(sender: type[Model], instance: Any, using: str = DB, **kwargs: Any) -> None:
    mark(_child_keys(sender, instance, using), using)


def _linked_keys(sender: type[Model], instance: Any, using: str) -> set[Key]:
    """The months of every root record a linked row bears on (a person's register entries, for her or her plan)."""
    root, field = links()[sender]
    target = root._meta.get_field(field).related_model
    value = instance.pk if isinstance(instance, target) else getattr(instance, _column(field))  # type: ignore[arg-type]
    if value is None:
        return set()
    division, dates = root_fields(root)
    keys: set[Key] = set()
    for row in root._base_manager.using(using).filter(**{_column(field): value}).values_list(division, *dates):
        keys |= _keys(row[0], row[1:])
    return keys


def _linked_changed(sender: type[Model], instance: Any, raw: bool = False, using: str = DB, **kwargs: Any) -> None:
    if not raw:
        mark(_linked_keys(sender, instance, using), using)


def _m2m_changed(
    sender: type[Model], instance: Any, action: str, reverse: bool, using: str = DB, **kwargs: Any
) -> None:
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        mark(_keys_of(type(instance), instance, using), using)


def connect() -> None:
    """Called from the app's ready(): writes to the source models mark what they change (before a delete, while
    the rows it counted in can still be read)."""
    for model in links():
        uid = f"reports-summary-link-{model._meta.label}"
        post_save.connect(_linked_changed, sender=model, dispatch_uid=uid + "-save", weak=False)
        pre_delete.connect(_linked_changed, sender=model, dispatch_uid=uid + "-delete", weak=False)
    for model, (_root, path) in sources().items():
        uid = f"reports-summary-{model._meta.label}"
        if not path:
            for name in _m2m_paths(model):
                through = model._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
                m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}-{name}", weak=False)
        if path:
            pre_save.connect(_child_pre_save, sender=model, dispatch_uid=uid + "-pre", weak=False)
            post_save.connect(_child_post_save, sender=model, dispatch_uid=uid + "-save", weak=False)
            pre_delete.connect(_child_pre_delete, sender=model, dispatch_uid=uid + "-delete", weak=False)
        else:
            pre_save.connect(_root_pre_save, sender=model, dispatch_uid=uid + "-pre", weak=False)
            post_save.connect(_root_post_save, sender=model, dispatch_uid=uid + "-save", weak=False)
            pre_delete.connect(_root_pre_delete, sender=model, dispatch_uid=uid + "-delete", weak=False)


# ------------------------------------------------------------------------------------------- counting


Row = tuple[str, str, dt.date, str, str]  # (figure, division or place, month, dim, key)
# The levels whose places are also kept whole (`FigureRollup`), besides everything ("").
ROLLUP_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET)


def _norm(value: object) -> str:
    return "" if value is None else str(value)


def rolled_up(level: str, prefix: str) -> bool:
    """Whether a place of this level (and scope prefix) has its own rows in the roll-up table."""
    return prefix == "" or level in ROLLUP_LEVELS


def rollup_places(using: str = DB) -> dict[str, str]:
    """{scope prefix: division code} of every place kept whole ("": everything)."""
    rows = Division.objects.using(using).filter(level__in=ROLLUP_LEVELS).values_list("prefix", "code")
    return {"": "", **dict(rows)}


class _Placer:
    """The roll-up places a division's rows add to (by the tree, as `subtree_q` counts a place)."""

    def __init__(self, places: dict[str, str]) -> None:
        self.places = places
        self._of: dict[str, list[str]] = {}

    def __call__(self, division: str) -> list[str]:
        if division not in self._of:
            self._of[division] = [p for p in self.places if in_subtree(division, p)]
        return self._of[division]


def fresh_rows(
    fig: FigureDef,
    *,
    prefix: str = "",
    start: dt.date = EARLIEST,
    end: dt.date = LATEST,
    divisions: set[str] | None = None,
    using: str = DB,
) -> dict[Row, int]:
    """The figure's summary rows counted now from its records, for a place, whole months (whole years for a
    figure counted once per period) and divisions."""
    assert fig.records is not None
    start, end = span(fig, start, end)
    if fig.snapshot:
        return _snapshot_rows(fig, prefix=prefix, start=start, end=end, divisions=divisions, using=using)
    column = _column(fig.division_path)
    qs = fig.records(PLACE_ONLY, Query(prefix, Period(start, end))).using(using).order_by()
    if divisions is not None:
        qs = qs.filter(**{f"{column}__in": sorted(divisions)})
    qs = dated(fig, qs, start, end)
    rows: dict[Row, int] = {}
    dims: list[Dimension | None] = [None, *(d for d in fig.dimensions if d.code != "division")]
    grains = GRAINS if fig.per_period else GRAINS[:1]
    if fig.per_period and len(dims) > 1:
        raise ValueError(f"{fig.code}: a figure counted once per period is broken down by place only")
    for grain, trunc in grains:
        by = qs.annotate(_month=trunc(fig.date_path))
        for dim in dims:
            cols = [column, "_month"] + ([dim.path] if dim else [])
            for values in by.values_list(*cols).annotate(_n=measure(fig)):
                if not values[-1]:
                    continue
                month = month_of(values[1])
                assert month is not None
                key = (fig.code, values[0], month, dim.code if dim else grain, _norm(values[2]) if dim else "")
                rows[key] = rows.get(key, 0) + values[-1]
    return rows


def measure(fig: FigureDef) -> Any:
    """What a summary row holds for the figure: its records counted, or (a sum) their amount added up (whole
    numbers: minutes, 人次, shown divided by the figure's `divide`)."""
    return Sum(fig.amount) if fig.kind == "sum" else Count("pk", distinct=True)


# The periods a figure counted once per period keeps apart: (the rows' `dim`, the month function). A month's
# rows carry no `dim`; a quarter's and a year's are dated by their first month.
GRAINS = (("", TruncMonth), (QUARTER, TruncQuarter), (YEAR, TruncYear))


def span(fig: FigureDef, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The months a recount of [start, end] covers: whole years for a figure counted once per period (a month's
    change changes its quarter's and year's counts); for a snapshot, every month's end from the start up to the
    current month (a change stands at every month's end after it)."""
    if fig.snapshot:
        return start, month_end(current_month())
    if not fig.per_period:
        return start, end
    return start.replace(month=1, day=1), end.replace(month=12, day=31)


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _snapshot_rows(
    fig: FigureDef, *, prefix: str, start: dt.date, end: dt.date, divisions: set[str] | None, using: str
) -> dict[Row, int]:
    """A snapshot figure's rows: its records at each month's end in [start, end] (from the month of the root's
    first record), per division and breakdown value."""
    assert fig.records is not None
    root = model_of(fig)
    column = _column(fig.division_path)
    firsts = root._base_manager.using(using).aggregate(**{d: Min(d) for d in root_fields(root)[1]})
    months = [m for m in (month_of(v) for v in firsts.values()) if m is not None]
    first = min(months, default=None)
    if first is None:
        return {}
    rows: dict[Row, int] = {}
    month = max(start.replace(day=1), first)
    dims: list[Dimension | None] = [None, *(d for d in fig.dimensions if d.code != "division")]
    while month <= end:
        last = month_end(month)
        qs = fig.records(PLACE_ONLY, Query(prefix, Period(last, last))).using(using).order_by()
        if divisions is not None:
            qs = qs.filter(**{f"{column}__in": sorted(divisions)})
        for dim in dims:
            cols = [column] + ([dim.path] if dim else [])
            for values in qs.values_list(*cols).annotate(_n=Count("pk", distinct=True)):
                key = (fig.code, values[0], month, dim.code if dim else "", _norm(values[1]) if dim else "")
                rows[key] = rows.get(key, 0) + values[-1]
        month = last + dt.timedelta(days=1)
    return rows


def dated(fig: FigureDef, qs: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """The records with the dated rows that place them in [start, end] joined, for a date on related rows: a
    case's actions of the figure's kind in the period (so that the month of each is counted)."""
    if fig.date_join is None:
        return qs
    return qs.filter(fig.date_join & date_range_q(fig.date_path, start, end, is_datetime=fig.date_is_datetime))


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
    start, end = span(fig, start, end)
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
    roll: bool = True,
    figures: list[FigureDef] | None = None,
) -> int:
    """Replace the summary rows of a place, a run of whole months and (optionally) some divisions by a fresh
    count from the records, and add the differences to the roll-ups of the places above them (`roll`).
    Returns the number of rows written."""
    written = 0
    changes: dict[Row, int] = defaultdict(int)
    with transaction.atomic(using=using):
        for fig in summarised() if figures is None else figures:
            rows = fresh_rows(fig, prefix=prefix, start=start, end=end, divisions=divisions, using=using)
            old = _stored(fig, prefix=prefix, start=start, end=end, divisions=divisions, using=using)
            if roll:
                for d, m, dim, key, n in old.values_list("division_id", "month", "dim", "key", "n"):
                    changes[(fig.code, d, m, dim, key)] -= n
                for row, n in rows.items():
                    changes[row] += n
            old.delete()
            FigureMonthly.objects.using(using).bulk_create(
                [
                    FigureMonthly(figure=f, division_id=d, month=m, dim=dim, key=key, n=n)
                    for (f, d, m, dim, key), n in rows.items()
                    if n
                ],
                batch_size=2000,
            )
            written += len(rows)
        if roll:
            _roll(changes, using)
    return written


def _roll(changes: dict[Row, int], using: str) -> None:
    """Add the monthly rows' differences to the roll-up rows of every place above their divisions. A roll-up
    row that would go below zero was not the sum of its monthly rows: those places and months are recounted."""
    placer = _Placer(rollup_places(using))
    add: dict[Row, int] = defaultdict(int)  # (figure, place, month, dim, key)
    for (fig, division, month, dim, key), n in changes.items():
        if n:
            for place in placer(division):
                add[(fig, place, month, dim, key)] += n
    add = {row: n for row, n in add.items() if n}
    if not add:
        return
    places, months = {r[1] for r in add}, {r[2] for r in add}
    existing = {
        (f, p, m, dim, key): (pk, n)
        for pk, f, p, m, dim, key, n in FigureRollup.objects.using(using)
        .filter(place__in=places, month__in=months, figure__in={r[0] for r in add})
        .values_list("pk", "figure", "place", "month", "dim", "key", "n")
    }
    updates, gone, new = [], [], []
    for row, n in add.items():
        pk, before = existing.get(row, (None, 0))
        after = before + n
        if after < 0:
            rollup_recount(places=places, start=min(months), end=month_end(max(months)), using=using)
            return
        if pk is None:
            new.append(FigureRollup(figure=row[0], place=row[1], month=row[2], dim=row[3], key=row[4], n=after))
        elif after:
            updates.append(FigureRollup(pk=pk, n=after))
        else:
            gone.append(pk)
    manager = FigureRollup.objects.using(using)
    manager.bulk_update(updates, ["n"], batch_size=2000)
    for i in range(0, len(gone), 900):
        manager.filter(pk__in=gone[i : i + 900]).delete()
    manager.bulk_create(new, batch_size=2000)


def rollup_recount(
    *, places: Iterable[str] | None = None, start: dt.date = EARLIEST, end: dt.date = LATEST, using: str = DB
) -> int:
    """Recount the roll-up rows of some places (all by default) and a run of whole months from the monthly
    rows. Returns the number of rows written."""
    known = rollup_places(using)
    written = 0
    with transaction.atomic(using=using):
        for place in sorted(known if places is None else set(places) & set(known)):
            FigureRollup.objects.using(using).filter(place=place, month__gte=start, month__lte=end).delete()
            qs = FigureMonthly.objects.using(using).filter(month__gte=start, month__lte=end)
            if place:
                qs = qs.filter(subtree_q(place, "division"))
            rows = qs.order_by().values_list("figure", "month", "dim", "key").annotate(_n=Sum("n"))
            made = [FigureRollup(figure=f, place=place, month=m, dim=dim, key=key, n=n) for f, m, dim, key, n in rows]
            FigureRollup.objects.using(using).bulk_create([r for r in made if r.n], batch_size=2000)
            written += len(made)
    return written


def first_days(
    first: FirstDay, *, prefix: str = "", divisions: set[str] | None = None, using: str = DB
) -> dict[str, dt.date]:
    """{division: the day of its earliest record} counted now from a module's records."""
    column = _column(first.division_path or "division")
    qs = first.model._default_manager.using(using).order_by()
    if prefix:
        qs = qs.filter(subtree_q(prefix, column))
    if divisions is not None:
        qs = qs.filter(**{f"{column}__in": sorted(divisions)})
    rows = qs.values_list(column).annotate(_first=Min(first.date_path))
    return {d: day for d, day in ((d, to_date(v)) for d, v in rows) if day is not None}


def first_use_recount(*, prefix: str = "", divisions: set[str] | None = None, using: str = DB) -> int:
    """Recount the first days of use of the kept modules in a place (or some divisions) from the records."""
    written = 0
    with transaction.atomic(using=using):
        for module, first in kept_first_days().items():
            days = first_days(first, prefix=prefix, divisions=divisions, using=using)
            old = FigureFirstUse.objects.using(using).filter(module=module)
            if prefix:
                old = old.filter(subtree_q(prefix, "division"))
            if divisions is not None:
                old = old.filter(division_id__in=sorted(divisions))
            old.delete()
            FigureFirstUse.objects.using(using).bulk_create(
                [FigureFirstUse(module=module, division_id=d, first=day) for d, day in days.items()], batch_size=2000
            )
            written += len(days)
    return written


def first_use_query(module: str, prefix: str) -> QuerySet:
    """The one-value query of a kept module's first day of use in the place's federation (from the kept days)."""
    place = kept_first_days()[module].place(prefix)
    qs = FigureFirstUse.objects.filter(module=module).order_by()
    if place:
        qs = qs.filter(subtree_q(place, "division"))
    return qs.annotate(_one=Value(1)).values("_one").annotate(first=Min("first")).values("first")


def _lock(using: str) -> None:
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def snapshots_through(using: str = DB) -> dt.date | None:
    """The last month whose end the snapshot rows hold (None: not counted yet)."""
    return FigureSnapshotKept.objects.using(using).values_list("through", flat=True).first()


def _roll_snapshots(using: str) -> None:
    """Count the snapshot figures at the end of every month since the last one kept, up to the current month
    (the first refresh of a new month; everything, the first time)."""
    now, through = current_month(), snapshots_through(using)
    if through is not None and through >= now:
        return
    start = EARLIEST if through is None else month_end(through) + dt.timedelta(days=1)
    recount(start=start, using=using, figures=snapshots())
    FigureSnapshotKept.objects.using(using).all().delete()
    FigureSnapshotKept.objects.using(using).create(through=now)


def refresh(using: str = DB) -> int:
    """Fold in every pending mark: recount the marked divisions' marked months (and their roll-ups and first
    days of use), and roll the snapshot figures on to a new month. Returns the marks folded."""
    rolled = not snapshots() or (snapshots_through(using) or EARLIEST) >= current_month()
    if rolled and not FigureDirty.objects.using(using).exists():
        return 0
    with transaction.atomic(using=using):
        _lock(using)
        _roll_snapshots(using)
        marks = list(FigureDirty.objects.using(using).values_list("pk", "division_code", "month"))
        if not marks:
            return 0
        divisions: set[str] | None = {d for _, d, _ in marks}
        months = [m for _, _, m in marks]
        if divisions is not None and len(divisions) > MAX_MARKED_DIVISIONS:
            divisions = None
        start, end = min(months), month_end(max(months))
        # A few divisions: their differences are added to the roll-ups; many: the months' roll-ups are recounted.
        recount(start=start, end=end, divisions=divisions, using=using, roll=divisions is not None)
        if divisions is None:
            rollup_recount(start=start, end=end, using=using)
        first_use_recount(divisions=divisions, using=using)
        ids = [pk for pk, _, _ in marks]
        for i in range(0, len(ids), 900):
            FigureDirty.objects.using(using).filter(pk__in=ids[i : i + 900]).delete()
    return len(marks)


def refreshed(using: str = DB) -> dt.date:
    """`refresh()` before a read, returning the last month the snapshot rows hold (EARLIEST: none yet). When
    nothing is pending (the usual case) this costs one statement."""
    dirty, kept = FigureDirty._meta.db_table, FigureSnapshotKept._meta.db_table
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT {conn.ops.quote_name('through')} FROM {kept} ORDER BY id LIMIT 1), "
            f"EXISTS(SELECT 1 FROM {dirty})"
        )
        through, pending = cursor.fetchone()
    if isinstance(through, str):  # SQLite returns the date as text
        through = dt.date.fromisoformat(through)
    if pending or (snapshots() and (through or EARLIEST) < current_month()):
        refresh(using)
        through = snapshots_through(using)
    return through or EARLIEST


def rebuild(using: str = DB) -> int:
    """Recount every summary from the records (after data was loaded around the models, e.g. a restore)."""
    with transaction.atomic(using=using):
        _lock(using)
        FigureDirty.objects.using(using).all().delete()
        FigureMonthly.objects.using(using).all().delete()
        FigureRollup.objects.using(using).all().delete()
        FigureFirstUse.objects.using(using).all().delete()
        FigureSnapshotKept.objects.using(using).all().delete()
        written = recount(using=using, roll=False)
        FigureSnapshotKept.objects.using(using).create(through=current_month())
        rollup_recount(using=using)
        first_use_recount(using=using)
        return written


def repair(*, prefix: str = "", start: dt.date = EARLIEST, end: dt.date = LATEST, using: str = DB) -> int:
    """Recount a place and a run of whole months from the records: its monthly rows, the roll-ups of every place
    above or inside it over those months, and its first days of use."""
    with transaction.atomic(using=using):
        _lock(using)
        written = recount(prefix=prefix, start=start, end=end, using=using, roll=False)
        code = Division.objects.using(using).filter(prefix=prefix).values_list("code", flat=True).first() or ""
        places = [p for p, c in rollup_places(using).items() if in_subtree(code, p) or in_subtree(c, prefix)]
        # the months recounted (whole years, or up to the current month, for some figures): so are their roll-ups
        spans = [span(f, start, end) for f in summarised()]
        first, last = min([start, *(a for a, _ in spans)]), max([end, *(b for _, b in spans)])
        rollup_recount(places=places, start=first, end=last, using=using)
        first_use_recount(prefix=prefix, using=using)
    return written


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


def applies(fig: FigureDef) -> bool:
    """Whether the figure is read through the summaries: its own rows, or (a stock) its two flows' rows."""
    if fig.stock is not None:
        flows = [catalogue.figure(code) for code in fig.stock]
        return fig.records is not None and all(f is not None and applies(f) for f in flows)
    return fig.summary and fig.records is not None and bool(fig.date_path or fig.snapshot) and not fig.citywide
