"""Reads of the reports module: the scope and period asked for, figure values, breakdowns, trends, records.

Every value is computed from its figure's records query (see `figures/base.py`), scoped to the acting user,
so the dashboard, the API, the workbook, the Word report and the drill-down lists give the same number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.replica import replica_configured, replica_reads
from jiayuan.divisions.codes import moved_units
from jiayuan.divisions.models import Division, Level

from . import figures as catalogue
from . import summaries
from .figures.base import NOT_RECORDED, FigureDef, Period, Query, date_range_q, to_date
from .figures.common import FirstDay
from .models import FigureFirstUse
from .summary_reads import Reader

VIEW_PERM = "reports.view"
MAX_DAYS = 366 * 5 + 1


# ------------------------------------------------------------------------------------------- scope and period


@dataclass(frozen=True)
class Scope:
    code: str  # the division's code ("" for everything)
    prefix: str
    name: str
    level: str

    @property
    def level_label(self) -> str:
        return dict(Level.choices).get(self.level, "全部")


def scope_resolve(*, actor: Actor, division: str = "") -> Scope:
    """The place asked for, inside the actor's reach for reports (404 outside it, like a missing place)."""
    broadest = policy.reach(actor, VIEW_PERM)
    if broadest is None:
        raise NotFound("未找到该区划")
    code = (division or "").strip()
    if not code:
        if broadest == "":
            return Scope("", "", "全部区划", "")
        obj = Division.objects.filter(prefix=broadest).order_by("code").first()
        if obj is None:
            raise NotFound("未找到该区划")
        return Scope(obj.code, obj.prefix, obj.name, obj.level)
    obj = Division.objects.filter(code=code[:12]).first()
    if obj is None or not obj.prefix.startswith(broadest):
        raise NotFound("未找到该区划")
    return Scope(obj.code, obj.prefix, obj.name, obj.level)


def scope_choices(*, actor: Actor) -> list[Division]:
    """The places the actor may pick: their own and the districts and streets below it, communities of a street."""
    broadest = policy.reach(actor, VIEW_PERM)
    if broadest is None:
        return []
    from jiayuan.divisions.models import subtree_q

    qs = Division.objects.filter(special=False)
    if broadest:
        qs = qs.filter(subtree_q(broadest, "code"))
    levels = [Level.CITY, Level.DISTRICT, Level.STREET]
    if len(broadest) >= 9:
        levels.append(Level.COMMUNITY)
    return list(qs.filter(level__in=levels).order_by("code"))


