"""评先评优: honours held, by kind, read through the honours app's selectors (the records behind each figure)."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.honours.models import Honour
from jiayuan.honours.selectors import honours_for_figures

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, year_start

# The first year an honour is recorded in the federation (`honours.selectors.honours_first_year`), from 1 January.
MODULE = ModuleDef("honours", "评先评优", first_day(Honour, "year", convert=year_start))

LEVEL = Dimension("level", "级别", "level", choice_labels(Honour, "level"))
DIVISION = Dimension("division", "街道/社区", "division")


def _of(kind_code: str = "", *, cumulative: bool = False):
    def records(actor: Actor, query: Query) -> QuerySet:
        return honours_for_figures(
            actor=actor,
            prefix=query.prefix,
            start=query.start,
            end=query.end,
            kind_code=kind_code,
            cumulative=cumulative,
        ).select_related("kind", "division")

    return records


def _figure(code: str, label: str, unit: str, kind_code: str, definition: str) -> FigureDef:
    return FigureDef(
        code=code,
        label=label,
        unit=unit,
        module="honours",
        definition=definition,
        date_basis="获评日期",
        perm="honours.view",
        records=_of(kind_code),
        date_path="granted_on",
        dimensions=(LEVEL, DIVISION),
    )


FIGURES = [
    _figure(
        "honours.red_banner_pacesetters", "三八红旗手", "名", "sanba_hongqishou", "获评日期在期内的各级三八红旗手。"
    ),
    _figure(
        "honours.red_banner_collectives",
        "三八红旗集体",
        "个",
        "sanba_hongqi_jiti",
        "获评日期在期内的各级三八红旗集体。",
    ),
    _figure("honours.civilised_posts", "巾帼文明岗", "个", "jinguo_wenming_gang", "获评日期在期内的各级巾帼文明岗。"),
    _figure("honours.families", "最美家庭", "户", "zuimei_jiating", "获评日期在期内的各级最美家庭。"),
    FigureDef(
        code="honours.cumulative",
        label="各级荣誉（截至期末累计）",
        unit="项",
        module="honours",
        definition="截至期末获得的各级各类荣誉（获评日期不晚于期末，未登记日期的按评选年度）。",
        date_basis="期末",
        perm="honours.view",
        records=_of(cumulative=True),
        dimensions=(LEVEL, DIVISION),
    ),
]
