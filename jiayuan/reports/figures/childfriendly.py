"""儿童友好: figures of a module not yet in the product, listed as not recorded (never as zero).

When the `childfriendly` app lands, its count selectors are wired in here: set `MODULE.first_use` and each
figure's `records` (the query listing the rows behind it), like the other module files.
"""

from __future__ import annotations

from .base import FigureDef, ModuleDef

MODULE = ModuleDef("childfriendly", "儿童友好", None)

FIGURES = [
    FigureDef(
        code="childfriendly.projects",
        label="儿童友好项目",
        unit="个",
        module="childfriendly",
        definition="期末已建成的儿童友好项目（社区、学校、医院、公园、图书馆等）。",
        date_basis="期末",
        perm="reports.view",
    ),
    FigureDef(
        code="childfriendly.communities",
        label="儿童友好社区",
        unit="个",
        module="childfriendly",
        definition="期末已建成的儿童友好社区。",
        date_basis="期末",
        perm="reports.view",
    ),
    FigureDef(
        code="childfriendly.coverage",
        label="儿童友好社区覆盖率",
        unit="%",
        module="childfriendly",
        definition="儿童友好社区 ÷ 社区总数 × 100。",
        date_basis="期末",
        perm="reports.view",
    ),
]