def _date(value: str | None, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApplicationError(f"{name}“{value}”不是有效日期，请按 年-月-日 填写（如 2026-01-31）。") from None


def period_parse(params, *, today: dt.date) -> Period:
    """The period from request parameters: period=year|quarter|month|custom with year / quarter / month /
    from / to. Missing: this year to date. End before start, or a malformed value: a clear message."""
    kind = (params.get("period") or "").strip()
    start, end = _date(params.get("from"), "开始日期"), _date(params.get("to"), "结束日期")
    if not kind:
        kind = "custom" if (start or end) else "year"
    if kind == "year":
        raw = (params.get("year") or str(today.year)).strip()
        if not re.fullmatch(r"\d{4}", raw):
            raise ApplicationError(f"年份“{raw}”不正确，请填写四位年份（如 2026）。")
        year = int(raw)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if kind == "quarter":
        raw = (params.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}").strip().upper()
        m = re.fullmatch(r"(\d{4})-?Q([1-4])", raw)
        if not m:
            raise ApplicationError(f"季度“{raw}”不正确，请按 2026-Q1 的格式填写。")
        year, q = int(m.group(1)), int(m.group(2))
        first = dt.date(year, 3 * q - 2, 1)
        last = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(first, last, "quarter")
    if kind == "month":
        raw = (params.get("month") or f"{today:%Y-%m}").strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ApplicationError(f"月份“{raw}”不正确，请按 2026-03 的格式填写。")
        year, month = int(m.group(1)), int(m.group(2))
        last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(dt.date(year, month, 1), last, "month")
    if kind != "custom":
        raise ApplicationError("统计周期只能是月、季度、年或自定义。")
    start = start or today.replace(month=1, day=1)
    end = end or today
    if end < start:
        raise ApplicationError(f"结束日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}），请重新选择统计期。")
    if (end - start).days > MAX_DAYS:
        raise ApplicationError("统计期最长为五年，请缩短统计期。")
    for kind_, (s, e) in (("year", (dt.date(start.year, 1, 1), dt.date(start.year, 12, 31))),):
        if (start, end) == (s, e):
            return Period(start, end, kind_)
    return Period(start, end, "custom")


# ------------------------------------------------------------------------------------------- values


@dataclass
class FigureValue:
    code: str
    label: str
    unit: str
    module: str
    value: int | Decimal | float | None
    link: str = ""
    definition: str = ""
    date_basis: str = ""

    @property
    def recorded(self) -> bool:
        return self.value is not None

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    def as_dict(self) -> dict:
        value: object = self.value
        if isinstance(value, Decimal):
            value = str(value)
        return {
            "code": self.code,
            "label": self.label,
            "unit": self.unit,
            "module": self.module,
            "value": value,
            "recorded": self.recorded,
            "display": self.display,
            "link": self.link,
        }


def format_value(value, unit: str) -> str:
    if value is None:
        return NOT_RECORDED
    if unit == "%":
        return f"{float(value):.1f}%"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def plain_value(value, unit: str) -> str:
    """The number as the report's sentences write it: no thousands separator, "尚未记录" when not recorded."""
    if value is None:
        return NOT_RECORDED
    if unit == "%":
        return f"{float(value):.1f}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def records_link(code: str, scope: Scope, period: Period, **extra) -> str:
    """The drill-down list's address (a page shows a hundred of them: the place and period part is made once)."""
    link = f"/reports/records/?figure={quote_plus(code)}{_link_place(scope.code, period.start, period.end)}"
    more = {k: v for k, v in extra.items() if v not in (None, "")}
    return f"{link}&{urlencode(more)}" if more else link


@lru_cache(maxsize=256)
def _link_place(code: str, start: dt.date, end: dt.date) -> str:
    params = {"division": code, "from": start, "to": end}
    return "&" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _figure(code: str) -> FigureDef:
    fig = catalogue.figure(code)
    if fig is None:
        raise NotFound("未找到该指标")
    return fig


def _records(fig: FigureDef):
    """The figure's records query (only asked of figures that have one)."""
    assert fig.records is not None, fig.code
    return fig.records


def visible_figures(actor: Actor) -> list[FigureDef]:
    return [f for f in catalogue.figures().values() if actor.has_perm(f.perm)]


def scaled(fig: FigureDef, total) -> int | Decimal | float:
    """A sum as the figure shows it: money to the cent, minutes as hours to a tenth, counts as integers."""
    if fig.divide != 1:
        return round(float(total or 0) / fig.divide, 1)
    if isinstance(total, Decimal) or fig.unit == "元":
        return Decimal(total or 0).quantize(Decimal("0.01"))
    return int(total or 0)


class FigureContext:
    """One computation of figures for a scope and period: remembers each module's first day of use."""

    def __init__(self, actor: Actor, scope: Scope, period: Period):
        self.actor, self.scope, self.period = actor, scope, period
        self.query = Query(scope.prefix, period)
        self._in_use: dict[str, bool] = {}
        self._values: dict[str, int | Decimal | float | None] = {}
        self._summary_read = False
        self._counts_read = False
        self._children: list[Division] | None = None
        # The writes' pending marks are folded in first: the summaries read below are exactly the records.
        through = summaries.refreshed()
        self.reader = Reader(
            actor,
            prefix=scope.prefix,
            code=scope.code,
            rolled=summaries.rolled_up(scope.level, scope.prefix),
            # with a replica, the Reader asks the replica how far its month-end rows go
            through=None if replica_configured() else through,
        )

    def children(self) -> list[Division]:
        """The places one level below the scope (read once per page)."""
        if self._children is None:
            self._children = child_divisions(self.scope)
        return self._children

    def _read_counts(self) -> None:
        """The counts of every other counted figure the actor sees, in one statement: each figure's own records
        query counted as a scalar subquery (one round trip instead of one per figure)."""
        self._counts_read = True
        figs = [
            f
            for f in visible_figures(self.actor)
            if f.kind == "count"
            and f.records is not None
            and not summaries.applies(f)
            and f.code not in self._values
            and self.in_use(f.module)
        ]
        self._values.update(count_many({f.code: _records(f)(self.actor, self.query) for f in figs}))

    def _read_summaries(self) -> None:
        """The counts of every summarised figure the actor sees, read from the summary table at once."""
        self._summary_read = True
        figs = [
            f
            for f in visible_figures(self.actor)
            if summaries.applies(f) and f.code not in self._values and self.in_use(f.module)
        ]
        totals = self.reader.totals(figs, self.query)
        self._values.update({f.code: scaled(f, totals[f.code]) if f.kind == "sum" else totals[f.code] for f in figs})

    def in_use(self, module: str) -> bool:
        if not self._in_use:
            self._read_first_uses()
        return self._in_use[module]

    def _read_first_uses(self) -> None:
        """Whether each module was in use in the place by the period's end, from its first day of use: the days
        the summaries keep and the modules dated by one column in one statement, the others one by one."""
        prefix = self.scope.prefix
        kept = summaries.kept_first_days()
        firsts: dict[str, dt.date | None] = {}
        for code, mod in catalogue.modules().items():
            if mod.first_use is None:
                firsts[code] = None
            elif code not in kept and not isinstance(mod.first_use, FirstDay):
                firsts[code] = mod.first_use(prefix)
        for code, day in scalars_run(_first_use_statement(prefix)).items():
            first = catalogue.modules()[code].first_use
            firsts[code] = first.convert(day) if isinstance(first, FirstDay) and code not in kept else to_date(day)
        self._in_use = {code: day is not None and day <= self.period.end for code, day in firsts.items()}

    def value(self, fig: FigureDef):
        if fig.code in self._values:
            return self._values[fig.code]
        result: int | Decimal | float | None
        if fig.kind == "ratio":
            num = self.value(_figure(fig.numerator))
            den = self.value(_figure(fig.denominator))
            if num is None or den is None:
                result = None
            else:
                result = round(100.0 * float(num) / float(den), 1) if den else 0.0
        elif fig.records is None or not self.in_use(fig.module):
            result = None
        elif summaries.applies(fig) and not self._summary_read:
            self._read_summaries()
            return self.value(fig)
        elif fig.kind == "count" and not summaries.applies(fig) and not self._counts_read:
            self._read_counts()
            return self.value(fig)
        else:
            qs = fig.records(self.actor, self.query)
            if fig.kind == "sum":
                result = scaled(fig, qs.order_by().aggregate(total=Sum(fig.amount))["total"])
            else:
                result = qs.order_by().count()
        self._values[fig.code] = result
        return result

    def figure_value(self, fig: FigureDef) -> FigureValue:
        value = self.value(fig)
        link = records_link(fig.code, self.scope, self.period) if value is not None else ""
        return FigureValue(
            code=fig.code,
            label=fig.label,
            unit=fig.unit,
            module=fig.module,
            value=value,
            link=link,
            definition=fig.definition,
            date_basis=fig.date_basis,
        )


Prepared = tuple[dict[str, Any], dict[str, list[tuple[str, str, tuple, Any, dict]]]]


def scalars_prepare(querysets: dict[str, QuerySet]) -> Prepared:
    """Statements that each select one value (one row, one column), compiled to be run together by `scalars_run`
    (several per statement; None for no row) as often as needed."""
    empty: dict[str, Any] = {}
    by_db: dict[str, list[tuple[str, str, tuple, Any, dict]]] = {}
    for code, qs in querysets.items():
        compiler = qs.query.get_compiler(using=qs.db)
        try:
            sql, p = compiler.as_sql()
        except EmptyResultSet:
            empty[code] = None
            continue
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        by_db.setdefault(qs.db, []).append((code, sql, tuple(p), compiler, converters))
    return empty, by_db


def scalars_run(prepared: Prepared, chunk: int = 25) -> dict[str, Any]:
    empty, by_db = prepared
    result = dict(empty)
    for alias, items in by_db.items():
        for i in range(0, len(items), chunk):
            part = items[i : i + chunk]
            params: list = [x for item in part for x in item[2]]
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(f"({item[1]})" for item in part), params)
                row = cursor.fetchone()
            for (code, _sql, _p, compiler, converters), value in zip(part, row, strict=True):
                if converters and value is not None:
                    value = next(iter(compiler.apply_converters([[value]], converters)))[0]
                result[code] = value
    return result


