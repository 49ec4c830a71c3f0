"""The monitoring report of a year as Excel (no personal data in it)."""

from __future__ import annotations

from jiayuan.core.excel import SafeBook

from .selectors import Report


def report_xlsx(report: Report) -> bytes:
    # Text stays text: a source or a responsible unit typed as "=..." is a quoted string cell (core.excel).
    book = SafeBook()
    sheet = book.sheet("监测报告")
    book.write_cells(
        sheet, 0, 0, [f"{report.plan.name} {report.period} 年监测报告（{report.division.name}）"], book.bold
    )
    rate = f"{report.rate}%" if report.rate is not None else "无法计算"
    book.write_cells(
        sheet,
        1,
        0,
        [
            f"指标 {report.total} 项，有监测值 {report.total - report.missing} 项，缺失 {report.missing} 项；"
            f"达标 {report.attained_count} 项，达标率 {rate}"
        ],
    )
    headers = ["领域", "指标", "单位", "达标方向", "目标值", "目标说明", "监测值", "数据来源", "是否达标", "责任单位"]
    book.header(sheet, headers, row=3)
    row_number = 4
    for area, rows in report.areas:
        for r in rows:
            book.write_cells(
                sheet,
                row_number,
                0,
                [
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
                ],
            )
            row_number += 1
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 9, 14)
    return book.close()
