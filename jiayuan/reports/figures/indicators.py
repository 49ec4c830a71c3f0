"""妇女儿童发展规划: the share of indicators attained, read through the indicators app's selectors. An indicator
without a value for the year is in neither count (missing is never zero)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.indicators.selectors import indicators_for_figures

from .base import FigureDef, ModuleDef, Query
from .common import federation_prefix


def _first_use(prefix: str) -> dt.date | None:
    from jiayuan.indicators.models import Plan

    code = federation_prefix(prefix)
    plan = Plan.objects.filter(division_id=code + "00" if len(code) == 4 else code).order_by("start_year").first()
    return dt.date(plan.start_year, 1, 1) if plan else None


MODULE = ModuleDef("indicators", "妇女儿童发展规划", _first_use)


def assessed(actor: Actor, query: Query) -> QuerySet:
    return indicators_for_figures(actor=actor, prefix=query.prefix, year=query.end.year, attained_only=False)


def attained(actor: Actor, query: Query) -> QuerySet:
    return indicators_for_figures(actor=actor, prefix=query.prefix, year=query.end.year, attained_only=True)


FIGURES = [
    FigureDef(
        code="indicators.assessed",
        label="可评估的规划指标",
        unit="项",
        module="indicators",
        definition="期末所在年度既有监测值又有目标值的规划指标（缺失监测值的不计入）。",
        date_basis="期末所在年度",
        perm="indicators.view",
        records=assessed,
        division_path="area__plan__division",
    ),
    FigureDef(
        code="indicators.attained",
        label="已达标的规划指标",
        unit="项",
        module="indicators",
        definition="期末所在年度监测值达到目标值的规划指标。",
        date_basis="期末所在年度",
        perm="indicators.view",
        records=attained,
        division_path="area__plan__division",
    ),
    FigureDef(
        code="indicators.attainment",
        label="规划指标达标率",
        unit="%",
        module="indicators",
        definition="已达标的规划指标 ÷ 可评估的规划指标 × 100（缺失监测值的指标不计入分母）。",
        date_basis="期末所在年度",
        perm="indicators.view",
        kind="ratio",
        numerator="indicators.attained",
        denominator="indicators.assessed",
    ),
]