# The first-day statement of a place depends on nothing but the place and the database: compiled once.
_FIRST_USE_STATEMENTS: dict[tuple[str, str], Prepared] = {}


def _first_use_statement(prefix: str) -> Prepared:
    key = (prefix, router.db_for_read(FigureFirstUse) or "default")
    if key not in _FIRST_USE_STATEMENTS:
        kept = summaries.kept_first_days()
        together: dict[str, QuerySet] = {}
        for code, mod in catalogue.modules().items():
            if code in kept:
                together[code] = summaries.first_use_query(code, prefix)
            elif isinstance(mod.first_use, FirstDay):
                together[code] = mod.first_use.query(prefix)
        if len(_FIRST_USE_STATEMENTS) > 5000:
            _FIRST_USE_STATEMENTS.clear()
        _FIRST_USE_STATEMENTS[key] = scalars_prepare(together)
    return _FIRST_USE_STATEMENTS[key]


def count_many(querysets: dict[str, QuerySet], chunk: int = 25) -> dict[str, int]:
    """The row count of each queryset, several per statement (`SELECT (SELECT COUNT(*) FROM (…)), …`)."""
    result: dict[str, int] = {}
    by_db: dict[str, list[tuple[str, str, tuple]]] = {}
    for code, qs in querysets.items():
        qs = qs.order_by().values("pk")
        try:
            sql, p = qs.query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (fail-closed scope, an empty list)
            result[code] = 0
            continue
        by_db.setdefault(qs.db, []).append((code, sql, tuple(p)))
    for alias, items in by_db.items():
        for i in range(0, len(items), chunk):
            part = items[i : i + chunk]
            parts: list[str] = []
            params: list = []
            for n, (_code, sql, p) in enumerate(part):
                parts.append(f"(SELECT COUNT(*) FROM ({sql}) c{n})")
                params.extend(p)
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(parts), params)
                row = cursor.fetchone()
            for (code, _sql, _p), n in zip(part, row, strict=True):
                result[code] = int(n or 0)
    return result


