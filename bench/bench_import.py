"""Excel import of the people registry: a 20,000-row workbook through the real importer.

Reports rows/s of the whole import (upload check, reading, validation, bulk look-ups, encryption, blind
indexes, bulk insert with history, access log) against baselines measured in the same run on the same rows:
reading the workbook alone (openpyxl, read-only) and a raw executemany of the same rows into the same table
(no validation, no encryption, no history; rolled back). DESIGN target: ≥ 3,000 rows/s.

    python bench/bench_import.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟"
GIVEN = ["秀英", "桂英", "丽", "敏", "静", "丽娟", "艳", "娟", "霞", "秀兰", "燕", "玲", "晓红", "雪梅", "慧", "婷"]
HEADERS = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "所属社区", "详细地址", "备注"]


def workbook(rows: list[list]) -> bytes:
    """The workbook as Excel or WPS saves one: shared strings, a <dimension> element (XlsxWriter writes both;
    openpyxl writes every text cell inline, which is slower to read than anything a user will upload)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("人员")
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, HEADERS)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write_string(index, column, str(value), text)
    book.close()
    return buffer.getvalue()


def make_rows(total: int, communities: list[str], names: dict[str, str], seed: int) -> list[list]:
    """Unique valid resident IDs: run `seed` uses its own range of birth dates, so reruns never collide."""
    from stdnum.cn import ric

    rng = random.Random(seed)
    start = dt.date(1940, 1, 1) + dt.timedelta(days=seed * (total // 500 + 1))
    rows = []
    for i in range(total):
        birth = start + dt.timedelta(days=i // 500)
        order = (i % 500) * 2  # even: female
        body = f"440304{birth:%Y%m%d}{order:03d}"
        community = rng.choice(communities)
        rows.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                "居民身份证",
                body + ric.calc_check_digit(body + "0"),
                "女",
                None,
                f"13{rng.randint(100000000, 999999999)}",
                community if i % 2 else names[community],
                f"某某路 {rng.randint(1, 999)} 号",
                "",
            ]
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args, _ = parser.parse_known_args()
    total = args.rows
    setup_django("import")
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from jiayuan.access.actor import Actor
    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.divisions.models import Division, Level
    from jiayuan.divisions.services import divisions_load
    from jiayuan.imports.framework import run_import
    from jiayuan.imports.models import RunStatus
    from jiayuan.imports.people import SPEC
    from jiayuan.people.models import Person

    if not Division.objects.filter(code="440304").exists():
        divisions_load()
    settings.IMPORT_MAX_ROWS = max(total, 20_000)
    user, created = User.objects.get_or_create(username="bench-import")
    if created:
        Posting.objects.create(
            user=user, role=Role.DISTRICT_RIGHTS, division_id="440304", valid_from=dt.date(2020, 1, 1)
        )
    actor = Actor.for_user(user)
    communities = dict(
        Division.objects.filter(level=Level.COMMUNITY, code__startswith="440304").values_list("code", "name")
    )
    unique_names = {}
    counts: dict[str, int] = {}
    for name in communities.values():
        counts[name] = counts.get(name, 0) + 1
    for code, name in communities.items():
        unique_names[code] = name if counts[name] == 1 else code
    seed = Person.objects.count() // max(total, 1)  # one birth-date range per earlier run
    rows = make_rows(total, sorted(communities), unique_names, seed)
    data = workbook(rows)
    print(
        f"workbook: {total:,} rows, {len(data) / 1024 / 1024:.1f} MB; people already in the database: "
        f"{Person.objects.count():,}; database: {connection.vendor}",
        flush=True,
    )

    # Baseline 1: reading the workbook alone.
    import openpyxl

    started = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    read = sum(1 for _ in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    book.close()
    read_s = time.perf_counter() - started

    # Baseline 2: raw executemany of the same rows (plain text, no checks, no history), rolled back.
    now = dt.datetime.now(dt.UTC)
    plain = [
        (
            r[0],
            "",
            "F",
            None,
            "resident",
            r[2],
            "",
            r[6] if r[6].isdigit() else min(communities),
            r[7],
            "",
            "",
            None,
            None,
            "",
            1,
            now,
            now,
        )
        for r in rows
    ]
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

    # The real importer, with its phases timed.
    phases: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0) + time.perf_counter() - t

        return wrapper

    spec = dataclasses.replace(
        SPEC,
        file_check=timed("file check (duplicates, bulk look-up)", SPEC.file_check),
        writer=timed("write (encrypt, bulk insert, history)", SPEC.writer),
    )
    started = time.perf_counter()
    run = run_import(actor=actor, spec=spec, file=SimpleUploadedFile("bench.xlsx", data))
    import_s = time.perf_counter() - started
    if run.status != RunStatus.SUCCESS:
        print("import failed:", run.errors[:5], flush=True)
        return 1
    assert run.created == total

    # A file with one bad row at the end: everything is checked, nothing written.
    rows[-1][2] = rows[-1][2][:-1] + ("0" if rows[-1][2][-1] != "0" else "1")
    bad = workbook(make_rows(total, sorted(communities), unique_names, seed + 1000)[:-1] + [rows[-1]])
    started = time.perf_counter()
    refused = run_import(actor=actor, spec=SPEC, file=SimpleUploadedFile("bad.xlsx", bad))
    check_s = time.perf_counter() - started
    assert refused.status == RunStatus.ERRORS and refused.created == 0

    rate = total / import_s
    print(
        f"{'read workbook only (openpyxl read-only)':<48} {read:>7,} rows {read_s:7.2f} s  "
        f"{read / read_s:>9,.0f} rows/s"
    )
    print(
        f"{'raw executemany, no checks/encryption':<48} {total:>7,} rows {raw_s:7.2f} s  {total / raw_s:>9,.0f} rows/s"
    )
    print(
        f"{'importer: whole import (written)':<48} {total:>7,} rows {import_s:7.2f} s  {rate:>9,.0f} rows/s  "
        f"(target ≥ 3,000: {'met' if rate >= 3000 else 'NOT met'})"
    )
    other = import_s - sum(phases.values())
    for name, seconds in [("upload check, read, parse, validate", other), *phases.items()]:
        print(f"    {name:<44} {seconds:7.2f} s  ({seconds / import_s:5.1%})")
    print(
        f"{'importer: file with one bad row (nothing kept)':<48} {total:>7,} rows {check_s:7.2f} s  "
        f"{total / check_s:>9,.0f} rows/s"
    )
    print(
        f"ratio importer / raw executemany: {import_s / raw_s:.1f}x; "
        f"importer / reading alone: {import_s / read_s:.1f}x",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
