"""巾帼志愿服务: figures of a module not yet in the product, listed as not recorded (never as zero).

When the `volunteers` app lands, its count selectors are wired in here: set `MODULE.first_use` and each
figure's `records` (the query listing the rows behind it), like the other module files.
"""

from __future__ import annotations

from .base import FigureDef, ModuleDef

MODULE = ModuleDef("volunteers", "巾帼志愿服务", None)

FIGURES = [
    FigureDef(
        code="volunteers.volunteers",
        label="巾帼志愿者",
        unit="人",
        module="volunteers",
        definition="期末在册的巾帼志愿者。",
        date_basis="期末",
        perm="reports.view",
    ),
    FigureDef(
        code="volunteers.teams",
        label="志愿服务队伍",
        unit="支",
        module="volunteers",
        definition="期末在册的志愿服务队。",
        date_basis="期末",
        perm="reports.view",
    ),
    FigureDef(
        code="volunteers.hours",
        label="志愿服务时长",
        unit="小时",
        module="volunteers",
        definition="服务日期在期内、已确认的服务时长合计。",
        date_basis="服务日期",
        perm="reports.view",
    ),
]
