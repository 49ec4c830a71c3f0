"""阵地建设: figures of a module not yet in the product, listed as not recorded (never as zero).

When the `venues` app lands, its count selectors are wired in here: set `MODULE.first_use` and each
figure's `records` (the query listing the rows behind it), like the other module files.
"""

from __future__ import annotations

from .base import FigureDef, ModuleDef

MODULE = ModuleDef("venues", "阵地建设", None)

FIGURES = [
    FigureDef(
        code="venues.total",
        label="妇女儿童阵地",
        unit="个",
        module="venues",
        definition="期末在用的各类阵地（妇儿之家、舒心驿站、幸福港湾、婚调室、家长学校、母婴室等）。",
        date_basis="期末",
        perm="reports.view",
    ),
    FigureDef(
        code="venues.shuxin",
        label="社区舒心驿站",
        unit="个",
        module="venues",
        definition="期末在用的舒心驿站。",
        date_basis="期末",
        perm="reports.view",
    ),
    FigureDef(
        code="venues.community_coverage",
        label="社区阵地覆盖率",
        unit="%",
        module="venues",
        definition="有在用阵地的社区 ÷ 社区总数 × 100。",
        date_basis="期末",
        perm="reports.view",
    ),
]
