"""Reports at city scale: a district's and the city's yearly dashboard, and a district's yearly report.

Uses the case data set of `bench_cases.py` (cases spread over Shenzhen's communities, 2024 to 2026, written with
raw SQL around the models, so the figure summaries are rebuilt from the records once, and that time is reported);
the district's cases also carry handling actions (mediation, follow-up, protection orders, legal aid…), so the
figures counted by an action's date read real rows; the district's register, ledgers, pairings and screening
visits (`care_data.py`) and the city's activities, check-ins, volunteers and service records (`bench_activities.py`)
are loaded too.
For each page it reports the server time through the whole stack, the number of queries the page runs, and two
baselines measured in the same run:

- raw SQL over the summary tables: the statements the page reads from them, written by hand (the place's
  roll-up rows of the year with every figure's total and breakdowns, the months of this and last year, the
  first day of use, the counts per street or district);
- raw SQL over the case table: the same year's cases of the place by channel, risk level and street.

The queries per page are counted on every database connection of the request (a replica too).

    python bench/bench_reports.py [--cases 500000] [--register 100000] [--activities 20000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, report, setup_django

GOALS = {"district yearly dashboard": 60, "city yearly dashboard": 150, "district yearly report": 10_000}
DISTRICT = "440304"
CITY = "440300"
YEAR = 2025


# Handling actions written for the district's cases (share of cases, kind): mediation on received cases,
# follow-up on closed ones, and the legal steps counted by the action's date.
ACTIONS = [
    (0.35, "mediation"),
    (0.10, "contact"),
    (0.04, "protection_order"),
    (0.03, "warning_letter"),
    (0.05, "legal_aid"),
    (0.01, "litigation"),
]


def add_actions(prefix: str, rng: random.Random) -> int:
    """Handling actions for the place's cases, written around the models like the cases (so its summaries are
    recounted from the records afterwards). Nothing when the place's cases already have actions."""
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    lo, hi = prefix, prefix + ";"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM cases_caseaction a JOIN cases_case c ON c.id = a.case_id "
            "WHERE c.division_id >= %s AND c.division_id < %s",
            [lo, hi],
        )
        if cursor.fetchone()[0]:
            return 0
        cursor.execute(
            "SELECT id, received_at, closed_at FROM cases_case WHERE division_id >= %s AND division_id < %s "
            "ORDER BY id",
            [lo, hi],
        )
        cases = cursor.fetchall()
    today = dt.date.today()
    rows = []
    for cid, received, closed in cases:
        if isinstance(received, str):  # SQLite
            received = dt.datetime.fromisoformat(received)
            closed = dt.datetime.fromisoformat(closed) if closed else None
        start = received.date()
        for share, kind in ACTIONS:
            if rng.random() < share:
                day = min(start + dt.timedelta(days=rng.randint(0, 40)), today)
                rows.append((kind, day, True if kind == "mediation" else None, cid))
        if closed is not None and rng.random() < 0.5:
            rows.append(("follow_up", min(closed.date() + dt.timedelta(days=rng.randint(3, 20)), today), None, cid))
    now = dt.datetime.now(dt.UTC)
    at = now if pg else now.replace(tzinfo=None).isoformat(" ")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO cases_caseaction (kind, occurred_on, success, satisfaction, note, data, at, actor_id, "
            f"case_id) VALUES (%s, %s, %s, NULL, '', {'%s::jsonb' if pg else '%s'}, %s, NULL, %s)",
            [(kind, day, success, "{}", at, cid) for kind, day, success, cid in rows],
        )
    return len(rows)


