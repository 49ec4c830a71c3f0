"""Helpers the module figure files share: the place filter through the policy, the first day of use."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Model, QuerySet

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


def first_day(model: type[Model], date_path: str, division_path: str | None = "division"):
    """first_use(prefix) for a module: the earliest `date_path` of `model` in the place's federation."""

    def first_use(prefix: str) -> dt.date | None:
        qs = model._default_manager.all()
        if division_path:
            qs = qs.filter(subtree_q(federation_prefix(prefix), division_path))
        return to_date(qs.aggregate(first=Min(date_path))["first"])

    return first_use


def choice_labels(model: type[Model], field_name: str):
    def labels() -> dict[str, str]:
        choices = getattr(model._meta.get_field(field_name), "choices", None) or []
        return {str(k): str(v) for k, v in choices}

    return labels