@replica_reads
def figure_values(*, actor: Actor, scope: Scope, period: Period, codes: list[str] | None = None) -> list[FigureValue]:
    """The values of the catalogue's figures the actor may see (all of them, or `codes`), in catalogue order."""
    ctx = FigureContext(actor, scope, period)
    wanted = set(codes) if codes else None
    return [ctx.figure_value(f) for f in visible_figures(actor) if wanted is None or f.code in wanted]


# ------------------------------------------------------------------------------------------- breakdowns, trends


@dataclass
class Bar:
    key: str
    label: str
    value: int | Decimal | float
    link: str


@dataclass
class Breakdown:
    figure: FigureValue
    dimension: str
    label: str
    bars: list[Bar] = field(default_factory=list)


def child_divisions(scope: Scope) -> list[Division]:
    if not scope.code:
        return list(Division.objects.filter(level=Level.CITY).order_by("code"))
    return list(Division.objects.filter(parent_id=scope.code, special=False).order_by("code"))


def _move_units(rows: dict[Any, Any], qs: QuerySet, fig: FigureDef, column: str, keys: set[str]) -> None:
    """Records of a unit that belongs to another parent than its code names (大鹏新区's streets keep 龙岗's
    code): counted by code prefix they land under the code's district; move them to the unit's own parent."""
    width = len(next(iter(keys), ""))
    moved = {
        unit: parent
        for unit, parent in moved_units().items()
        if len(unit) > width and parent[:width] in keys and unit[:width] in keys
    }
    if not moved:
        return
    wide = len(next(iter(moved)))
    counted = (
        qs.annotate(u=Substr(column, 1, wide))
        .filter(u__in=list(moved))
        .values_list("u")
        .annotate(n=summaries.measure(fig))
    )
    for unit, n in counted:
        if unit in moved and n:
            rows[unit[:width]] = (rows.get(unit[:width]) or 0) - n
            rows[moved[unit][:width]] = (rows.get(moved[unit][:width]) or 0) + n


