"""The monitoring report of a year as export rows (no personal data in it). The workbook is written by the export
machinery (数据导出), which keeps the file and logs its downloads; the year asked is read here, the same for the
report page and its export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jiayuan.core.dates import query_int

from .models import Plan
from .selectors import Report, plan_years

HEADERS = ["领域", "指标", "单位", "达标方向", "目标值", "目标说明", "监测值", "数据来源", "是否达标", "责任单位"]


def report_period(plan: Plan, params: Mapping[str, str]) -> int:
    """The monitoring year asked for (by default the last full year of the plan)."""
    years = plan_years(plan)
    default = years[1] if len(years) > 1 else years[0]
    asked = query_int(params, "period", label="监测年度", minimum=min(years), maximum=max(years))
    return default if asked is None else asked


def report_title(report: Report) -> str:
    return f"{report.plan.name} {report.period} 年监测报告（{report.division.name}）"


def report_summary(report: Report) -> str:
    rate = f"{report.rate}%" if report.rate is not None else "无法计算"
    return (
        f"指标 {report.total} 项，有监测值 {report.total - report.missing} 项，缺失 {report.missing} 项；"
        f"达标 {report.attained_count} 项，达标率 {rate}"
    )


def report_cells(report: Report) -> Iterator[list[Any]]:
    # Text stays text: a source or a responsible unit typed as "=..." is a quoted string cell (core.excel).
    for area, rows in report.areas:
        for r in rows:
            yield [
                area,
                r.indicator.name,
                r.indicator.unit,
                r.indicator.get_direction_display(),
                str(r.target.value.normalize()) if r.target else "未设目标",
                ("示例目标" if r.target and r.target.is_example else "") if r.target else "",
                str(r.value.normalize()) if r.value is not None else "缺失",
                r.source or r.problem,
                {True: "达标", False: "未达标", None: "无法判断"}[r.attained],
                r.indicator.responsible,
            ]
