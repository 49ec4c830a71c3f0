"""Venues as export rows (a venue carries no personal data; every export is still logged by the export machinery,
数据导出, which writes the workbook, keeps the file and its downloads). The list's filters are read here, the same for
the list and its export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet

from .models import Venue
from .selectors import VenueFilters

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
ALL = "all"  # the status filter's "全部" (an empty value means the default: in use)


def venue_filters(params: Mapping[str, str]) -> VenueFilters:
    active = params.get("active", "1")[:3]
    return VenueFilters(
        type=params.get("type", "")[:32],
        division=params.get("division", "")[:12],
        active="" if active in (ALL, "") else active[:1],
        q=params.get("q", "").strip()[:50],
    )


def venue_cells(queryset: QuerySet[Venue]) -> Iterator[list[Any]]:
    for v in queryset.iterator(chunk_size=2000):
        yield [
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
            v.organisation.name if v.organisation is not None else "",
            v.area_m2 or "",
            v.opened_on.isoformat() if v.opened_on else "",
            "在用" if v.is_active else "停用",
        ]
