"""Reports at city scale: a district's and the city's yearly dashboard, and a district's yearly report.

Uses the case data set of `bench_cases.py` (cases spread over Shenzhen's communities, 2024 to 2026, written with
raw SQL around the models, so the figure summaries are rebuilt from the records once, and that time is reported).
For each page it reports the server time through the whole stack, the number of queries the page runs, and two
baselines measured in the same run:

- raw SQL over the summary tables: the case figures' totals, the counts by channel, risk level, category and
  street, and the monthly trend of the same place and year (what the page reads from the summaries);
- raw SQL over the case table: the same year's cases of the place by channel, risk level and street.

    python bench/bench_reports.py [--cases 500000] [--repeat 20]
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
    from jiayuan.reports import summaries
    from jiayuan.reports.models import FigureMonthly

    divisions_load()
    generate(total, 0, random.Random(13))
    # The data set is written around the models: its summaries are counted from the records once (kept
    # between runs of the same data set, as the data is).
    rows, rebuild_s = 0, 0.0
    if not FigureMonthly.objects.exists():
        started = time.perf_counter()
        rows = summaries.rebuild()
        rebuild_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data: {Case.objects.count():,} cases; summaries: {FigureMonthly.objects.count():,} rows"
        + (f", rebuilt from the records in {rebuild_s:.1f} s" if rows else " (kept from the run that built them)"),
        flush=True,
    )

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

    codes = [f.code for f in summaries.summarised()]

    def raw_summary(prefix: str):
        lo, hi = prefix, prefix + ";"
        start, end = f"{YEAR}-01-01", f"{YEAR + 1}-01-01"
        where = "division_id >= %s AND division_id < %s AND month >= %s AND month < %s"
        params = [lo, hi, start, end]
        marks = ", ".join(["%s"] * len(codes))
        statements = [
            (
                f"SELECT figure, SUM(n) FROM reports_figuremonthly WHERE figure IN ({marks}) AND dim = '' "
                f"AND {where} GROUP BY figure",
                [*codes, *params],
            )
        ]
        for figure, dim in (
            ("cases.received", "channel"),
            ("cases.received", "risk"),
            ("cases.received", "category"),
            ("cases.closed", "outcome"),
        ):
            statements.append(
                (
                    f"SELECT key, SUM(n) FROM reports_figuremonthly WHERE figure = %s AND dim = %s AND {where} "
                    "GROUP BY key",
                    [figure, dim, *params],
                )
            )
        for figure in ("cases.received", "cases.closed"):
            statements.append(
                (
                    f"SELECT substr(division_id, 1, {len(prefix) + 3}), SUM(n) FROM reports_figuremonthly "
                    f"WHERE figure = %s AND dim = '' AND {where} GROUP BY 1",
                    [figure, *params],
                )
            )
            statements.append(
                (
                    f"SELECT month, SUM(n) FROM reports_figuremonthly WHERE figure = %s AND dim = '' AND {where} "
                    "GROUP BY month",
                    [figure, *params],
                )
            )

        def go():
            with connection.cursor() as cursor:
                for sql, p in statements:
                    cursor.execute(sql, p)
                    cursor.fetchall()

        return go

    from django.test.utils import CaptureQueriesContext

    results = []
    for label, client, division, prefix in (
        ("district yearly dashboard (福田, 1 year)", district, DISTRICT, DISTRICT),
        ("city yearly dashboard (深圳, 1 year)", city, CITY, "4403"),
    ):
        url = f"/reports/?division={division}&period=year&year={YEAR}"
        assert client.get(url).status_code == 200
        connection.queries_log.clear()  # the log keeps the last 9,000 queries only
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        server = measure(lambda c=client, u=url: c.get(u), repeat=repeat, warmup=2)
        row = report(f"{label} vs summary SQL", server, measure(raw_summary(prefix), repeat=repeat))
        row["queries"] = len(ctx.captured_queries)
        print(f"{'':<44} {row['queries']} queries per page", flush=True)
        results.append(row)
        results.append(report(f"{label} vs case-table SQL", server, measure(raw(prefix), repeat=repeat)))

    from jiayuan.reports.models import ReportRun
    from jiayuan.reports.services import report_generate

    times = []
    for _ in range(3):
        run_row = ReportRun.objects.create(division_id=DISTRICT, year=YEAR, created_by=district_user)
        started = time.perf_counter()
        done = report_generate(run_id=run_row.pk)
        times.append((time.perf_counter() - started) * 1000)
        assert done.status == "done", done.error
    results.append(
        report("district yearly report (Word + Excel)", times, measure(raw_summary(DISTRICT), repeat=repeat))
    )
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
