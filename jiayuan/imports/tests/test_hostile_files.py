"""Hostile workbooks and hostile cell text: formulas stay text, blank-row bombs stop early, imports are throttled."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiayuan.core.excel import FORMULA_STARTS
from jiayuan.imports.framework import errors_workbook, run_import
from jiayuan.imports.models import RunStatus
from jiayuan.imports.people import SPEC
from tests.factories import make_person

from .test_people_import import HEADERS, person_row, xlsx

PAYLOADS = ['=HYPERLINK("http://evil.example/","点我")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def _cells(data: bytes):
    """Every cell of every sheet as openpyxl reads it (a formula cell has data_type "f")."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode("utf-8") for name in archive.namelist() if name.startswith("xl/worksheets/")
        )


def _assert_inert(data: bytes, payloads) -> None:
    cells = list(_cells(data))
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell was written as a formula"
    assert "<f>" not in _sheet_xml(data)
    texts = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert texts, "the hostile text should be in the workbook, as text"
    # Each such cell carries the quote prefix, like text typed after an apostrophe.
    assert all(c.quotePrefix for c in texts), [c.coordinate for c in texts if not c.quotePrefix]
    shown = " ".join(str(c.value) for c in texts)
    assert any(p[:6] in shown for p in payloads)


def test_error_workbook_writes_a_typed_header_as_text(client, scene):
    headers = [*HEADERS, *PAYLOADS]
    run = run_import(
        actor=scene["actor"],
        spec=SPEC,
        file=SimpleUploadedFile("名单.xlsx", xlsx([person_row(scene["community"])], headers=headers)),
    )
    assert run.status == RunStatus.ERRORS
    _assert_inert(errors_workbook(run), PAYLOADS)
    client.force_login(scene["worker"])
    response = client.get(reverse("imports:run_errors", kwargs={"run_id": run.pk}))
    assert response.status_code == 200
    _assert_inert(response.content, PAYLOADS)


def test_people_export_writes_a_name_starting_with_equals_as_text(client, scene):
    make_person(scene["community"], name='=HYPERLINK("http://evil.example","x")')
    make_person(scene["community"], name="@SUM(1+1)")
    client.force_login(scene["worker"])
    response = client.get(reverse("people:export"))
    assert response.status_code == 200
    _assert_inert(response.content, ["=HYPERL", "=*****", "@SUM", "@****"])


def _blank_row_bomb(community: str, blank_rows: int) -> bytes:
    """A real workbook: one header, one good row, then `blank_rows` blank rows and one more data row.

    Blank rows compress to almost nothing, so the file is small and expands a thousandfold."""
    good = xlsx([person_row(community)])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    # Rows without numbers continue from the last one; identical rows compress to almost nothing.
    blanks = '<row><c t="inlineStr"><is><t> </t></is></c></row>' * blank_rows
    late = '<row><c t="inlineStr"><is><t>迟到的一行</t></is></c></row>'
    sheet = sheet.replace("</sheetData>", blanks + late + "</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_run_of_blank_rows_ends_the_data(scene, settings):
    """Rows after the blank run are never read: the file imports its one real row and stops."""
    settings.IMPORT_BLANK_RUN = 50
    # Under 1 MB expanded, so the upload check's ratio test (for larger parts) lets it through to the reader.
    data = _blank_row_bomb(scene["community"], blank_rows=15_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(m.file_size for m in archive.infolist())
    assert expanded > 50 * len(data), "the test file should expand many times over"
    run = run_import(actor=scene["actor"], spec=SPEC, file=SimpleUploadedFile("名单.xlsx", data))
    assert run.status == RunStatus.SUCCESS, run.errors
    assert run.rows == 1


def test_a_workbook_expanding_past_the_import_budget_is_refused_unread(scene, settings):
    data = _blank_row_bomb(scene["community"], blank_rows=15_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(m.file_size for m in archive.infolist())
    settings.IMPORT_MAX_UNCOMPRESSED = expanded // 2
    run = run_import(actor=scene["actor"], spec=SPEC, file=SimpleUploadedFile("名单.xlsx", data))
    assert run.status == RunStatus.REFUSED
    assert "压缩炸弹" in run.errors[0][2]


def test_scattered_blank_rows_are_capped_by_rows_scanned(scene, settings):
    settings.IMPORT_BLANK_RUN = 5
    settings.IMPORT_MAX_ROWS = 10
    # Four blank rows after each data row never make a run of five, but the scan stops at 10 + 5 * 20 rows.
    rows = [person_row(scene["community"]) for _ in range(40)]
    run = run_import(
        actor=scene["actor"], spec=SPEC, file=SimpleUploadedFile("名单.xlsx", xlsx(rows, blank_rows_after=4))
    )
    assert run.status == RunStatus.REFUSED
    assert "空行过多" in run.errors[0][2] or "超过 10 行" in run.errors[0][2]


def test_imports_are_throttled_per_user(scene, settings):
    settings.JIAYUAN_RATE_LIMITS = {"import": (2, 600)}
    from django.core.cache import cache

    cache.clear()
    data = xlsx([person_row(scene["community"])], headers=["无关"])
    for _ in range(2):
        run_import(actor=scene["actor"], spec=SPEC, file=SimpleUploadedFile("名单.xlsx", data))
    from jiayuan.core.ratelimit import RateLimited

    with pytest.raises(RateLimited) as refused:
        run_import(actor=scene["actor"], spec=SPEC, file=SimpleUploadedFile("名单.xlsx", data))
    assert "频繁" in refused.value.message
    cache.clear()
