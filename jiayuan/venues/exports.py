"""Venues to Excel (XlsxWriter). A venue carries no personal data; every export is still written to the log."""

from __future__ import annotations

from jiayuan.core.excel import SafeBook

HEADERS = [
    "阵地类型",
    "名称",
    "所在区划代码",
    "所在区划",
    "地址",
    "经度",
    "纬度",
    "开放时间",
    "联系岗位",
    "联系电话",
    "运营组织",
    "面积（平方米）",
    "启用日期",
    "状态",
]


def venues_xlsx(queryset) -> tuple[bytes, int]:
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("阵地")
    book.header(sheet, HEADERS)
    sheet.set_column(0, 1, 24)
    sheet.set_column(4, 4, 36)
    count = 0
    for count, v in enumerate(queryset.iterator(chunk_size=2000), start=1):
        book.write_cells(
            sheet,
            count,
            0,
            [
                v.get_type_display(),
                v.name,
                v.division_id,
                v.division.name,
                v.address,
                float(v.longitude) if v.longitude is not None else "",
                float(v.latitude) if v.latitude is not None else "",
                v.opening_hours,
                v.contact_post,
                v.contact_phone,
                v.organisation.name if v.organisation_id else "",
                v.area_m2 or "",
                v.opened_on.isoformat() if v.opened_on else "",
                "在用" if v.is_active else "停用",
            ],
        )
    return book.close(), count
