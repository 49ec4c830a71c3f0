"""The workbooks an import hands out: the blank template of a kind and the error list of a run."""

from __future__ import annotations

from typing import Any

from jiayuan.core.excel import SafeBook, set_openpyxl_cell

from .framework import ImportSpec, blank_run, max_rows
from .models import ImportRun

# --- The blank template ------------------------------------------------------------------------------------


def template_workbook(spec: ImportSpec, examples: dict[str, Any] | None = None) -> bytes:
    """Headers, one example row and a notes sheet explaining each column (built on the fly).

    `examples` overrides a column's example by key (e.g. a community in the downloading user's scope).
    """
    import io

    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = spec.sheet_title
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    examples = examples or {}
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sample = examples.get(column.key, column.example)
        head = sheet.cell(row=1, column=index)
        set_openpyxl_cell(head, column.header)
        head.font = bold
        if column.required:
            head.fill = fill
        example = sheet.cell(row=2, column=index)
        set_openpyxl_cell(example, sample if sample != "" else None)
        if column.text:
            example.number_format = "@"
            for row in range(3, 502):  # keep digits as typed in the rows people fill in
                sheet.cell(row=row, column=index).number_format = "@"
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
            validation.error = f"请从下拉列表中选择{column.header}。"
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{max_rows() + 1}")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    for col, title in enumerate(["列名", "是否必填", "说明", "示例"], start=1):
        head = notes.cell(row=1, column=col)
        set_openpyxl_cell(head, title)
        head.font = bold
    for number, column in enumerate(spec.columns, start=2):
        example_text = str(examples.get(column.key, column.example) or "")
        values = [column.header, "必填" if column.required else "选填", column.help, example_text]
        for col, value in enumerate(values, start=1):
            set_openpyxl_cell(notes.cell(row=number, column=col), value)
    lines = (
        "只导入第一个工作表；第一行为表头，列的顺序可以调整，列名须与模板一致。",
        f"第 2 行为示例，导入前请删除或改成真实数据。空行会被跳过；连续 {blank_run()} 个空行视为数据结束。",
        f"一个文件最多 {max_rows()} 行。任何一行有错误时整个文件都不会导入，请按错误清单修改后重新上传。",
        *spec.notes,
    )
    first = len(spec.columns) + 3  # one blank row after the columns
    for number, line in enumerate(lines, start=first):
        set_openpyxl_cell(notes.cell(row=number, column=1), line)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 80
    notes.column_dimensions["D"].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_workbook(run: ImportRun) -> bytes:
    """The error list of a run as a workbook (row, column, message): no cell values, so no personal data.

    A header the uploader typed can come back in a message ("无法识别的列：=HYPERLINK(...)"): every cell is
    written as text (`core.excel`), so no spreadsheet evaluates it."""
    book = SafeBook()
    sheet = book.sheet("错误清单")
    book.header(sheet, ["行号", "列", "错误原因"])
    line = 1
    for row, column, message in run.errors:
        book.write_cells(sheet, line, 0, [row if row else "整个文件", column or "", message])
        line += 1
    if run.error_count > len(run.errors):
        book.write_cells(sheet, line + 1, 0, [f"共 {run.error_count} 处错误，此处列出前 {len(run.errors)} 处。"])
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 80)
    return book.close()
