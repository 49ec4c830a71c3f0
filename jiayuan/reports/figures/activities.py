"""项目与活动: figures of a module not yet in the product, listed as not recorded (never as zero).

When the `activities` app lands, its count selectors are wired in here: set `MODULE.first_use` and each
figure's `records` (the query listing the rows behind it), like the other module files.
"""

from __future__ import annotations

from .base import FigureDef, ModuleDef

MODULE = ModuleDef("activities", "项目与活动", None)

FIGURES = [
    FigureDef(
        code="activities.sessions",
        label="开展活动",
        unit="场",
        module="activities",
        definition="活动日期在期内的活动场次（家庭教育讲座、家长学校、托管班、交友、招聘、培训、普法等）。",
        date_basis="活动日期",
        perm="reports.view",
    ),
    FigureDef(
        code="activities.attendance",
        label="服务群众",
        unit="人次",
        module="activities",
        definition="期内活动的签到人次合计。",
        date_basis="活动日期",
        perm="reports.view",
    ),
    FigureDef(
        code="activities.family_education",
        label="家庭教育指导服务",
        unit="场",
        module="activities",
        definition="期内家庭教育类活动场次。",
        date_basis="活动日期",
        perm="reports.view",
    ),
]
