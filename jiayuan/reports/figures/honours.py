"""评先评优: figures of a module not yet in the product, listed as not recorded (never as zero).

When the `honours` app lands, its count selectors are wired in here: set `MODULE.first_use` and each
figure's `records` (the query listing the rows behind it), like the other module files.
"""

from __future__ import annotations

from .base import FigureDef, ModuleDef

MODULE = ModuleDef("honours", "评先评优", None)

FIGURES = [
    FigureDef(
        code="honours.red_banner_pacesetters",
        label="三八红旗手",
        unit="名",
        module="honours",
        definition="获评日期在期内的各级三八红旗手。",
        date_basis="获评日期",
        perm="reports.view",
    ),
    FigureDef(
        code="honours.red_banner_collectives",
        label="三八红旗集体",
        unit="个",
        module="honours",
        definition="获评日期在期内的各级三八红旗集体。",
        date_basis="获评日期",
        perm="reports.view",
    ),
    FigureDef(
        code="honours.civilised_posts",
        label="巾帼文明岗",
        unit="个",
        module="honours",
        definition="获评日期在期内的各级巾帼文明岗。",
        date_basis="获评日期",
        perm="reports.view",
    ),
    FigureDef(
        code="honours.families",
        label="最美家庭",
        unit="户",
        module="honours",
        definition="获评日期在期内的各级最美家庭。",
        date_basis="获评日期",
        perm="reports.view",
    ),
]
