"""What a figure is: its definition (code, label, unit, meaning, permission) and the query of its records.

A figure's value is always computed from the query that lists its records (a count, a sum of one column, or
the ratio of two other figures), so the number on a dashboard and the list behind it cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiayuan.access.actor import Actor

NOT_RECORDED = "尚未记录"


@dataclass(frozen=True)
class Period:
    """A closed range of days, with the way it was chosen (month, quarter, year or custom)."""

    start: dt.date
    end: dt.date
    kind: str = "custom"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def previous_year(self) -> Period:
        return Period(_minus_year(self.start), _minus_year(self.end), self.kind)

    def months(self) -> list[tuple[str, dt.date, dt.date]]:
        """(label, first day, last day) of each calendar month the period touches, clipped to the period."""
        result, day = [], self.start.replace(day=1)
        while day <= self.end:
            following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            result.append((f"{day.month}月", max(day, self.start), min(following - dt.timedelta(days=1), self.end)))
            day = following
        return result


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def date_range_q(path: str, start: dt.date, end: dt.date, *, is_datetime: bool) -> Q:
    """`path` within [start, end] (whole days, the federation's local time for date-times)."""
    if is_datetime:
        return Q(**{f"{path}__gte": day_start(start), f"{path}__lt": day_start(end + dt.timedelta(days=1))})
    return Q(**{f"{path}__gte": start, f"{path}__lte": end})


@dataclass(frozen=True)
class Query:
    """What a figure is asked for: a place (division code prefix) and a period."""

    prefix: str
    period: Period

    @property
    def start(self) -> dt.date:
        return self.period.start

    @property
    def end(self) -> dt.date:
        return self.period.end


# records(actor, query) -> the rows behind the figure, already scoped to the actor and the place.
Records = Callable[[Actor, Query], QuerySet]


class PlaceOnly:
    """Passed as the actor when the summary tables are counted: every unrestricted record of the place,
    whoever asks (the summaries hold the place part of everyone's scope; grants are added when read)."""

    place_only = True
    is_authenticated = True


PLACE_ONLY: Actor = PlaceOnly()  # type: ignore[assignment]


@dataclass(frozen=True)
class Dimension:
    """A breakdown of a figure: the path of the grouped column on the figure's records and its labels."""

    code: str
    label: str
    path: str
    labels: Callable[[], dict[str, str]] = field(default=dict)


@dataclass(frozen=True)
class FigureDef:
    code: str
    label: str
    unit: str
    module: str
    definition: str
    date_basis: str
    perm: str
    records: Records | None = None
    # "count" (rows of the records), "sum" (of `amount`), "ratio" (numerator / denominator, in per cent)
    kind: str = "count"
    amount: str = ""
    # A sum is divided by this before it is shown (minutes summed, hours shown).
    divide: int = 1
    numerator: str = ""
    denominator: str = ""
    # Path of the date that places a record in a period (for the monthly trend); empty for stock figures. It may
    # cross to related rows (a case's actions): `date_join` then says which of them date the record.
    date_path: str = ""
    date_is_datetime: bool = False
    date_join: Q | None = None
    # Path of the division on the records (for the breakdown by street / community).
    division_path: str = "division"
    dimensions: tuple[Dimension, ...] = ()
    headline: bool = False
    # A figure that does not follow the asked place (the legal assistant serves the whole city).
    citywide: bool = False
    # Counted per division, month and dimension in the summary table (`reports.summaries`); only for figures
    # whose records carry one division and one date, so monthly counts add up to any run of whole months.
    summary: bool = False
    # A record counts once per period however many dated rows it has in it (a case with two protection-order
    # applications in a year is one case that year): the summary keeps its count per month, quarter and year,
    # which do not add up, and any other run of months is counted from the records.
    per_period: bool = False
    # A stock at the period's end read from two summarised flows: (inflow, outflow) figure codes, e.g. who is on
    # the register = every entry up to then less every exit up to then, by the same breakdowns.
    stock: tuple[str, str] | None = None
    # A stock that depends on more than the record's own dates (the person's age at the period's end, a plan that
    # exists now): the summary keeps its value at each month's end up to the current month (`summary=True`).
    snapshot: bool = False

    @property
    def recorded(self) -> bool:
        return self.kind == "ratio" or self.records is not None

    def describe(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "unit": self.unit,
            "module": self.module,
            "definition": self.definition,
            "date_basis": self.date_basis,
            "permission": self.perm,
            "recorded": self.recorded,
            "dimensions": [{"code": d.code, "label": d.label} for d in self.dimensions],
        }


@dataclass(frozen=True)
class ModuleDef:
    """A module whose figures the catalogue lists, and whether (and since when) a place uses it."""

    code: str
    label: str
    # first_use(prefix) -> the earliest day a record of the module exists in the place (None: never).
    # None for a module not yet in the product: its figures are "not recorded".
    first_use: Callable[[str], dt.date | None] | None = None

    @property
    def available(self) -> bool:
        return self.first_use is not None


def to_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