def breakdown(
    *, actor: Actor, scope: Scope, period: Period, code: str, dimension: str, ctx: FigureContext | None = None
) -> Breakdown:
    fig = catalogue.figure(code)
    if fig is None or not actor.has_perm(fig.perm):
        raise NotFound("未找到该指标")
    dim = next((d for d in fig.dimensions if d.code == dimension), None)
    if dim is None:
        raise ApplicationError("该指标不能按所选维度分组。")
    ctx = ctx or FigureContext(actor, scope, period)
    value = ctx.figure_value(fig)
    result = Breakdown(figure=value, dimension=dim.code, label=dim.label)
    if value.value is None:
        return result
    rows: dict[Any, Any]
    if dim.code == "division":
        children = ctx.children()
        if not children or fig.citywide:
            return result
        width = len(children[0].prefix)
        column = dim.path if dim.path.endswith("_id") else f"{dim.path}_id"
        if summaries.applies(fig):
            prefixes = tuple(c.prefix for c in children)
            rolled = all(summaries.rolled_up(c.level, c.prefix) for c in children)
            rows = ctx.reader.counts(fig, ctx.query, ("division", prefixes), children_rolled=rolled)
        else:
            qs = _records(fig)(actor, ctx.query).order_by()
            rows = dict(qs.annotate(k=Substr(column, 1, width)).values_list("k").annotate(n=summaries.measure(fig)))
            _move_units(rows, qs, fig, column, {c.prefix for c in children})
        for child in children:
            got = scaled(fig, rows.get(child.prefix)) if fig.kind == "sum" else rows.get(child.prefix) or 0
            link = records_link(fig.code, Scope(child.code, child.prefix, child.name, child.level), period)
            result.bars.append(Bar(child.code, child.name, got, link))
        return result
    labels = dim.labels()
    if summaries.applies(fig):
        rows = ctx.reader.counts(fig, ctx.query, dim)
    else:
        rows = dict(_records(fig)(actor, ctx.query).order_by().values_list(dim.path).annotate(n=summaries.measure(fig)))
    order = list(labels) + sorted(str(k) for k in rows if str(k) not in labels and k is not None)
    for key in order:
        n: int | Decimal | float | None = rows.get(key)
        if n is None and key.isdigit():
            n = dict[Any, Any](rows).get(int(key))
        if not n:
            continue
        if fig.kind == "sum":
            n = scaled(fig, n)
        label = labels.get(key) or ("未填写" if key in ("", "None") else key)
        result.bars.append(Bar(key, label, n, records_link(fig.code, scope, period, dim=dim.code, key=key)))
    return result


@dataclass
class Trend:
    figure: FigureValue
    months: list[str]
    current: list[int | Decimal]
    previous: list[int | Decimal]
    links: list[str]


