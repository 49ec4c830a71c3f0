"""The people registry's export rows: always masked, read from the database in chunks (the workbook itself is
written by the export machinery, which keeps the file, its progress and its downloads)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from jiayuan.core.excel import SafeBook

from .models import Person
from .selectors import person_rows  # masked rows, never raw values

HEADERS = ["编号", "姓名", "性别", "年龄", "未成年", "证件号码", "电话", "社区"]


def people_rows(queryset: QuerySet[Person], *, chunk: int = 2000) -> Iterator[list[Any]]:
    """One list of masked cells per person of `queryset`, in its order."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        people = Person.objects.filter(pk__in=ids[start : start + chunk]).select_related("division").order_by("-id")
        for row in person_rows(people):
            yield [
                row.id,
                row.name,
                row.gender,
                row.age if row.age is not None else "",
                "是" if row.is_minor else "否",
                row.id_number,
                row.phone,
                row.division,
            ]


def people_xlsx(queryset: QuerySet[Person]) -> tuple[bytes, int]:
    """A small export written during the request (a large one is written by the background export)."""
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("人员")
    book.header(sheet, HEADERS)
    count = 0
    for count, cells in enumerate(people_rows(queryset), start=1):
        book.write_cells(sheet, count, 0, cells)
    return book.close(), count
