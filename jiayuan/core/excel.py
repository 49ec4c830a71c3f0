"""Workbooks the product writes: text stays text, so no spreadsheet ever evaluates what a user typed.

Every xlsx the product hands out is built here (XlsxWriter with formula, URL and number conversion off),
and every cell goes through `write_cells`: a text starting with = + - @ (or a tab / carriage return, which
some spreadsheets strip before parsing) is written as a string cell with Excel's quote prefix, the same as
typing an apostrophe before it. The cell shows exactly what was typed, and editing it does not turn it into
a formula either (CWE-1236, "CSV/formula injection").
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# The first characters a spreadsheet reads as the start of a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

# XlsxWriter options: never guess that a string is a formula, a link or a number.
SAFE_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


class SafeBook:
    """An XlsxWriter workbook in memory with the safe options and a quote-prefix format at hand."""

    def __init__(self, *, constant_memory: bool = False, target=None):
        """In memory (`close()` returns the bytes), or into `target`, a binary file (`close()` returns b"")."""
        self.buffer = io.BytesIO() if target is None else None
        options = dict(SAFE_OPTIONS, in_memory=target is None)
        if constant_memory:
            options["constant_memory"] = True
        self.book = xlsxwriter.Workbook(self.buffer if target is None else target, options)
        self.quoted = self.book.add_format({"quote_prefix": True})
        self.bold = self.book.add_format({"bold": True})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._bold_quoted = self.book.add_format({"bold": True, "quote_prefix": True})
        self.quoted_variants: dict[int, Format] = {}

    def sheet(self, title: str) -> Worksheet:
        return self.book.add_worksheet(title[:31])

    def write_cells(
        self, sheet: Worksheet, row: int, col: int, values: Iterable[Any], fmt: Format | None = None
    ) -> None:
        for offset, value in enumerate(values):
            write_cell(self, sheet, row, col + offset, value, fmt)

    def header(self, sheet: Worksheet, headers: Iterable[str], row: int = 0) -> None:
        for offset, value in enumerate(headers):
            if is_formula_like(value):
                sheet.write_string(row, offset, value, self._bold_quoted)
            else:
                sheet.write_string(row, offset, str(value), self.bold)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue() if self.buffer is not None else b""


def write_cell(book: SafeBook, sheet: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """One cell, typed by its Python value; text is always a string cell, quoted when it looks like a formula."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt or book.datetime)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt or book.date)
    else:
        text = str(value)
        if is_formula_like(text):
            sheet.write_string(row, col, text, book.quoted if fmt is None else _quoted(book, fmt))
        else:
            sheet.write_string(row, col, text, fmt)


def _quoted(book: SafeBook, fmt: Format) -> Format:
    """A copy of `fmt` with the quote prefix (cached per format)."""
    cached = book.quoted_variants.get(id(fmt))
    if cached is None:
        properties = {key: value for key, value in fmt.__dict__.items() if key in _COPIED and value}
        cached = book.book.add_format({**properties, "quote_prefix": True})
        book.quoted_variants[id(fmt)] = cached
    return cached


_COPIED = {"bold", "italic", "num_format", "font_color", "bg_color", "text_wrap", "align", "valign", "border"}


def openpyxl_safe(value: Any) -> tuple[Any, bool]:
    """For the few workbooks built with openpyxl: the value to set and whether it needs the quote prefix.

    openpyxl turns any string starting with "=" into a formula; the caller sets `data_type = "s"` and
    `quotePrefix` on such cells (see `set_openpyxl_cell`).
    """
    return value, is_formula_like(value)


def set_openpyxl_cell(cell, value: Any) -> None:
    """Set an openpyxl cell so that text stays text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
