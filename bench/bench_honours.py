"""Honours and the child-friendly city at city scale: 200,000 honours over Shenzhen's places, 5,000 child-friendly
projects with 50,000 assessments.

Reports the yearly honours counts (by kind and level) of a district and of the whole city, and a district's
child-friendly coverage over four years, through the whole stack (the JSON API, signed in), next to the raw SQL
that returns the same figures, measured in the same run.

    python bench/bench_honours.py [--honours 200000] [--projects 5000] [--assessments 50000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, report, setup_django

FUTIAN = "440304"
CITY = "440300"


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def generate(honours: int, projects: int, assessments: int, rng: random.Random) -> None:
    from django.db import transaction

    from jiayuan.childfriendly.models import Assessment, Project, StandardVersion
    from jiayuan.childfriendly.services import standards_ensure
    from jiayuan.divisions.models import Division, Level
    from jiayuan.honours.models import Honour, HonourKind
    from jiayuan.honours.services import honour_kinds_ensure
    from jiayuan.orgs.models import Organisation

    honour_kinds_ensure()
    standards_ensure()
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    communities = list(
        Division.objects.filter(level=Level.COMMUNITY, special=False).order_by("code").values_list("code", flat=True)
    )
    if Honour.objects.count() < honours:
        kinds = list(HonourKind.objects.values_list("id", flat=True))
        combos = list(
            itertools.product(kinds, ["national", "provincial", "city", "district", "street"], range(2015, 2026))
        )
        per_org = 10
        orgs_needed = honours // per_org + 1
        first = (Organisation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        with transaction.atomic():
            _insert(
                "orgs_organisation",
                [
                    "id",
                    "name",
                    "kind",
                    "domain_type",
                    "sanxin",
                    "division_id",
                    "credit_code",
                    "address",
                    "is_active",
                    "created_at",
                    "updated_at",
                    "version",
                ],
                [
                    (
                        first + i,
                        f"压测单位{i}",
                        "new_domain",
                        "building",
                        "new_economic",
                        rng.choice(communities),
                        "",
                        "",
                        True,
                        now,
                        now,
                        1,
                    )
                    for i in range(orgs_needed)
                ],
            )
            rows = []
            for i in range(orgs_needed):
                org_id = first + i
                for combo in rng.sample(combos, per_org):
                    if len(rows) >= honours:
                        break
                    rows.append((combo, org_id))
            divisions = dict(Organisation.objects.filter(pk__gte=first).values_list("id", "division_id"))
            _insert(
                "honours_honour",
                [
                    "kind_id",
                    "level",
                    "year",
                    "holder_type",
                    "organisation_id",
                    "holder_name",
                    "division_id",
                    "granted_by",
                    "document_no",
                    "created_at",
                    "updated_at",
                ],
                [
                    (k, lv, y, "organisation", org, f"压测单位{org - first}", divisions[org], "", "", now, now)
                    for (k, lv, y), org in rows
                ],
            )
        print(f"honours: {Honour.objects.count():,} in {time.perf_counter() - started:.0f} s", flush=True)
    if Project.objects.count() < projects:
        started = time.perf_counter()
        version = StandardVersion.objects.get(standard__code="community", number=1)
        items = [i["code"] for i in version.items]
        first = (Project.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        chosen = rng.sample(communities, min(len(communities), projects))
        with transaction.atomic():
            project_rows = []
            for i in range(projects):
                community = chosen[i % len(chosen)]
                year = rng.randint(2019, 2025)
                accepted = rng.random() < 0.6
                project_rows.append(
                    (
                        first + i,
                        f"压测项目{i}",
                        "community",
                        "district",
                        year,
                        "accepted" if accepted else "building",
                        community,
                        "",
                        dt.date(year, 11, 1) if accepted else None,
                        now,
                        now,
                        1,
                    )
                )
            _insert(
                "childfriendly_project",
                [
                    "id",
                    "name",
                    "type",
                    "level",
                    "year",
                    "status",
                    "division_id",
                    "lead",
                    "accepted_on",
                    "created_at",
                    "updated_at",
                    "version",
                ],
                project_rows,
            )
            _insert(
                "childfriendly_assessment",
                ["project_id", "version_id", "kind", "on", "answers", "score", "note", "created_at", "updated_at"],
                [
                    (
                        first + rng.randrange(projects),
                        version.pk,
                        rng.choice(["self", "expert", "questionnaire"]),
                        dt.date(2025, rng.randint(1, 12), rng.randint(1, 28)),
                        json.dumps({c: rng.random() < 0.8 for c in items}),
                        rng.randint(40, 100),
                        "",
                        now,
                        now,
                    )
                    for _ in range(assessments)
                ],
            )
        print(
            f"projects: {Project.objects.count():,}, assessments: {Assessment.objects.count():,} "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )


def run(honours: int, projects: int, assessments: int, repeat: int) -> list[dict]:
    setup_django("honours")
    from django.db import connection
    from django.test import Client

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.divisions.services import divisions_load

    divisions_load()
    generate(honours, projects, assessments, random.Random(15))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def client(name, role, code):
        u, created = User.objects.get_or_create(username=name)
        if created:
            Posting.objects.create(user=u, role=role, division_id=code, valid_from=dt.date(2020, 1, 1))
        c = Client()
        c.force_login(u)
        return c

    district = client("bench-honours-district", Role.DISTRICT_RIGHTS, FUTIAN)
    city = client("bench-honours-city", Role.LEADER, CITY)

    def raw(sql, params):
        def go():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        return go

    counts_sql = (
        "SELECT kind_id, level, COUNT(*) FROM honours_honour WHERE year = %s AND division_id >= %s "
        "AND division_id < %s GROUP BY kind_id, level"
    )
    city_sql = "SELECT kind_id, level, COUNT(*) FROM honours_honour WHERE year = %s GROUP BY kind_id, level"
    # The answers agree with the raw SQL before anything is timed.
    body = district.get("/api/honours/counts?year=2024").json()
    with connection.cursor() as cursor:
        cursor.execute(counts_sql, [2024, FUTIAN, FUTIAN + ";"])
        assert body["total"] == sum(n for _k, _l, n in cursor.fetchall()), body["total"]
    results = [
        report(
            f"district yearly honours counts ({body['total']:,})",
            measure(lambda: district.get("/api/honours/counts?year=2024"), repeat=repeat),
            measure(raw(counts_sql, [2024, FUTIAN, FUTIAN + ";"]), repeat=repeat),
        )
    ]
    body = city.get("/api/honours/counts?year=2024").json()
    results.append(
        report(
            f"city yearly honours counts ({body['total']:,})",
            measure(lambda: city.get("/api/honours/counts?year=2024"), repeat=repeat),
            measure(raw(city_sql, [2024]), repeat=repeat),
        )
    )
    coverage_sql = (
        "SELECT COUNT(DISTINCT p.division_id) FROM childfriendly_project p JOIN divisions_division d "
        "ON d.code = p.division_id WHERE p.type = 'community' AND p.status = 'accepted' AND p.accepted_on <= %s "
        "AND p.division_id >= %s AND p.division_id < %s AND d.level = 'community' AND NOT d.special"
    )
    results.append(
        report(
            "district child-friendly coverage (1 year)",
            measure(lambda: district.get(f"/api/childfriendly/coverage?division={FUTIAN}&year=2025"), repeat=repeat),
            measure(raw(coverage_sql, [dt.date(2025, 12, 31), FUTIAN, FUTIAN + ";"]), repeat=repeat),
        )
    )
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--honours", type=int, default=200_000)
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--assessments", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    args, _unknown = parser.parse_known_args(argv)
    print(
        f"== honours: {args.honours:,} honours, {args.projects:,} projects, {args.assessments:,} assessments ==",
        flush=True,
    )
    return run(args.honours, args.projects, args.assessments, args.repeat)


if __name__ == "__main__":
    main()
