"""Large exports in the background: the records behind a figure (here the care register) and the people registry.
A GET shows how many rows and writes nothing; confirming queues the export, whose page shows its progress and then
the file, kept for its requester only; every download is logged in Chinese; the limit holds at the request and
again when the file is written; a name typed in a search is never logged."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.audit.models import AccessLog, Action
from jiayuan.care.models import RegisterEntry
from jiayuan.care.services import register_entry_create
from jiayuan.divisions.models import Division
from jiayuan.imports.exports import export_files_purge, export_generate, keep_days
from jiayuan.imports.models import ExportRun, RunStatus
from jiayuan.people.models import Person
from tests.factories import CITY, XIANGMIHU, community_of, make_person, make_user


@pytest.fixture
def register(db, settings):
    settings.EXPORT_IMMEDIATE_ROWS = 1  # every export of more than one row goes to the background here
    worker = make_user("street_staff", XIANGMIHU)
    actor = Actor.for_user(worker)
    for index in range(3):
        person = make_person(community_of(XIANGMIHU, 0), name=f"欧阳秀{index}")
        register_entry_create(actor=actor, person=person, type_codes=["single_mother"])
    url = (
        f"/reports/records/export/?figure=care.on_register&division={XIANGMIHU}"
        f"&period=year&year={timezone.localdate().year}"
    )
    return {"worker": worker, "url": url}


def _rows(run: ExportRun) -> list[tuple]:
    with run.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
        return [tuple(r) for r in sheet.iter_rows(min_row=4, values_only=True)]


def test_a_large_records_export_is_confirmed_written_in_the_background_and_downloaded(client, register):
    on_register = RegisterEntry.objects.count()  # all in the street
    client.force_login(register["worker"])
    confirm = client.get(register["url"])
    assert confirm.status_code == 200 and f"共 <strong>{on_register}</strong> 条" in confirm.content.decode()
    assert not ExportRun.objects.exists()  # asking writes nothing

    started = client.post(register["url"])
    run = ExportRun.objects.get()
    assert started["Location"] == f"/imports/exports/{run.pk}/"
    assert (run.status, run.total, run.kind) == (RunStatus.SUCCESS, on_register, "records")
    street = Division.objects.get(code=XIANGMIHU).name
    assert run.scope_label.startswith(street) and run.params["figure"] == "care.on_register"
    rows = _rows(run)
    assert len(rows) == on_register and all("*" in r[0] and "欧阳秀" not in r[0] for r in rows)

    page = client.get(started["Location"]).content.decode()
    assert "已完成，共 3 行" in page and f"/imports/exports/{run.pk}/download/" in page
    assert f"/imports/exports/{run.pk}/" in client.get("/imports/exports/").content.decode()
    before = AccessLog.objects.filter(action=Action.EXPORT).count()
    download = client.get(f"/imports/exports/{run.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    logged = AccessLog.objects.filter(action=Action.EXPORT).order_by("-id").first()
    assert AccessLog.objects.filter(action=Action.EXPORT).count() == before + 1
    assert logged.detail["summary"].startswith("下载导出文件：") and logged.object_id == str(run.pk)
    client.force_login(make_user("auditor", CITY))  # the auditor reads it in Chinese
    audit = client.get("/audit/", {"action": "export"}).content.decode()
    assert logged.detail["summary"] in audit and f"导出记录 第 {run.pk} 号" in audit

    # A colleague of the same street neither sees nor downloads it: the file was written with its requester's reach.
    client.force_login(make_user("street_staff", XIANGMIHU))
    for path in ("", "status/", "download/"):
        assert client.get(f"/imports/exports/{run.pk}/{path}").status_code == 404
    assert f"/imports/exports/{run.pk}/" not in client.get("/imports/exports/").content.decode()

    # After the keeping period the daily job deletes the file; the record of the export stays.
    assert export_files_purge(now=timezone.now() + dt.timedelta(days=keep_days() + 1)) == 1
    client.force_login(register["worker"])
    expired = client.get(f"/imports/exports/{run.pk}/download/")
    assert expired.status_code == 409 and "超过保存期" in expired.content.decode()
    assert "文件已超过保存期" in client.get(f"/imports/exports/{run.pk}/").content.decode()


def test_progress_while_running_and_the_limit_at_the_request_and_at_the_write(client, register, settings):
    worker = register["worker"]
    running = ExportRun.objects.create(
        kind="records", user=worker, division_id=XIANGMIHU, status=RunStatus.RUNNING, total=1000, done=250
    )
    client.force_login(worker)
    progress = client.get(f"/imports/exports/{running.pk}/status/?full=1").content.decode()
    assert "已写 250 / 1000 行" in progress and 'value="25"' in progress and "every 2s" in progress

    settings.REPORTS_EXPORT_LIMIT = 2  # the street's staff hold no bulk-export right
    for method in (client.get, client.post):
        refused = method(register["url"])
        assert refused.status_code == 400 and "超过单次导出上限 2 条" in refused.content.decode()
    assert ExportRun.objects.count() == 1

    # Queued while under the limit, grown past it before the worker wrote it: refused, no file kept.
    params = {"figure": "care.on_register", "division": XIANGMIHU, "period": "year"}
    queued = ExportRun.objects.create(kind="records", user=worker, division_id=XIANGMIHU, params=params)
    done = export_generate(run_id=queued.pk)
    assert done.status == RunStatus.REFUSED and "超过单次导出上限" in done.error and not done.file


def test_a_large_people_export_goes_to_the_background_with_its_filters(client, register, settings):
    community = community_of(XIANGMIHU, 0)
    client.force_login(register["worker"])
    assert 'action="/imports/exports/new/people/"' in client.get("/people/").content.decode()  # the list's button
    asked = client.post("/people/export/", {"division": community, "q": ""})
    assert asked.status_code == 200 and "在后台导出" in asked.content.decode()
    started = client.post("/imports/exports/new/people/", {"division": community, "q": "欧阳", "gender": "F"})
    run = ExportRun.objects.get(kind="people")
    assert started["Location"] == f"/imports/exports/{run.pk}/" and run.status == RunStatus.SUCCESS
    expected = Person.objects.filter(division_id=community, name__startswith="欧阳", gender="F").count()
    rows = _rows(run)
    assert len(rows) == run.total == expected == 3 and all(r[1].startswith("欧") and "*" in r[1] for r in rows)
    assert "按姓名检索" in run.scope_label and "欧阳" not in run.scope_label
    client.get(f"/imports/exports/{run.pk}/download/")
    # The name typed is kept on the requester's own run, never in the access log.
    assert not any("欧阳" in str(row.detail) for row in AccessLog.objects.filter(action=Action.EXPORT))
    refused = client.post("/imports/exports/new/people/", {"q": "13800138000"})
    assert refused.status_code == 400 and "不能导出" in refused.content.decode()
    # A small export downloads at once and is kept all the same.
    settings.EXPORT_IMMEDIATE_ROWS = 1000
    small = client.post("/imports/exports/new/people/", {"division": community})
    assert small.status_code == 200 and b"".join(small.streaming_content)[:2] == b"PK"
    assert ExportRun.objects.filter(kind="people", status=RunStatus.SUCCESS).count() == 2
