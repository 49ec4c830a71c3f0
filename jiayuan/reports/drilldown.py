"""The records behind a figure: the drill-down lists of the dashboard, and a ratio's two sides.

The list is the figure's own records query (see `figures/base.py`), scoped to the acting user, so a list's
length is the number that was clicked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ApplicationError, NotFound

from . import figures as catalogue
from .figures.base import FigureDef, Period
from .selectors import FigureContext, FigureValue, Scope


def figure_records(
    *, actor: Actor, scope: Scope, period: Period, code: str, dimension: str = "", key: str = "", part: str = ""
) -> tuple[FigureDef, QuerySet]:
    """The records behind a figure (or one bar of its breakdown): the drill-down list. For a ratio, the records
    of its denominator (`part` "denominator", the default) or of its numerator (`part` "numerator")."""
    fig = catalogue.figure(code)
    if fig is None or not actor.has_perm(fig.perm):
        raise NotFound("未找到该指标")
    if fig.kind == "ratio":
        side = fig.numerator if part == "numerator" else fig.denominator
        return figure_records(actor=actor, scope=scope, period=period, code=side, dimension=dimension, key=key)
    ctx = FigureContext(actor, scope, period)
    if fig.records is None or not ctx.in_use(fig.module):
        return fig, _none(fig)
    qs = fig.records(actor, ctx.query)
    if dimension:
        dim = next((d for d in fig.dimensions if d.code == dimension and d.code != "division"), None)
        if dim is None:
            raise ApplicationError("该指标不能按所选维度分组。")
        model = qs.model
        matching = model._default_manager.filter(**{dim.path: key}).values("pk")
        qs = qs.filter(pk__in=matching) if "__" in dim.path else qs.filter(**{dim.path: key})
    return fig, qs.order_by("-pk")


@dataclass
class RatioDrill:
    """A ratio's drill-down: its value, its numerator's and denominator's values, and which side is listed."""

    ratio: FigureValue
    numerator: FigureValue
    denominator: FigureValue
    part: str  # "numerator" or "denominator"
    numerator_ids: frozenset = frozenset()
    # False when the two sides list different kinds of records (nothing to mark on the denominator's list).
    part_of: bool = True

    @property
    def listed(self) -> FigureValue:
        return self.numerator if self.part == "numerator" else self.denominator

    @property
    def marks_numerator(self) -> bool:
        """Whether the listed denominator records say which of them the numerator counts."""
        return self.part == "denominator" and self.part_of


def ratio_drill(*, actor: Actor, scope: Scope, period: Period, code: str, part: str, page_ids: list) -> RatioDrill:
    """What the records page of a ratio shows: both sides' values, and for the denominator records on the page
    which of them are in the numerator (the numerator's records are a part of the denominator's)."""
    fig = catalogue.figure(code)
    if fig is None or fig.kind != "ratio" or not actor.has_perm(fig.perm):
        raise NotFound("未找到该指标")
    part = "numerator" if part == "numerator" else "denominator"
    ctx = FigureContext(actor, scope, period)
    num, den = catalogue.figure(fig.numerator), catalogue.figure(fig.denominator)
    assert num is not None and den is not None
    drill = RatioDrill(ctx.figure_value(fig), ctx.figure_value(num), ctx.figure_value(den), part)
    if part == "denominator" and page_ids and num.records is not None and ctx.in_use(num.module):
        num_qs = num.records(actor, ctx.query)
        if den.records is not None and num_qs.model is den.records(actor, ctx.query).model:
            drill.numerator_ids = frozenset(num_qs.filter(pk__in=page_ids).values_list("pk", flat=True))
        else:
            drill.part_of = False
    return drill


def _none(fig: FigureDef) -> QuerySet:
    from jiayuan.cases.models import Case

    return Case.objects.none()
