"""The records behind a figure as an export kind (`imports.exports`): cases, the register and its reviews and
ledgers, pairings and contacts, screening visits and hazards, relief, and every other module's records, masked as
in the drill-down list, for the scope, period and breakdown bar asked for. Small exports download at once, large
ones are written in the background with their progress on the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ApplicationError
from jiayuan.imports.exports import ExportKind, ExportPlan, export_kind_register

from . import drilldown, selectors
from . import figures as catalogue
from .records import Column, columns_for, related_for

RECORDS = "records"
PERM = "reports.export"
PARAMS = ("figure", "division", "period", "year", "quarter", "month", "from", "to", "dim", "key", "part")


def records_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    scope = selectors.scope_resolve(actor=actor, division=params.get("division", ""))
    period = selectors.period_parse(params, today=timezone.localdate())
    code = params.get("figure", "")
    if not code:
        raise ApplicationError("请先选择要导出的指标。")
    dimension, key, part = params.get("dim", ""), params.get("key", ""), params.get("part", "")
    fig, qs = drilldown.figure_records(
        actor=actor, scope=scope, period=period, code=code, dimension=dimension, key=key, part=part
    )
    asked = catalogue.figure(code)
    label = asked.label if asked is not None else fig.label
    if asked is not None and asked.code != fig.code:  # a ratio: the side listed
        label = f"{asked.label}（{fig.label}）"
    shown = [scope.name, period.label]
    if dimension:
        dim = next((d for d in fig.dimensions if d.code == dimension), None)
        if dim is not None:
            shown.append(f"{dim.label}：{dim.labels().get(key, key)}")
    columns: list[Column] = columns_for(qs)
    related = related_for(qs)
    rows_qs = qs.select_related(*related) if related else qs

    def rows() -> Iterable[list[Any]]:
        for obj in rows_qs.iterator(chunk_size=2000):
            yield [c.value(obj) for c in columns]

    return ExportPlan(
        title=f"{scope.name} · {label} · {period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}",
        scope_label="，".join(shown),
        headers=[c.label for c in columns],
        total=qs.count(),
        rows=rows,
        division_code=scope.code,
        notes=(f"口径：{fig.definition}", "个人信息已隐藏。"),
        object_type=qs.model._meta.label_lower,
        detail={"figure": fig.code},
    )


def register() -> None:
    export_kind_register(
        ExportKind(kind=RECORDS, title="记录清单导出", perm=PERM, plan=records_plan, params=PARAMS, start_page=False)
    )
