"""妇女儿童发展规划: figures of a module not yet in the product, listed as not recorded (never as zero).

When the `indicators` app lands, its count selectors are wired in here: set `MODULE.first_use` and each
figure's `records` (the query listing the rows behind it), like the other module files.
"""

from __future__ import annotations

from .base import FigureDef, ModuleDef

MODULE = ModuleDef("indicators", "妇女儿童发展规划", None)

FIGURES = [
    FigureDef(
        code="indicators.attainment",
        label="规划指标达标率",
        unit="%",
        module="indicators",
        definition="期末已达标的妇女儿童发展规划指标 ÷ 指标总数 × 100。",
        date_basis="期末",
        perm="reports.view",
    ),
]
