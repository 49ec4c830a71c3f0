"""Honours to Excel: holder names masked (a person's name only; units and family names are public)."""

from __future__ import annotations

from jiayuan.access.fields import mask_name
from jiayuan.core.excel import SafeBook

from .models import HolderType

HEADERS = ["年度", "荣誉类别", "级别", "对象类型", "对象", "所属区划", "授予日期", "授予机关", "文号"]


def holder_shown(holder_type: str, name: str) -> str:
    return mask_name(name) if holder_type == HolderType.PERSON else name


def honours_xlsx(qs) -> tuple[bytes, int]:
    # Text stays text: a holder, an authority or a document number typed as "=..." is a quoted string cell.
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("荣誉")
    book.header(sheet, HEADERS)
    count = 0
    for count, h in enumerate(qs.iterator(chunk_size=2000), start=1):
        book.write_cells(
            sheet,
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
    return book.close(), count
