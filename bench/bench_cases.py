"""Rights-protection cases at city scale: 500,000 cases and 5,000,000 timeline events over Shenzhen.

Reports, for a street's case list with filters, a case page with its timeline, the high-risk board and a
district's yearly statistics, the server time through the whole stack (middleware, scoping, templates)
and the raw SQL that returns the same rows, measured in the same run.

    python bench/bench_cases.py [--cases 500000] [--events-per-case 10] [--repeat 30]

Generation uses executemany; the account and note ciphertexts are one reused ciphertext each (the
cost of decrypting on read is still paid, per row shown).
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

CHANNELS = ["hotline"] * 5 + ["visit"] * 2 + ["letter", "online", "police", "court", "school", "screening", "worker"]
CATEGORIES = (
    ["marriage_family"] * 5
    + ["domestic_violence"] * 3
    + ["custody_support", "property_inheritance", "school_bullying", "vulnerable", "employment_discrimination", "other"]
)
STATUSES = ["registered", "assessed", "assigned", "in_progress", "follow_up"] + ["closed"] * 5
LEVELS = ["", "low", "low", "low", "medium", "medium", "high", "extreme"]
EVENT_KINDS = ["action", "action", "action", "transition", "note", "follow_up", "move", "assessed"]
STREET = "440304006"
DISTRICT = "440304"


def generate(total: int, per_case: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from jiayuan.cases.models import Case
    from jiayuan.core import crypto
    from jiayuan.core.fields import PREFIX
    from jiayuan.divisions.models import Division, Level

    existing = Case.objects.count()
    if existing >= total:
        print(f"cases already generated: {existing:,}", flush=True)
        return
    pg = connection.vendor == "postgresql"
    utc = dt.UTC

    def ts(value: dt.datetime):
        return value if pg else value.astimezone(utc).replace(tzinfo=None).isoformat(" ")

    json_ph = "%s::jsonb" if pg else "%s"
    communities = list(Division.objects.filter(level=Level.COMMUNITY, special=False).values_list("code", flat=True))
    fernet = crypto.fernet()
    account = PREFIX + fernet.encrypt("当事人陈述：与配偶长期争吵，近期发生肢体冲突，希望得到帮助。".encode()).decode()
    note = PREFIX + fernet.encrypt("电话联系当事人，了解近况并约定面谈。".encode()).decode()

    # a pool of people to be the parties
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM people_person")
        if cursor.fetchone()[0] < 20000:
            now = ts(dt.datetime.now(utc))
            rows = [
                (
                    f"当事人{i}",
                    "dsr",
                    "F",
                    None,
                    "none",
                    "",
                    "",
                    rng.choice(communities),
                    "",
                    "",
                    "",
                    None,
                    None,
                    "",
                    1,
                    now,
                    now,
                )
                for i in range(20000)
            ]
            cursor.executemany(
                "INSERT INTO people_person (name, name_initials, gender, birth_date, id_type, id_number, id_hash, "
                "division_id, address_detail, ethnicity, notes, created_by_id, deleted_at, deleted_reason, version, "
                "created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                rows,
            )
        cursor.execute("SELECT id, division_id FROM people_person ORDER BY id LIMIT 20000")
        people = cursor.fetchall()

    start_time = dt.datetime(2024, 1, 1, tzinfo=utc)
    span = (dt.datetime(2026, 11, 1, tzinfo=utc) - start_time).total_seconds()
    now = dt.datetime.now(utc)
    next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_caseevent")
        next_event = cursor.fetchone()[0] + 1
    made, batch, started = existing, 10000, time.perf_counter()
    while made < total:
        cases, cats, parties, events = [], [], [], []
        for _ in range(min(batch, total - made)):
            cid = next_id
            next_id += 1
            division = rng.choice(communities)
            received = start_time + dt.timedelta(seconds=rng.random() * span)
            status = rng.choice(STATUSES)
            level = rng.choice(LEVELS) if status != "registered" else ""
            urgent = rng.random() < 0.01
            closed = received + dt.timedelta(days=rng.randint(3, 90)) if status == "closed" else None
            first_contact = received + dt.timedelta(hours=rng.randint(1, 96)) if status != "registered" else None
            due = received + dt.timedelta(days=3)
            next_due = None if (status == "closed" or first_contact) else due
            category = rng.choice(CATEGORIES)
            outcome = rng.choice(["mediated", "mediated", "resolved", "referred", "withdrawn"]) if closed else ""
            cases.append(
                (
                    cid,
                    ts(received),
                    ts(received),
                    1,
                    f"WQ{received:%Y}{cid:07d}",
                    rng.choice(CHANNELS),
                    ts(received),
                    division,
                    status,
                    category,
                    level,
                    urgent,
                    False,
                    rng.random() < 0.02,
                    rng.random() < 0.6,
                    account,
                    "",
                    None,
                    None,
                    outcome,
                    ts(closed) if closed else None,
                    False,
                    ts(due),
                    ts(first_contact) if first_contact else None,
                    None,
                    None,
                    None,
                    ts(next_due) if next_due else None,
                    None,
                    (level in ("high", "extreme") or urgent) and status != "closed",
                )
            )
            cats.append((cid, category))
            if rng.random() < 0.3:
                extra = rng.choice(CATEGORIES)
                if extra != category:
                    cats.append((cid, extra))
            person = people[rng.randrange(len(people))][0]
            parties.append((cid, person, "seeker"))
            n = max(1, int(rng.expovariate(1 / per_case))) if per_case else 0
            at = received
            for k in range(n):
                at = at + dt.timedelta(hours=rng.randint(1, 72))
                kind = "created" if k == 0 else rng.choice(EVENT_KINDS)
                events.append(
                    (
                        next_event,
                        cid,
                        kind,
                        ts(min(at, now)),
                        None,
                        "系统",
                        "办理记录",
                        note if k % 3 == 0 else "",
                        False,
                        "{}",
                        None,
                    )
                )
                next_event += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO cases_case (id, created_at, updated_at, version, number, channel, "
                "received_at, division_id, "
                "status, primary_category, risk_level, urgent, highly_sensitive, restricted, "
                "consent_to_share, account, "
                "source, handler_id, created_by_id, outcome, closed_at, closure_pending, first_contact_due, "
                "first_contact_at, review_due, followup_due, followup_at, next_due_at, overdue_notified_at, on_board) "
                "VALUES (" + ",".join(["%s"] * 30) + ")",
                cases,
            )
            cursor.executemany("INSERT INTO cases_casecategory (case_id, code) VALUES (%s, %s)", cats)
            cursor.executemany(
                "INSERT INTO cases_caseparty (case_id, person_id, role, relation, minor) "
                "VALUES (%s, %s, %s, '', false)",
                parties,
            )
            cursor.executemany(
                "INSERT INTO cases_caseevent (id, case_id, kind, at, actor_id, actor_name, title, note, sensitive, "
                f"data, corrects_id) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,{json_ph},%s)",
                events,
            )
        made += len(cases)
        if made % 50000 == 0 or made == total:
            print(
                f"  cases {made:,} / {total:,}, events to id {next_event:,}  ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(total: int, per_case: int, repeat: int) -> list[dict]:
    setup_django("cases")
    from django.db import connection
    from django.test import Client

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.cases.models import Case
    from jiayuan.divisions.services import divisions_load

    divisions_load()
    rng = random.Random(11)
    generate(total, per_case, rng)
    with connection.cursor() as cursor:  # rows generated before the on_board column existed
        cursor.execute(
            "UPDATE cases_case SET on_board = %s WHERE on_board = %s AND status <> 'closed' "
            "AND (risk_level IN ('high', 'extreme') OR urgent = %s)",
            [True, False, True],
        )
        cursor.execute("ANALYZE")  # planner statistics after migrations that rebuilt the table
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_caseevent")
        events = cursor.fetchone()[0]
    print(f"data: {Case.objects.count():,} cases, {events:,} events", flush=True)

    def user(name, role, division):
        obj, created = User.objects.get_or_create(username=name)
        if created:
            Posting.objects.create(user=obj, role=role, division_id=division, valid_from=dt.date(2020, 1, 1))
        client = Client()
        client.force_login(obj)
        return obj, client

    _, street = user("bench-street", Role.STREET_STAFF, STREET)
    _, district = user("bench-district", Role.DISTRICT_RIGHTS, DISTRICT)
    results = []

    def raw(*statements):
        def go():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return go

    lo, hi = STREET, STREET + ";"
    where = (
        "c.division_id >= %s AND c.division_id < %s AND c.restricted = %s AND c.status <> 'closed' AND EXISTS "
        "(SELECT 1 FROM cases_casecategory k WHERE k.case_id = c.id AND k.code = 'domestic_violence')"
    )
    page_sql = (
        f"SELECT c.id, c.number, c.received_at, c.channel, c.status, c.risk_level, c.division_id, d.name "
        f"FROM cases_case c JOIN divisions_division d ON d.code = c.division_id WHERE {where} "
        f"ORDER BY c.received_at DESC, c.id DESC LIMIT 50"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            page_sql.replace(
                "c.id, c.number, c.received_at, c.channel, c.status, c.risk_level, c.division_id, d.name", "c.id"
            ),
            [lo, hi, False],
        )
        ids = [r[0] for r in cursor.fetchall()] or [0]
    marks = ",".join(["%s"] * len(ids))
    results.append(
        report(
            "street case list, open DV cases (50/page)",
            measure(lambda: street.get("/cases/", {"status": "open", "category": "domestic_violence"}), repeat=repeat),
            measure(
                raw(
                    (f"SELECT COUNT(*) FROM cases_case c WHERE {where}", [lo, hi, False]),
                    (page_sql, [lo, hi, False]),
                    (f"SELECT case_id, code FROM cases_casecategory WHERE case_id IN ({marks})", ids),
                    (
                        "SELECT p.case_id, s.name FROM cases_caseparty p JOIN people_person s ON s.id = p.person_id "
                        f"WHERE p.role = 'seeker' AND p.case_id IN ({marks})",
                        ids,
                    ),
                ),
                repeat=repeat,
            ),
        )
    )

    # a case of the street with a typical timeline (about the mean number of events)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.case_id, COUNT(*) FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id "
            "WHERE c.division_id >= %s AND c.division_id < %s AND c.restricted = %s "
            "GROUP BY e.case_id HAVING COUNT(*) >= %s ORDER BY e.case_id DESC LIMIT 1",
            [lo, hi, False, max(per_case, 1)],
        )
        sample, n_events = cursor.fetchone()
    results.append(
        report(
            f"case page with its timeline ({n_events} events)",
            measure(lambda: street.get(f"/cases/{sample}/"), repeat=repeat),
            measure(
                raw(
                    ("SELECT * FROM cases_case WHERE id = %s", [sample]),
                    ("SELECT * FROM cases_caseevent WHERE case_id = %s ORDER BY id", [sample]),
                    ("SELECT * FROM cases_casemove WHERE case_id = %s ORDER BY id", [sample]),
                    ("SELECT * FROM cases_caseparty WHERE case_id = %s", [sample]),
                ),
                repeat=repeat,
            ),
        )
    )

    # The street's case with the longest timeline: the page shows its latest entries, the rest load on demand.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.case_id, COUNT(*) FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id "
            "WHERE c.division_id >= %s AND c.division_id < %s AND c.restricted = %s "
            "GROUP BY e.case_id ORDER BY COUNT(*) DESC, e.case_id DESC LIMIT 1",
            [lo, hi, False],
        )
        longest, n_longest = cursor.fetchone()
    results.append(
        report(
            f"case page, longest timeline ({n_longest} events)",
            measure(lambda: street.get(f"/cases/{longest}/"), repeat=repeat),
            measure(
                raw(
                    ("SELECT * FROM cases_case WHERE id = %s", [longest]),
                    ("SELECT * FROM cases_caseevent WHERE case_id = %s ORDER BY id DESC LIMIT 50", [longest]),
                    ("SELECT COUNT(*) FROM cases_caseevent WHERE case_id = %s", [longest]),
                    ("SELECT * FROM cases_casemove WHERE case_id = %s ORDER BY id", [longest]),
                    ("SELECT * FROM cases_caseparty WHERE case_id = %s", [longest]),
                ),
                repeat=repeat,
            ),
        )
    )

    dlo, dhi = DISTRICT, DISTRICT + ";"
    high_where = "c.on_board = %s AND c.division_id >= %s AND c.division_id < %s AND c.restricted = %s"
    results.append(
        report(
            "high-risk board (district, 50/page)",
            measure(lambda: district.get("/cases/high-risk/"), repeat=repeat),
            measure(
                raw(
                    (f"SELECT COUNT(*) FROM cases_case c WHERE {high_where}", [True, dlo, dhi, False]),
                    (
                        f"SELECT c.id, c.number, c.received_at, c.status, c.risk_level FROM cases_case c "
                        f"WHERE {high_where} ORDER BY c.received_at DESC, c.id DESC LIMIT 50",
                        [True, dlo, dhi, False],
                    ),
                ),
                repeat=repeat,
            ),
        )
    )

    year_lo = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    year_hi = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    pg = connection.vendor == "postgresql"

    def t(value):
        return value if pg else value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    base = "c.division_id >= %s AND c.division_id < %s AND c.received_at >= %s AND c.received_at < %s"
    p = [dlo, dhi, t(year_lo), t(year_hi)]
    closed_base = "c.division_id >= %s AND c.division_id < %s AND c.closed_at >= %s AND c.closed_at < %s"
    results.append(
        report(
            "district yearly statistics (2025)",
            measure(
                lambda: district.get("/reports/cases/", {"from": "2025-01-01", "to": "2025-12-31"}),
                repeat=max(5, repeat // 3),
            ),
            measure(
                raw(
                    (f"SELECT COUNT(*) FROM cases_case c WHERE {base}", p),
                    (f"SELECT channel, COUNT(*) FROM cases_case c WHERE {base} GROUP BY channel", p),
                    (f"SELECT risk_level, COUNT(*) FROM cases_case c WHERE {base} GROUP BY risk_level", p),
                    (
                        f"SELECT k.code, COUNT(DISTINCT k.case_id) FROM cases_casecategory k JOIN cases_case c "
                        f"ON c.id = k.case_id WHERE {base} GROUP BY k.code",
                        p,
                    ),
                    (f"SELECT c.received_at FROM cases_case c WHERE {base}", p),
                    (
                        f"SELECT outcome, COUNT(*) FROM cases_case c WHERE {closed_base} AND c.status = 'closed' "
                        f"GROUP BY outcome",
                        p,
                    ),
                ),
                repeat=max(5, repeat // 3),
            ),
        )
    )
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    print(
        f"== rights-protection cases, {args.cases:,} cases, ~{args.cases * args.events_per_case:,} events ==",
        flush=True,
    )
    return run(args.cases, args.events_per_case, args.repeat)


if __name__ == "__main__":
    main()
