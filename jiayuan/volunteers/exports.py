"""Volunteers to Excel: names masked (张*红), no identifiers; every export is logged by the caller."""

from __future__ import annotations

from jiayuan.core.excel import SafeBook

from .selectors import volunteer_rows

HEADERS = ["编号", "姓名", "所在社区", "专长", "可服务时间", "注册日期", "已确认服务时长（小时）", "状态"]


def volunteers_xlsx(queryset, *, chunk: int = 2000) -> tuple[bytes, int]:
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("巾帼志愿者")
    book.header(sheet, HEADERS)
    count = 0
    ids = list(queryset.values_list("pk", flat=True))
    model = queryset.model
    for start in range(0, len(ids), chunk):
        batch = model.objects.filter(pk__in=ids[start : start + chunk]).select_related("person", "division")
        for row in volunteer_rows(batch.order_by("-id")):
            count += 1
            book.write_cells(
                sheet,
                count,
                0,
                [
                    row.id,
                    row.name,
                    row.division,
                    "、".join(row.skills),
                    row.availability,
                    row.registered_on.isoformat(),
                    row.confirmed_hours,
                    row.status,
                ],
            )
    return book.close(), count
