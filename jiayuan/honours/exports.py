"""Honours as export rows: holder names masked (a person's name only; units and family names are public). The
workbook is written by the export machinery (数据导出); the list's filters are read here, the same for the list and
its export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet

from jiayuan.access.fields import mask_name
from jiayuan.core.dates import query_int

from .models import HolderType, Honour
from .selectors import HonourFilters

HEADERS = ["年度", "荣誉类别", "级别", "对象类型", "对象", "所属区划", "授予日期", "授予机关", "文号"]


def holder_shown(holder_type: str, name: str) -> str:
    return mask_name(name) if holder_type == HolderType.PERSON else name


def honour_filters(params: Mapping[str, str]) -> HonourFilters:
    return HonourFilters(
        kind=params.get("kind", "")[:32],
        level=params.get("level", "")[:16],
        year=query_int(params, "year", label="年度", minimum=1949, maximum=2100),
        division=params.get("division", "")[:12],
        holder_type=params.get("holder_type", "")[:16],
    )


def honour_cells(queryset: QuerySet[Honour]) -> Iterator[list[Any]]:
    for h in queryset.iterator(chunk_size=2000):
        yield [
            h.year,
            h.kind.name,
            h.get_level_display(),
            h.get_holder_type_display(),
            holder_shown(h.holder_type, h.holder_name),
            h.division.name,
            h.granted_on.isoformat() if h.granted_on else "",
            h.granted_by,
            h.document_no,
        ]
