"""Care at scale: 100,000 register entries with 2,000,000 ledger lines, 20,000 helpers (all in Futian, the
worst case for the district's figures).

Reports, for a community's register list, one person's ledger page, match suggestions for one child
among 20,000 helpers and the district's care statistics, the server time through the whole stack and
the raw SQL for the same rows, measured in the same run.

    python bench/bench_care.py [--entries 100000] [--ledger 2000000] [--helpers 20000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.care_data import FUTIAN, generate
from bench.common import measure, report, setup_django


def run(entries: int, ledger: int, helpers: int, repeat: int) -> list[dict]:
    setup_django("care")
    from django.db import connection
    from django.test import Client

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.care.models import LedgerEntry, Pairing, RegisterEntry
    from jiayuan.divisions.services import divisions_load

    divisions_load()
    generate(entries, ledger, helpers, random.Random(11))
    with connection.cursor() as cursor:  # planner statistics for indexes added by migrations after the data
        cursor.execute("ANALYZE")

    def user(name, role, code):
        u, created = User.objects.get_or_create(username=name)
        if created:
            Posting.objects.create(user=u, role=role, division_id=code, valid_from=dt.date(2020, 1, 1))
        c = Client()
        c.force_login(u)
        return c

    # The busiest community, an unpaired child there, a person with a long ledger.
    busiest = (
        RegisterEntry.objects.filter(status="active")
        .values("division_id")
        .order_by()
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        .order_by("-n")
        .first()
    )
    community = busiest["division_id"]
    community_client = user("bench-community", Role.COMMUNITY_WORKER, community)
    district_client = user("bench-district", Role.DISTRICT_RIGHTS, FUTIAN)
    paired = Pairing.objects.filter(status="active").values("person_id")
    child = (
        RegisterEntry.objects.filter(
            division_id=community,
            status="active",
            person__birth_date__gt=dt.date.today().replace(year=dt.date.today().year - 18),
        )
        .exclude(person_id__in=paired)
        .order_by("id")
        .first()
    )
    person_id = child.person_id
    results = []

    def raw(statements):
        def go():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return go

    lo, hi = community, community + ";"
    register_sql = [
        (
            "SELECT COUNT(*) FROM care_registerentry e WHERE e.division_id >= %s AND e.division_id < %s "
            "AND e.status = 'active'",
            [lo, hi],
        ),
        (
            "SELECT e.id, e.person_id, p.name, p.birth_date, d.name, e.care_level, e.next_review_on "
            "FROM care_registerentry e "
            "JOIN people_person p ON p.id = e.person_id JOIN divisions_division d ON d.code = e.division_id "
            "WHERE e.division_id >= %s AND e.division_id < %s AND e.status = 'active' ORDER BY e.id DESC LIMIT 50",
            [lo, hi],
        ),
    ]
    n = RegisterEntry.objects.filter(division_id=community, status="active").count()
    results.append(
        report(
            f"community register list (50 of {n})",
            measure(lambda: community_client.get("/care/"), repeat=repeat),
            measure(raw(register_sql), repeat=repeat),
        )
    )

    ledger_n = LedgerEntry.objects.filter(person_id=person_id).count()
    ledger_sql = [
        (
            "SELECT COUNT(*) FROM care_ledgerentry l WHERE l.person_id = %s AND l.division_id >= %s AND "
            "l.division_id < %s",
            [person_id, lo, hi],
        ),
        (
            'SELECT l.id, l.kind, l."on", l.content, l.amount FROM care_ledgerentry l WHERE l.person_id = %s AND '
            'l.division_id >= %s AND l.division_id < %s ORDER BY l."on" DESC, l.id DESC LIMIT 50',
            [person_id, lo, hi],
        ),
    ]
    results.append(
        report(
            f"a person's ledger page ({ledger_n} lines)",
            measure(lambda: community_client.get(f"/care/people/{person_id}/ledger/"), repeat=repeat),
            measure(raw(ledger_sql), repeat=repeat),
        )
    )

    band = (
        "SELECT h.id, COUNT(s.dictionaryitem_id) AS matched, h.capacity - h.active_count AS room "
        "FROM care_helper h LEFT JOIN care_helper_skills s ON s.helper_id = h.id AND s.dictionaryitem_id IN "
        "(SELECT id FROM dictionaries_dictionaryitem WHERE kind = 'helper_skill' AND code IN ('companionship', "
        "'tutoring', 'family_education')) WHERE h.is_active AND h.active_count < h.capacity AND "
        "h.division_id >= %s AND h.division_id < %s GROUP BY h.id ORDER BY matched DESC, room DESC, h.id LIMIT 10"
    )
    results.append(
        report(
            f"match suggestions, 1 child among {helpers:,} helpers",
            measure(lambda: community_client.get(f"/api/care/people/{person_id}/suggestions"), repeat=repeat),
            measure(raw([(band, [community, community + ";"])]), repeat=repeat),
        )
    )

    f_lo, f_hi = FUTIAN, FUTIAN + ";"
    end = dt.date.today()
    start = end.replace(month=1, day=1)
    stats_sql = [
        (
            "SELECT COUNT(*) FROM care_registerentry WHERE division_id >= %s AND division_id < %s AND entered_on <= %s "
            "AND (exited_on IS NULL OR exited_on > %s)",
            [f_lo, f_hi, end, end],
        ),
        (
            "SELECT t.dictionaryitem_id, COUNT(DISTINCT e.id) FROM care_registerentry e JOIN "
            "care_registerentry_types t "
            "ON t.registerentry_id = e.id WHERE e.division_id >= %s AND e.division_id < %s AND e.entered_on <= %s AND "
            "(e.exited_on IS NULL OR e.exited_on > %s) GROUP BY t.dictionaryitem_id",
            [f_lo, f_hi, end, end],
        ),
        (
            "SELECT care_level, COUNT(*) FROM care_registerentry WHERE division_id >= %s AND division_id < %s AND "
            "entered_on <= %s AND (exited_on IS NULL OR exited_on > %s) GROUP BY care_level",
            [f_lo, f_hi, end, end],
        ),
        (
            "SELECT COUNT(*) FROM care_registerentry WHERE division_id >= %s AND division_id < %s AND entered_on "
            "BETWEEN %s AND %s",
            [f_lo, f_hi, start, end],
        ),
        (
            "SELECT COUNT(*) FROM care_registerentry WHERE division_id >= %s AND division_id < %s AND exited_on "
            "BETWEEN %s AND %s",
            [f_lo, f_hi, start, end],
        ),
        (
            "SELECT COUNT(*), SUM(CASE WHEN m.done_on <= m.due_on THEN 1 ELSE 0 END) FROM care_planmeasure m JOIN "
            "care_supportplan p ON p.id = m.plan_id WHERE p.division_id >= %s AND p.division_id < %s AND m.due_on "
            "BETWEEN %s AND %s",
            [f_lo, f_hi, start, end],
        ),
        (
            "SELECT COUNT(*) FROM care_pairing WHERE division_id >= %s AND division_id < %s AND started_on <= %s AND "
            "(ended_on IS NULL OR ended_on > %s)",
            [f_lo, f_hi, end, end],
        ),
        (
            "SELECT COUNT(*) FROM care_registerentry e JOIN people_person p ON p.id = e.person_id "
            "WHERE e.division_id >= %s "
            "AND e.division_id < %s AND e.entered_on <= %s AND (e.exited_on IS NULL OR e.exited_on > %s) AND "
            "p.birth_date > %s",
            [f_lo, f_hi, end, end, end.replace(year=end.year - 18)],
        ),
        (
            "SELECT COUNT(*), SUM(CASE WHEN status <> 'open' THEN 1 ELSE 0 END) FROM screening_hazard WHERE "
            "division_id >= %s AND division_id < %s",
            [f_lo, f_hi],
        ),
        (
            "SELECT COUNT(*) FROM screening_visit WHERE division_id >= %s AND division_id < %s AND visited_on BETWEEN "
            "%s AND %s",
            [f_lo, f_hi, start, end],
        ),
    ]
    # As many samples as the other pages: a p95 of ten samples is the slowest but one, whatever else ran then.
    results.append(
        report(
            "district care statistics (all sections)",
            measure(lambda: district_client.get("/reports/care/"), repeat=repeat),
            measure(raw(stats_sql), repeat=max(repeat // 3, 5)),
        )
    )
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=2_000_000)
    parser.add_argument("--helpers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args, _unknown = parser.parse_known_args(argv)
    print(
        f"== care: {args.entries:,} register entries, {args.ledger:,} ledger lines, {args.helpers:,} helpers ==",
        flush=True,
    )
    return run(args.entries, args.ledger, args.helpers, args.repeat)


if __name__ == "__main__":
    main()
