"""Honours to Excel: holder names masked (a person's name only; units and family names are public)."""

from __future__ import annotations

import io

import xlsxwriter

from jiayuan.access.fields import mask_name
from jiayuan.core.excel import SAFE_OPTIONS

from .models import HolderType

HEADERS = ["年度", "荣誉类别", "级别", "对象类型", "对象", "所属区划", "授予日期", "授予机关", "文号"]


def holder_shown(holder_type: str, name: str) -> str:
    return mask_name(name) if holder_type == HolderType.PERSON else name


def honours_xlsx(qs) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **SAFE_OPTIONS})  # text stays text (core.excel)
    sheet = book.add_worksheet("荣誉")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    count = 0
    for count, h in enumerate(qs.iterator(chunk_size=2000), start=1):
        sheet.write_row(
            count,
            0,
            [
                h.year,
                h.kind.name,
                h.get_level_display(),
                h.get_holder_type_display(),
                holder_shown(h.holder_type, h.holder_name),
                h.division.name,
                h.granted_on.isoformat() if h.granted_on else "",
                h.granted_by,
                h.document_no,
            ],
        )
    sheet.set_column(0, len(HEADERS) - 1, 16)
    book.close()
    return buffer.getvalue(), count
