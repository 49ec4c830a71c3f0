"""Excel export of people: always masked, streamed from the database in chunks."""

from __future__ import annotations

from jiayuan.core.excel import SafeBook

from .selectors import person_rows  # masked rows, never raw values

HEADERS = ["编号", "姓名", "性别", "年龄", "未成年", "证件号码", "电话", "社区"]


def people_xlsx(queryset, *, chunk: int = 2000) -> tuple[bytes, int]:
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("人员")
    book.header(sheet, HEADERS)
    row_number = 0
    ids = list(queryset.values_list("pk", flat=True))
    model = queryset.model
    for start in range(0, len(ids), chunk):
        people = model.objects.filter(pk__in=ids[start : start + chunk]).select_related("division").order_by("-id")
        for row in person_rows(people):
            row_number += 1
            book.write_cells(
                sheet,
                row_number,
                0,
                [
                    row.id,
                    row.name,
                    row.gender,
                    row.age if row.age is not None else "",
                    "是" if row.is_minor else "否",
                    row.id_number,
                    row.phone,
                    row.division,
                ],
            )
    return book.close(), row_number
