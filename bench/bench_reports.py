"""Reports at city scale: a district's and the city's yearly dashboard, and a district's yearly report.

Uses the case data set of `bench_cases.py` (cases spread over Shenzhen's communities, 2024 to 2026) and reports,
for each, the server time through the whole stack and the raw SQL that counts the same year's cases of the place
by channel, by month and by street (the core of the dashboard), measured in the same run.

    python bench/bench_reports.py [--cases 500000] [--repeat 20]

The figures are counted from the records (no summary tables yet), so the raw SQL baseline is over the case table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, report, setup_django

DISTRICT = "440304"
CITY = "440300"
YEAR = 2025


def run(total: int, repeat: int) -> list[dict]:
    setup_django("reports")
    from django.db import connection
    from django.test import Client

    from bench.bench_cases import generate
    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.cases.models import Case
    from jiayuan.divisions.services import divisions_load

    divisions_load()
    generate(total, 0, random.Random(13))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"data: {Case.objects.count():,} cases", flush=True)

    def user(name: str, role: str, division: str):
        obj, created = User.objects.get_or_create(username=name)
        if created:
            Posting.objects.create(user=obj, role=role, division_id=division, valid_from=dt.date(2020, 1, 1))
        client = Client()
        client.force_login(obj)
        return obj, client

    district_user, district = user("bench-reports-district", Role.LEADER, DISTRICT)
    _, city = user("bench-reports-city", Role.LEADER, CITY)

    def raw(prefix: str):
        lo, hi = prefix, prefix + ";"
        start, end = f"{YEAR}-01-01", f"{YEAR + 1}-01-01"
        where = "division_id >= %s AND division_id < %s AND restricted = %s AND received_at >= %s AND received_at < %s"
        params = [lo, hi, False, start, end]
        statements = [
            (f"SELECT channel, COUNT(*) FROM cases_case WHERE {where} GROUP BY channel", params),
            (f"SELECT risk_level, COUNT(*) FROM cases_case WHERE {where} GROUP BY risk_level", params),
            (
                f"SELECT substr(division_id, 1, {len(prefix) + 3}), COUNT(*) FROM cases_case WHERE {where} GROUP BY 1",
                params,
            ),
        ]

        def go():
            with connection.cursor() as cursor:
                for sql, p in statements:
                    cursor.execute(sql, p)
                    cursor.fetchall()

        return go

    results = []
    for label, client, division, prefix in (
        ("district yearly dashboard (福田, 1 year)", district, DISTRICT, DISTRICT),
        ("city yearly dashboard (深圳, 1 year)", city, CITY, "4403"),
    ):
        url = f"/reports/?division={division}&period=year&year={YEAR}"
        assert client.get(url).status_code == 200
        server = measure(lambda c=client, u=url: c.get(u), repeat=repeat, warmup=2)
        results.append(report(label, server, measure(raw(prefix), repeat=repeat)))

    from jiayuan.reports.models import ReportRun
    from jiayuan.reports.services import report_generate

    times = []
    for _ in range(3):
        run_row = ReportRun.objects.create(division_id=DISTRICT, year=YEAR, created_by=district_user)
        started = time.perf_counter()
        done = report_generate(run_id=run_row.pk)
        times.append((time.perf_counter() - started) * 1000)
        assert done.status == "done", done.error
    results.append(report("district yearly report (Word + Excel)", times, measure(raw(DISTRICT), repeat=repeat)))
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    print(f"== reports, {args.cases:,} cases ==", flush=True)
    return run(args.cases, args.repeat)


if __name__ == "__main__":
    main()
