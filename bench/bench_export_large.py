"""A 100,000-row people export through the pages: the export button (the count and the confirmation), the start
page queues a background export, the worker writes the masked workbook, the export's page shows it finished and
the file is downloaded. Baselines measured in the same run on the same rows: the raw SQL read of those rows, and
that read written to a plain XlsxWriter workbook (no decryption, no masking, no access log).

    python bench/bench_export_large.py [--rows 100000]

The people come from the people importer (`bench_import_large`'s rows, loaded once through `run_import` with the
background limits); later runs reuse them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_import import make_rows, workbook
from bench.common import district_user, setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args, _ = parser.parse_known_args()
    total = args.rows
    setup_django("export_large")
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from jiayuan.access.actor import Actor
    from jiayuan.divisions.models import Division, Level, subtree_q
    from jiayuan.imports.framework import run_import
    from jiayuan.imports.models import ExportRun, ImportRun, RunStatus
    from jiayuan.imports.people import SPEC
    from jiayuan.people.models import Person

    settings.REPORTS_EXPORT_LIMIT = max(total * 2, 200_000)
    user = district_user("bench-export-large", "导出压测")
    have = Person.objects.filter(subtree_q("440304"), deleted_at__isnull=True).count()
    if have < total:
        communities = dict(
            Division.objects.filter(level=Level.COMMUNITY, code__startswith="440304").values_list("code", "name")
        )
        rows = make_rows(total - have, sorted(communities), {c: c for c in communities}, Person.objects.count())
        print(f"loading {len(rows):,} people through the importer (once)…", flush=True)
        settings.IMPORT_MAX_ROWS_BACKGROUND = max(len(rows), 200_000)
        run = ImportRun(kind="people", user=user, division_id="440304", status=RunStatus.RUNNING)
        run.save()
        run = run_import(
            actor=Actor.for_user(user),
            spec=SPEC,
            file=SimpleUploadedFile("bench.xlsx", workbook(rows)),
            run=run,
        )
        assert run.status == RunStatus.SUCCESS, run.errors[:3]
    rows_total = Person.objects.filter(subtree_q("440304"), deleted_at__isnull=True).count()
    print(
        f"people in the district: {rows_total:,}; database: {connection.vendor}; task backend: "
        f"{settings.TASKS['default']['BACKEND'].rsplit('.', 1)[-1]}",
        flush=True,
    )

    # Baselines: the raw read of the same rows, then the same read written to a plain workbook.
    sql = (
        "SELECT p.id, p.name, p.gender, p.birth_date, p.id_number, d.name FROM people_person p "
        "JOIN divisions_division d ON d.code = p.division_id "
        "WHERE p.division_id >= %s AND p.division_id < %s AND p.deleted_at IS NULL ORDER BY p.id DESC"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, ["440304", "440305"])
        fetched = cursor.fetchall()
    raw_read_s = time.perf_counter() - started
    import xlsxwriter

    started = time.perf_counter()
    with connection.cursor() as cursor, tempfile.TemporaryFile() as handle:
        cursor.execute(sql, ["440304", "440305"])
        book = xlsxwriter.Workbook(handle, {"constant_memory": True})
        sheet = book.add_worksheet()
        for index, row in enumerate(cursor, start=1):
            sheet.write_row(index, 0, [str(v) if v is not None else "" for v in row])
        book.close()
    raw_write_s = time.perf_counter() - started

    # Through the pages.
    client = Client()
    client.force_login(user)
    client.get("/imports/exports/")  # warm-up: templates and URL patterns
    started = time.perf_counter()
    asked = client.post("/people/export/", {"division": ""})
    asked_s = time.perf_counter() - started
    assert asked.status_code == 200 and "在后台导出" in asked.content.decode(), asked.status_code
    queued_at = time.perf_counter()
    response = client.post("/imports/exports/new/people/", {"division": ""})
    queued_s = time.perf_counter() - queued_at
    run = ExportRun.objects.order_by("-id").first()
    assert response.status_code == 302 and run is not None, response.status_code
    worker_at = time.perf_counter()
    if run.in_progress:
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        run.refresh_from_db()
    worker_s = time.perf_counter() - worker_at
    page = client.get(response["Location"]).content.decode()
    download = client.get(f"/imports/exports/{run.pk}/download/")
    data = b"".join(download.streaming_content)
    end_to_end_s = time.perf_counter() - started
    if run.status != RunStatus.SUCCESS:
        print("export failed:", run.error, flush=True)
        return 1
    assert "已完成" in page and data[:2] == b"PK" and run.total == rows_total == len(fetched)
    n = run.total
    print(f"{'raw SQL read of the rows':<52} {n:>8,} rows {raw_read_s:8.2f} s  {n / raw_read_s:>9,.0f} rows/s")
    print(
        f"{'raw SQL read → plain XlsxWriter file':<52} {n:>8,} rows {raw_write_s:8.2f} s  "
        f"{n / raw_write_s:>9,.0f} rows/s"
    )
    print(
        f"{'export button → background run → download':<52} {n:>8,} rows {end_to_end_s:8.2f} s  "
        f"{n / end_to_end_s:>9,.0f} rows/s"
    )
    print(
        f"    count and confirmation page {asked_s:.2f} s; start page (queued) {queued_s:.2f} s; "
        f"worker {worker_s:.2f} s"
    )
    print(f"file: {len(data) / 1024 / 1024:.1f} MB")
    print(f"ratio export / raw read → plain file: {end_to_end_s / raw_write_s:.1f}x", flush=True)
    print(f"ratio export / raw read: {end_to_end_s / raw_read_s:.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
