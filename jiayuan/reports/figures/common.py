"""Helpers the module figure files share: the place filter through the policy, the first day of use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Model, QuerySet, Value

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import subtree_q

from .base import Query, date_range_q, to_date


def in_place(actor: Actor, perm: str, model: type[Model], query: Query, division_path: str = "division") -> QuerySet:
    """The model's rows in the asked place that the actor reaches with `perm` (the place first, then the reach).

    For `PLACE_ONLY` (counting the summary tables): every row of the place the policy shows by place, that
    is without the restricted ones."""
    qs = model._default_manager.filter(subtree_q(query.prefix, division_path))
    if getattr(actor, "place_only", False):
        restricted = policy.spec_for(model).restricted
        return qs.filter(**{restricted: False}) if restricted else qs
    return policy.scoped(actor, perm, qs)


def in_period(qs: QuerySet, path: str, query: Query, *, is_datetime: bool = False) -> QuerySet:
    return qs.filter(date_range_q(path, query.start, query.end, is_datetime=is_datetime))


def federation_prefix(prefix: str) -> str:
    """The federation that uses the product for a place: its district (or the city / everything above)."""
    return prefix[:6] if len(prefix) > 6 else prefix


@dataclass(frozen=True)
class FirstDay:
    """first_use(prefix) for a module: the earliest `date_path` of `model` in the place's federation.

    A module whose records the summaries follow keeps these days per division (`reports.summaries`), so the
    check reads a small table instead of the records."""

    model: type[Model]
    date_path: str
    division_path: str | None = "division"
    # The earliest value as a day (a date-time's local day by default; a year's 1 January for a year column).
    convert: Callable[[Any], dt.date | None] = to_date

    def place(self, prefix: str) -> str:
        """The place whose first day counts for `prefix` (its federation; everything for a citywide module)."""
        return federation_prefix(prefix) if self.division_path else ""

    def query(self, prefix: str) -> QuerySet:
        """The one-value query of the first day (`SELECT MIN(date) …`), to be read with others at once."""
        qs = self.model._default_manager.order_by()
        if self.division_path:
            qs = qs.filter(subtree_q(self.place(prefix), self.division_path))
        return qs.annotate(_one=Value(1)).values("_one").annotate(first=Min(self.date_path)).values("first")

    def __call__(self, prefix: str) -> dt.date | None:
        qs = self.model._default_manager.all()
        if self.division_path:
            qs = qs.filter(subtree_q(self.place(prefix), self.division_path))
        return self.convert(qs.aggregate(first=Min(self.date_path))["first"])


def first_day(
    model: type[Model],
    date_path: str,
    division_path: str | None = "division",
    convert: Callable[[Any], dt.date | None] = to_date,
) -> FirstDay:
    return FirstDay(model, date_path, division_path, convert)


def year_start(year: int | None) -> dt.date | None:
    return dt.date(year, 1, 1) if year else None


def choice_labels(model: type[Model], field_name: str):
    def labels() -> dict[str, str]:
        choices = getattr(model._meta.get_field(field_name), "choices", None) or []
        return {str(k): str(v) for k, v in choices}

    return labels
