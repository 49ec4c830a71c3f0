"""A 100,000-row people import through the upload page: the page queues it as a background task (run at once in
the local settings; a worker in production), the task checks every row and writes the file in one transaction,
and the run page reports the result. Baseline measured in the same run: a raw executemany of the same rows
into the same table (no checks, no encryption, no history; rolled back).

    python bench/bench_import_large.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
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
    setup_django("import_large")
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from jiayuan.divisions.models import Division, Level
    from jiayuan.imports import background
    from jiayuan.imports.models import ImportRun, RunStatus
    from jiayuan.people.models import Person

    settings.IMPORT_MAX_ROWS_BACKGROUND = max(total, 200_000)
    settings.IMPORT_BACKGROUND_BYTES = 1  # the page sends every file of this benchmark to the background
    user = district_user("bench-import-large", "导入压测")
    communities = dict(
        Division.objects.filter(level=Level.COMMUNITY, code__startswith="440304").values_list("code", "name")
    )
    seed = Person.objects.count() // max(total, 1)  # one birth-date range per earlier run
    rows = make_rows(total, sorted(communities), {c: c for c in communities}, seed)
    data = workbook(rows)
    print(
        f"workbook: {total:,} rows, {len(data) / 1024 / 1024:.1f} MB; people already in the database: "
        f"{Person.objects.count():,}; database: {connection.vendor}; task backend: "
        f"{settings.TASKS['default']['BACKEND'].rsplit('.', 1)[-1]}",
        flush=True,
    )

    # Baseline: raw executemany of the same rows (plain text, no checks, no history), rolled back.
    now = dt.datetime.now(dt.UTC)
    plain = [(r[0], "", "F", None, "resident", r[2], "", r[6], r[7], "", "", None, None, "", 1, now, now) for r in rows]
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO people_person (name, name_initials, gender, birth_date, id_type, id_number, id_hash, "
                "division_id, address_detail, ethnicity, notes, created_by_id, deleted_at, deleted_reason, version, "
                "created_at, updated_at) VALUES (" + ",".join(["%s"] * 17) + ")",
                plain,
            )
        raw_s = time.perf_counter() - started
        transaction.set_rollback(True)

    # Through the page: the upload, the background run, its progress, the result page.
    updates: list[tuple[float, str, int]] = []
    original = background.progress_set

    def counted(run_id: int, stage: str, done: int, total_rows: int = 0) -> None:
        updates.append((time.perf_counter(), stage, done))
        original(run_id, stage, done, total_rows)

    background.progress_set = counted
    client = Client()
    client.force_login(user)
    client.get(reverse("imports:people"))  # warm-up: the first request loads templates and URL patterns
    started = time.perf_counter()
    response = client.post(reverse("imports:people"), {"file": SimpleUploadedFile("百万名单.xlsx", data)})
    posted_s = time.perf_counter() - started
    run = ImportRun.objects.order_by("-id").first()
    if response.status_code != 302 or run is None:
        print("upload refused:", response.status_code, response.content[:300], flush=True)
        return 1
    queued_s = time.perf_counter() - started
    if run.in_progress:
        # The worker `make run` starts beside the web server, here in this process until the queue is empty.
        from django.core.management import call_command

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        run.refresh_from_db()
    background.progress_set = original
    page = client.get(response["Location"]).content.decode()
    end_to_end_s = time.perf_counter() - started
    if run.status != RunStatus.SUCCESS:
        print("import failed:", run.errors[:5], flush=True)
        return 1
    assert run.created == total and "已成功导入" in page
    stages: dict[str, float] = {}
    previous, current = started, "upload"
    worker_end = time.perf_counter() - started
    for at, stage, _ in [*updates, (started + worker_end, "", 0)]:
        stages[current] = stages.get(current, 0) + at - previous
        previous, current = at, stage
    print(
        f"{'raw executemany, no checks/encryption':<52} {total:>8,} rows {raw_s:8.2f} s  {total / raw_s:>9,.0f} rows/s"
    )
    print(
        f"{'page upload → background run → result page':<52} {total:>8,} rows {end_to_end_s:8.2f} s  "
        f"{total / end_to_end_s:>9,.0f} rows/s"
    )
    for stage, seconds in stages.items():
        label = {"upload": "上传检查、保存、排队、等待后台进程"}.get(stage) or background.STAGES.get(stage, stage)
        print(f"    {label:<48} {seconds:8.2f} s")
    print(f"upload page answered (file checked, kept, run queued) in {queued_s:.2f} s ({posted_s:.2f} s request)")
    print(f"progress updates shown to the page: {len(updates)}")
    print(f"ratio page import / raw executemany: {end_to_end_s / raw_s:.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