def trend(*, actor: Actor, scope: Scope, period: Period, code: str, ctx: FigureContext | None = None) -> Trend | None:
    """The figure month by month over the period, beside the same months a year earlier."""
    fig = catalogue.figure(code)
    if fig is None or not actor.has_perm(fig.perm) or not fig.date_path or fig.kind == "ratio":
        return None
    ctx = ctx or FigureContext(actor, scope, period)
    value = ctx.figure_value(fig)
    if value.value is None:
        return None
    months = period.months()
    previous = period.previous_year()

    def monthly(p: Period) -> list:
        if summaries.applies(fig):
            kept = ctx.reader.by_month(fig, p)
            return [scaled(fig, v) for v in kept] if fig.kind == "sum" else kept
        shifted = p.months()
        q = Query(scope.prefix, p)
        conditions = {
            f"m{i}": date_range_q(fig.date_path, s, e, is_datetime=fig.date_is_datetime)
            for i, (_, s, e) in enumerate(shifted)
        }
        measure = fig.amount if fig.kind == "sum" else "pk"
        agg = {
            key: (Sum(measure, filter=cond) if fig.kind == "sum" else Count(measure, filter=cond, distinct=True))
            for key, cond in conditions.items()
        }
        row = _records(fig)(actor, q).order_by().aggregate(**agg)
        if fig.kind == "sum":
            return [scaled(fig, row[f"m{i}"]) for i in range(len(shifted))]
        return [row[f"m{i}"] or 0 for i in range(len(shifted))]

    links = [records_link(fig.code, scope, Period(s, e, "month")) for _, s, e in months]
    if summaries.applies(fig):
        ctx.reader.prefetch_months(fig, [previous, period])
    previous_values = monthly(previous) if ctx.in_use(fig.module) else [0] * len(months)
    return Trend(value, [m[0] for m in months], monthly(period), previous_values, links)


def dashboard_breakdowns() -> list[tuple[str, str]]:
    """The breakdowns a dashboard shows: (figure, dimension)."""
    return [
        ("cases.received", "division"),
        ("cases.received", "channel"),
        ("cases.received", "category"),
        ("cases.received", "risk"),
        ("cases.closed", "outcome"),
        ("screening.hazards", "division"),
        ("screening.hazards", "level"),
        ("care.on_register", "division"),
        ("care.on_register", "type"),
        ("care.on_register", "level"),
        ("relief.amount", "fund"),
        ("orgs.organisations", "kind"),
    ]


TREND_FIGURES = [
    "cases.received",
    "cases.closed",
    "screening.visits",
    "screening.hazards",
    "care.entered",
    "relief.disbursed",
    "legal.questions",
]


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    modules: list[tuple[str, list[FigureValue]]]
    headline: list[FigureValue]
    trends: list[Trend]
    breakdowns: list[Breakdown]


@replica_reads
def dashboard(*, actor: Actor, scope: Scope, period: Period) -> Dashboard:
    # One context for the whole page: each figure is counted once, each module's first use read once.
    ctx = FigureContext(actor, scope, period)
    values = [ctx.figure_value(f) for f in visible_figures(actor)]
    by_module: dict[str, list[FigureValue]] = {}
    for v in values:
        by_module.setdefault(v.module, []).append(v)
    mods = catalogue.modules()
    grouped = [(mods[code].label, by_module[code]) for code in mods if code in by_module]
    heads = {f.code for f in catalogue.figures().values() if f.headline}
    trends = [t for t in (trend(actor=actor, scope=scope, period=period, code=c, ctx=ctx) for c in TREND_FIGURES) if t]
    breakdowns = []
    for code, dim in dashboard_breakdowns():
        fig = catalogue.figure(code)
        if fig is None or not actor.has_perm(fig.perm):
            continue
        if dim == "division" and not ctx.children():
            continue
        b = breakdown(actor=actor, scope=scope, period=period, code=code, dimension=dim, ctx=ctx)
        if b.bars:
            breakdowns.append(b)
    return Dashboard(
        scope=scope,
        period=period,
        modules=grouped,
        headline=[v for v in values if v.code in heads],
        trends=trends,
        breakdowns=breakdowns,
    )


@replica_reads
def headline(*, actor: Actor, scope: Scope, period: Period) -> list[FigureValue]:
    """Only the headline figures of the dashboard (the workbench's panel), counted the same way."""
    ctx = FigureContext(actor, scope, period)
    return [ctx.figure_value(f) for f in visible_figures(actor) if f.headline]


def module_stats_divisions(*, actor: Actor, perm: str) -> list[Division]:
    """Districts and streets in the actor's reach for `perm` (the scope picker of the module statistics pages)."""
    from jiayuan.divisions.models import subtree_q

    prefix = policy.reach(actor, perm)
    if prefix is None:
        return []
    qs = Division.objects.filter(special=False, level__in=[Level.DISTRICT, Level.STREET])
    if prefix:
        qs = qs.filter(subtree_q(prefix, "code"))
    return list(qs.order_by("code"))
