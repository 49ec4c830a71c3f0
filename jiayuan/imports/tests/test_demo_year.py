"""A replayed year: the command loads a district's year through the importers only, and the yearly report of that
year (its workbook, its Word sentences and the figures API) states exactly what the imported ledgers imply."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.imports.replay import plan_year
from tests.factories import FUTIAN, make_user

YEAR = 2024
SCALE = 0.03


@pytest.mark.django_db
def test_the_yearly_report_states_what_the_replayed_ledgers_imply(client):
    from docx import Document
    from openpyxl import load_workbook

    call_command("demo_year", district=FUTIAN, year=YEAR, scale=SCALE, stdout=io.StringIO())
    runs = ImportRun.objects.filter(file_name__startswith=f"年度回放-{FUTIAN}-{YEAR}")
    assert runs.count() >= 6 and set(runs.values_list("status", flat=True)) == {RunStatus.SUCCESS}
    assert {"people", "register", "cases", "pairings", "screening", "relief"} <= set(
        runs.values_list("kind", flat=True)
    )
    expected = plan_year(FUTIAN, YEAR, scale=SCALE).expected  # counted from the ledgers' rows
    assert expected["cases.received"] > expected["cases.mediated_ok"] > 0 and expected["pairings.active"] > 0

    leader = make_user("leader", FUTIAN)
    client.force_login(leader)
    api = client.get(f"/api/reports/figures?division={FUTIAN}&period=year&year={YEAR}").json()
    stated = {f["code"]: f["value"] for f in api["figures"]}
    for code, value in expected.items():
        assert Decimal(str(stated[code])) == Decimal(str(value)), code

    response = client.post("/reports/report/generate/", {"division": FUTIAN, "year": YEAR}, follow=True)
    run_id = re.search(r"/reports/runs/(\d+)/xlsx/", response.content.decode()).group(1)
    book = load_workbook(io.BytesIO(b"".join(client.get(f"/reports/runs/{run_id}/xlsx/").streaming_content)))
    in_book = {row[0]: row[3] for row in book["全部指标"].iter_rows(min_row=4, values_only=True) if row[0]}
    for code, value in expected.items():
        assert Decimal(str(in_book[code])) == Decimal(str(value)), code
    doc = Document(io.BytesIO(b"".join(client.get(f"/reports/runs/{run_id}/docx/").streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"今年已接访处置个案 {expected['cases.received']} 宗" in text
    assert f"成功调解案件 {expected['cases.mediated_ok']} 宗" in text

    # Idempotent: a second replay of the same year imports nothing.
    call_command("demo_year", district=FUTIAN, year=YEAR, scale=SCALE, stdout=io.StringIO())
    assert ImportRun.objects.filter(file_name__startswith=f"年度回放-{FUTIAN}-{YEAR}").count() == runs.count()
