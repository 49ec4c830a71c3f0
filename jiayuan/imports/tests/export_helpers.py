"""Helpers for the export tests of every register: read a workbook written by the export machinery (title, note,
headers, then the rows), export through a list's button at once or in the background, and find the download's row
in the access log."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.http import HttpResponse
from django.test import Client

from jiayuan.audit.models import AccessLog, Action
from jiayuan.imports.models import ExportRun, RunStatus

FIRST_ROW = 4  # row 1 the title, row 2 what is masked, row 3 the headers


def body(response: HttpResponse) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def sheet_rows(content: bytes, sheet: int | str = 0, *, first: int = FIRST_ROW) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    return [tuple(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def run_rows(run: ExportRun, sheet: int | str = 0, *, first: int = FIRST_ROW) -> list[tuple[Any, ...]]:
    with run.file.open("rb") as handle:
        return sheet_rows(handle.read(), sheet, first=first)


def export_now(client: Client, url: str, params: dict[str, Any] | None = None) -> tuple[bytes, ExportRun]:
    """A small export: the button's GET downloads the workbook at once; the run is kept for its requester."""
    before = set(ExportRun.objects.values_list("pk", flat=True))
    response = client.get(url, params or {})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml"), (
        response.status_code,
        response.content[:300] if not response.streaming else b"",
    )
    run = ExportRun.objects.exclude(pk__in=before).get()
    assert run.status == RunStatus.SUCCESS
    return body(response), run


def export_queued(client: Client, url: str, params: dict[str, Any] | None = None) -> ExportRun:
    """A large export: the GET asks to confirm and writes nothing; 开始导出 queues it (the test backend runs the
    task at once) and its page shows it finished, listed on 数据导出 for its requester."""
    before = ExportRun.objects.count()
    confirm = client.get(url, params or {})
    assert confirm.status_code == 200 and "开始导出" in confirm.content.decode()
    assert ExportRun.objects.count() == before
    started = client.post(url, params or {})
    run = ExportRun.objects.order_by("-pk").first()
    assert run is not None and started["Location"] == f"/imports/exports/{run.pk}/"
    assert run.status == RunStatus.SUCCESS and run.file
    assert f"已完成，共 {run.total} 行" in client.get(started["Location"]).content.decode()
    assert f"/imports/exports/{run.pk}/" in client.get("/imports/exports/").content.decode()
    return run


def download_logged(client: Client, run: ExportRun) -> AccessLog:
    """Download a finished export; the access log's new row says so in Chinese."""
    response = client.get(f"/imports/exports/{run.pk}/download/")
    assert response.status_code == 200 and body(response)[:2] == b"PK"
    return last_download(run)


def last_download(run: ExportRun) -> AccessLog:
    row = AccessLog.objects.filter(action=Action.EXPORT, object_id=str(run.pk)).order_by("-id").first()
    assert row is not None and row.detail["download"] == run.kind
    assert row.detail["summary"] == f"下载导出文件：{run.title}（{run.scope_label}），共 {run.total:,} 行"
    return row


def export_refused(client: Client, url: str, params: dict[str, Any] | None = None) -> str:
    """Over the limit without the bulk-export right: a Chinese message on the GET and the POST, nothing kept."""
    before = ExportRun.objects.count()
    for method in (client.get, client.post):
        refused = method(url, params or {})
        assert refused.status_code == 400 and "超过单次导出上限" in refused.content.decode()
    assert ExportRun.objects.count() == before
    return refused.content.decode()
