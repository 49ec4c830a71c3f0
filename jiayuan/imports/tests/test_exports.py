"""The approval history as a background export: queued from the page, written as the requester sees the
approvals (scope), people masked, the download logged; bad periods refused with nothing queued."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from jiayuan.access.actor import Actor
from jiayuan.audit.models import AccessLog, Action
from jiayuan.care.relief import fund_create, relief_apply
from jiayuan.care.services import register_entry_create
from jiayuan.imports.models import ExportRun, RunStatus
from jiayuan.workflows.models import ApprovalStep
from tests.factories import FUTIAN, MEILIN, XIANGMIHU, community_of, make_person, make_user, system_actor


@pytest.fixture
def approvals(db):
    worker = make_user("street_staff", XIANGMIHU, display_name="张晓红")
    actor = Actor.for_user(worker)
    fund = fund_create(actor=system_actor(), name="困境妇女儿童救助金", division_code=FUTIAN, year=2026, budget=90000)
    for index in range(2):
        person = make_person(community_of(XIANGMIHU, 0), name=f"申请人{index}")
        register_entry_create(actor=actor, person=person, type_codes=["single_mother"], care_level="general")
        relief_apply(actor=actor, fund=fund, person=person, amount=1000, reason="电话 13800138000")
    return worker


def _rows(run: ExportRun) -> list[tuple]:
    with run.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
        return [tuple(r) for r in sheet.iter_rows(min_row=4, values_only=True)]


def test_approval_history_export_in_the_background(client, approvals):
    client.force_login(approvals)
    response = client.post(reverse("imports:exports"), {"start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 302
    run = ExportRun.objects.get()
    assert run.status == RunStatus.SUCCESS and run.total == ApprovalStep.objects.count() == 2
    rows = _rows(run)
    assert len(rows) == 2 and {r[8] for r in rows} == {"提交"}
    assert {r[9] for r in rows} == {"张*红"}  # the approver's name masked
    listing = client.get(reverse("imports:exports")).content.decode()
    assert "共 2 行" in listing and reverse("imports:export_file", args=[run.pk]) in listing
    before = AccessLog.objects.filter(action=Action.EXPORT).count()
    download = client.get(reverse("imports:export_file", args=[run.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert AccessLog.objects.filter(action=Action.EXPORT).count() == before + 1


def test_scope_and_bad_periods(client, approvals):
    other = make_user("street_staff", MEILIN)
    client.force_login(other)
    client.post(reverse("imports:exports"), {"start": "2026-01-01", "end": "2026-12-31"})
    theirs = ExportRun.objects.get()
    assert theirs.total == 0 and _rows(theirs) == []
    response = client.post(reverse("imports:exports"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.content.decode()
    assert 'value="2026-05-01"' in response.content.decode()  # what was typed is kept
    assert ExportRun.objects.count() == 1
    client.force_login(approvals)
    assert client.get(reverse("imports:export_file", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("imports:export_status", args=[theirs.pk])).status_code == 404


def test_more_rows_than_the_limit_need_the_bulk_export_right(client, approvals, settings):
    settings.REPORTS_EXPORT_LIMIT = 1
    client.force_login(approvals)
    response = client.post(reverse("imports:exports"), {"start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 400 and "超过单次导出上限 1 条" in response.content.decode()
    assert ExportRun.objects.count() == 0
    bulk = make_user("district_rights", FUTIAN)  # holds the bulk-export right
    client.force_login(bulk)
    assert client.post(reverse("imports:exports"), {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 302
    assert ExportRun.objects.get().total == 2


def test_whoever_may_start_an_export_may_follow_it_on_the_exports_page():
    """The export pages (数据导出, an export's progress and file) need `imports.export_approvals`: every role holding
    the right of any export kind holds it too, so a queued export is never out of its requester's sight."""
    from jiayuan.access.registry import permission_table
    from jiayuan.imports.export_views import PAGE_PERM
    from jiayuan.imports.exports import export_kinds

    table = permission_table()
    kinds = export_kinds()
    assert {"volunteers", "venues", "activities", "honours", "indicator_report"} <= set(kinds)
    missing = {kind: set(table[spec.perm]) - set(table[PAGE_PERM]) for kind, spec in kinds.items()}
    assert not {kind: roles for kind, roles in missing.items() if roles}
