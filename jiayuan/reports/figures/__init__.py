"""The figure catalogue: every figure the product reports, defined once, one file per module.

A module's file exposes `MODULE` (a `ModuleDef`) and `FIGURES` (its `FigureDef`s). Modules not yet in the
product list their figures without a query: they read "尚未记录" (not recorded), never zero.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from .base import NOT_RECORDED, FigureDef, ModuleDef, Period, Query

# The order in which modules appear on dashboards, in the workbook and in the report.
MODULE_FILES = [
    "cases",
    "screening",
    "care",
    "pairings",
    "relief",
    "legal",
    "orgs",
    "venues",
    "volunteers",
    "activities",
    "honours",
    "childfriendly",
    "indicators",
]


@cache
def _load() -> tuple[dict[str, ModuleDef], dict[str, FigureDef]]:
    modules: dict[str, ModuleDef] = {}
    figures: dict[str, FigureDef] = {}
    for name in MODULE_FILES:
        mod = import_module(f"{__name__}.{name}")
        modules[mod.MODULE.code] = mod.MODULE
        for fig in mod.FIGURES:
            if fig.code in figures:
                raise ValueError(f"figure {fig.code} defined twice")
            figures[fig.code] = fig
    for fig in figures.values():
        if fig.kind == "ratio" and not {fig.numerator, fig.denominator} <= figures.keys():
            raise ValueError(f"ratio {fig.code} refers to an unknown figure")
    return modules, figures


def modules() -> dict[str, ModuleDef]:
    return _load()[0]


def figures() -> dict[str, FigureDef]:
    return _load()[1]


def figure(code: str) -> FigureDef | None:
    return figures().get(code)


def figure_named(code: str) -> FigureDef:
    """A figure the catalogue itself names (a ratio's parts, a value already computed); missing is a bug."""
    return figures()[code]


__all__ = ["NOT_RECORDED", "FigureDef", "ModuleDef", "Period", "Query", "figure", "figure_named", "figures", "modules"]