def run(total: int, repeat: int, register: int = 0, activities: int = 0) -> list[dict]:
    setup_django("reports")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.bench_cases import generate
    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.cases.models import Case
    from jiayuan.divisions.models import Division
    from jiayuan.divisions.services import divisions_load
    from jiayuan.reports import summaries
    from jiayuan.reports.models import FigureFirstUse, FigureMonthly, FigureRollup

    divisions_load()
    generate(total, 0, random.Random(13))
    actions = add_actions(DISTRICT, random.Random(14))
    # The district's register, ledgers, pairings and screening visits (the care benchmark's data set), so that
    # the dashboard reads those modules' figures over real rows too.
    from bench.care_data import generate as care_generate
    from jiayuan.care.models import RegisterEntry

    had = RegisterEntry.objects.count()
    care_generate(register, register * 2, register // 10, random.Random(11))
    added = RegisterEntry.objects.count() - had
    # The activity and volunteer data set of `bench_activities.py` (20,000 activities with 1,000,000 check-ins,
    # 50,000 volunteers with 500,000 service records across the city), so that those figures read real rows too.
    from bench.bench_activities import generate as activities_generate
    from jiayuan.activities.models import Activity

    had_activities = Activity.objects.count()
    if activities:
        activities_generate(activities, activities * 50, activities * 5 // 2, activities * 25, random.Random(38))
    new_activities = Activity.objects.count() - had_activities
    # The data set is written around the models: its summaries are counted from the records once (kept
    # between runs of the same data set, as the data is).
    rows, rebuild_s = 0, 0.0
    if not FigureMonthly.objects.exists() or new_activities:
        started = time.perf_counter()
        rows = summaries.rebuild()
        rebuild_s = time.perf_counter() - started
    else:
        if not FigureRollup.objects.exists() or not FigureFirstUse.objects.exists():
            summaries.rollup_recount()
            summaries.first_use_recount()
        if actions or added:  # records added to a data set summarised before: their district is recounted
            started = time.perf_counter()
            summaries.repair(prefix=DISTRICT)
            took = time.perf_counter() - started
            print(
                f"{actions:,} actions and {added:,} register entries added in {DISTRICT}, "
                f"its summaries recounted in {took:.1f} s"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data: {Case.objects.count():,} cases, {RegisterEntry.objects.count():,} register entries; "
        f"summaries: {FigureMonthly.objects.count():,} monthly rows, "
        f"{FigureRollup.objects.count():,} roll-up rows"
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

    def raw_summary(prefix: str, children: list[str]):
        """What the page reads from the summaries, as plain SQL: the place's roll-up rows of the year (every
        figure's total and breakdowns in one statement, the months of this and last year), the case module's
        first day of use, and the counts per child place (roll-up rows of the districts for the city, the
        monthly rows of the streets' communities for a district)."""
        start, end, before = f"{YEAR}-01-01", f"{YEAR}-12-31", f"{YEAR - 1}-01-01"
        marks = ", ".join(["%s"] * len(codes))
        statements = [
            (
                f"SELECT figure, dim, key, SUM(n) FROM reports_figurerollup WHERE place = %s AND month >= %s "
                f"AND month <= %s AND figure IN ({marks}) GROUP BY figure, dim, key",
                [prefix, start, end, *codes],
            ),
            (
                f"SELECT figure, month, SUM(n) FROM reports_figurerollup WHERE place = %s AND month >= %s "
                f"AND month <= %s AND figure IN ({marks}) AND dim = '' GROUP BY figure, month",
                [prefix, before, end, *codes],
            ),
            (
                "SELECT MIN(first) FROM reports_figurefirstuse WHERE module = 'cases' AND division_id >= %s "
                "AND division_id < %s",
                [prefix, prefix + ";"],
            ),
        ]
        if all(len(c) <= 6 for c in children):
            child_marks = ", ".join(["%s"] * len(children))
            statements.append(
                (
                    f"SELECT place, SUM(n) FROM reports_figurerollup WHERE place IN ({child_marks}) AND month >= %s "
                    "AND month <= %s AND figure = 'cases.received' AND dim = '' GROUP BY place",
                    [*children, start, end],
                )
            )
        else:
            statements.append(
                (
                    "SELECT division_id, SUM(n) FROM reports_figuremonthly WHERE division_id >= %s "
                    "AND division_id < %s AND month >= %s AND month <= %s AND figure = 'cases.received' AND dim = '' "
                    "GROUP BY division_id",
                    [prefix, prefix + ";", start, end],
                )
            )

        def go():
            with connection.cursor() as cursor:
                for sql, p in statements:
                    cursor.execute(sql, p)
                    cursor.fetchall()

        return go

    def page_queries(client, url: str) -> int:
        """The statements one request runs, on every database connection (a replica too, when configured)."""
        from django.db import connections

        contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]
        for ctx in contexts:
            connections[ctx.connection.alias].queries_log.clear()  # the log keeps the last 9,000 queries only
            ctx.__enter__()
        try:
            assert client.get(url).status_code == 200
        finally:
            for ctx in contexts:
                ctx.__exit__(None, None, None)
        return sum(len(ctx.captured_queries) for ctx in contexts)

    results = []
    for label, client, division, prefix in (
        ("district yearly dashboard (福田, 1 year)", district, DISTRICT, DISTRICT),
        ("city yearly dashboard (深圳, 1 year)", city, CITY, "4403"),
    ):
        url = f"/reports/?division={division}&period=year&year={YEAR}"
        assert client.get(url).status_code == 200
        queries = page_queries(client, url)
        children = list(Division.objects.filter(parent_id=division, special=False).values_list("prefix", flat=True))
        server = measure(lambda c=client, u=url: c.get(u), repeat=repeat, warmup=2)
        row = report(f"{label} vs summary SQL", server, measure(raw_summary(prefix, children), repeat=repeat))
        row["queries"] = queries
        print(f"{'':<44} {queries} queries per page", flush=True)
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
    streets = list(Division.objects.filter(parent_id=DISTRICT, special=False).values_list("prefix", flat=True))
    results.append(
        report("district yearly report (Word + Excel)", times, measure(raw_summary(DISTRICT, streets), repeat=repeat))
    )
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--register", type=int, default=100_000, help="register entries in the district")
    parser.add_argument(
        "--activities",
        type=int,
        default=20_000,
        help="activities city-wide, with check-ins and volunteers (0: none)",
    )
    args = parser.parse_args(argv)
    print(f"== reports, {args.cases:,} cases, {args.register:,} register entries ==", flush=True)
    before = os.getloadavg()[0]
    results = run(args.cases, args.repeat, args.register, args.activities)
    after = os.getloadavg()[0]
    # The goals on a 2-core machine; a busy machine (load well above its cores) slows every figure.
    print(f"machine load average: {before:.1f} at the start, {after:.1f} at the end ({os.cpu_count()} cores)")
    for what, limit in GOALS.items():
        row = next(r for r in results if r["what"].startswith(what))
        verdict = "met" if row["server_p95_ms"] <= limit else "NOT met"
        print(f"goal {what}: p95 {row['server_p95_ms']:.0f} ms (≤ {limit:,} ms) {verdict}", flush=True)
    return results


if __name__ == "__main__":
    main()
