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
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, report, setup_django

FUTIAN = "440304"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
GIVEN = ["秀英", "丽娟", "美华", "春梅", "欣怡", "梓涵", "子轩", "浩宇", "雨桐", "佳怡", "诗琪", "思彤"]


def _insert(model_or_table, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _next_id(model) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def generate(entries: int, ledger: int, helpers: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from jiayuan.care import models as m
    from jiayuan.care.services import care_dictionaries_ensure
    from jiayuan.core import crypto
    from jiayuan.core.fields import PREFIX
    from jiayuan.dictionaries.models import DictionaryItem
    from jiayuan.divisions.models import Division, Level
    from jiayuan.people.models import Person
    from jiayuan.screening.models import Campaign, Hazard, Visit
    from jiayuan.screening.services import default_checklist

    if m.RegisterEntry.objects.count() >= entries:
        print(f"care data already generated: {m.RegisterEntry.objects.count():,} entries", flush=True)
        return
    care_dictionaries_ensure()
    started = time.perf_counter()
    communities = list(
        Division.objects.filter(level=Level.COMMUNITY, special=False, code__startswith=FUTIAN).values_list(
            "code", flat=True
        )
    )
    types = list(DictionaryItem.objects.filter(kind=m.VULNERABILITY_KIND).values_list("id", flat=True))
    skills = list(DictionaryItem.objects.filter(kind=m.SKILL_KIND).values_list("id", flat=True))
    fernet = crypto.fernet()
    texts = [
        PREFIX + fernet.encrypt(t.encode()).decode()
        for t in ["入户走访，了解近况", "电话回访", "发放米、油等生活物资", "组织亲子阅读活动", "转介心理咨询"]
    ]
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    today = dt.date.today()
    pid = _next_id(Person)
    person_cols = [
        "id",
        "name",
        "name_initials",
        "gender",
        "birth_date",
        "id_type",
        "id_number",
        "id_hash",
        "division_id",
        "address_detail",
        "ethnicity",
        "notes",
        "version",
        "created_at",
        "updated_at",
        "deleted_reason",
    ]

    def person_row(i, community, birth, gender="F"):
        return (
            i,
            rng.choice(SURNAMES) + rng.choice(GIVEN),
            "",
            gender,
            birth.isoformat(),
            "none",
            "",
            "",
            community,
            "",
            "",
            "",
            1,
            now,
            now,
            "",
        )

    # People on the register, their entries, types, plans, measures and ledgers.
    batch = 5000
    entry_id, ledger_id = _next_id(m.RegisterEntry), _next_id(m.LedgerEntry)
    per_person = max(ledger // max(entries, 1), 1)
    persons_on_register: list[tuple[int, str, bool]] = []
    made = 0
    while made < entries:
        n = min(batch, entries - made)
        people, rows, type_rows, plans, measures, lines = [], [], [], [], [], []
        for _ in range(n):
            community = rng.choice(communities)
            child = rng.random() < 0.45
            birth = today.replace(year=today.year - (rng.randint(3, 16) if child else rng.randint(25, 80)), day=1)
            people.append(person_row(pid, community, birth))
            entered = today - dt.timedelta(days=rng.randint(0, 900))
            exited = entered + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.1 else None
            if exited and exited > today:
                exited = None
            cycle = rng.choice([30, 90, 180])
            rows.append(
                (
                    entry_id,
                    pid,
                    community,
                    rng.choice(["key", "general", "watch"]),
                    None,
                    cycle,
                    (today + dt.timedelta(days=rng.randint(-30, cycle))).isoformat(),
                    entered.isoformat(),
                    "exited" if exited else "active",
                    exited.isoformat() if exited else None,
                    "情况好转" if exited else "",
                    "bench",
                    "",
                    1,
                    now,
                    now,
                )
            )
            for t in rng.sample(types, rng.choice([1, 1, 2])):
                type_rows.append((entry_id, t))
            if rng.random() < 0.8:
                plans.append(
                    (
                        pid,
                        pid,
                        community,
                        "",
                        "",
                        (today + dt.timedelta(days=rng.randint(-20, 90))).isoformat(),
                        1,
                        now,
                        now,
                    )
                )
                for _ in range(2):
                    due = today + dt.timedelta(days=rng.randint(-60, 60))
                    done = (due - dt.timedelta(days=rng.randint(-5, 10))).isoformat() if rng.random() < 0.6 else None
                    measures.append((pid, "每月入户走访", "社区妇联", due.isoformat(), done, 1, now, now))
            for _ in range(per_person):
                kind = rng.choice(["visit", "call", "material", "service", "money"])
                lines.append(
                    (
                        ledger_id,
                        pid,
                        community,
                        kind,
                        (today - dt.timedelta(days=rng.randint(0, 900))).isoformat(),
                        rng.choice(texts),
                        "300.00" if kind in ("money", "material") else None,
                        "",
                        now,
                    )
                )
                ledger_id += 1
            persons_on_register.append((pid, community, child))
            pid += 1
            entry_id += 1
        with transaction.atomic():
            _insert(Person, person_cols, people)
            _insert(
                m.RegisterEntry,
                [
                    "id",
                    "person_id",
                    "division_id",
                    "care_level",
                    "worker_id",
                    "review_cycle_days",
                    "next_review_on",
                    "entered_on",
                    "status",
                    "exited_on",
                    "exit_reason",
                    "source",
                    "note",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                rows,
            )
            _insert("care_registerentry_types", ["registerentry_id", "dictionaryitem_id"], type_rows)
            _insert(
                m.SupportPlan,
                [
                    "id",
                    "person_id",
                    "division_id",
                    "needs_found",
                    "goals",
                    "review_on",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                plans,
            )
            _insert(
                m.PlanMeasure,
                ["plan_id", "content", "responsible", "due_on", "done_on", "version", "created_at", "updated_at"],
                measures,
            )
            _insert(
                m.LedgerEntry,
                ["id", "person_id", "division_id", "kind", "on", "content", "amount", "source", "created_at"],
                lines,
            )
        made += n
        print(
            f"  register {made:,} / {entries:,}, ledger {ledger_id - 1:,}  ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )

    # Helpers with skills; pairings within capacity for some of the children.
    hid = _next_id(m.Helper)
    helper_rows, skill_rows, people, capacity = [], [], [], {}
    for _ in range(helpers):
        community = rng.choice(communities)
        people.append(person_row(pid, community, today.replace(year=today.year - rng.randint(25, 60), day=1)))
        cap = rng.choice([1, 2, 3])
        capacity[hid] = [cap, 0, community]
        helper_rows.append((hid, pid, community, "caring_mother", cap, 0, None, True, 1, now, now))
        for s in rng.sample(skills, 2):
            skill_rows.append((hid, s))
        hid += 1
        pid += 1
    pairings = []
    helper_ids = list(capacity)
    for person_id, community, child in persons_on_register:
        if not child or rng.random() < 0.5:
            continue
        h = rng.choice(helper_ids)
        if capacity[h][1] < capacity[h][0]:
            capacity[h][1] += 1
            started_on = today - dt.timedelta(days=rng.randint(0, 400))
            last = started_on + dt.timedelta(days=rng.randint(0, 30))
            pairings.append(
                (
                    h,
                    person_id,
                    None,
                    community,
                    "active",
                    started_on.isoformat(),
                    None,
                    "",
                    min(last, today).isoformat(),
                    0,
                    None,
                    1,
                    now,
                    now,
                )
            )
    with transaction.atomic():
        _insert(Person, person_cols, people)
        _insert(
            m.Helper,
            [
                "id",
                "person_id",
                "division_id",
                "kind",
                "capacity",
                "active_count",
                "user_id",
                "is_active",
                "version",
                "created_at",
                "updated_at",
            ],
            helper_rows,
        )
        _insert("care_helper_skills", ["helper_id", "dictionaryitem_id"], skill_rows)
        _insert(
            m.Pairing,
            [
                "helper_id",
                "person_id",
                "entry_id",
                "division_id",
                "status",
                "started_on",
                "ended_on",
                "end_reason",
                "last_contact_on",
                "flag_level",
                "created_by_id",
                "version",
                "created_at",
                "updated_at",
            ],
            pairings,
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {m.Helper._meta.db_table} SET active_count = %s WHERE id = %s",
                [(v[1], k) for k, v in capacity.items() if v[1]],
            )
    # A screening campaign with visits and hazards.
    checklist = default_checklist()
    campaign = Campaign.objects.create(
        name="bench 排查",
        division_id=FUTIAN,
        checklist=checklist,
        starts_on=today.replace(day=1),
        ends_on=today,
        monthly=True,
    )
    campaign.covered.set([FUTIAN])
    version = checklist.latest
    vid = _next_id(Visit)
    visits, hazards = [], []
    for _ in range(20000):
        community = rng.choice(communities)
        found = rng.random() < 0.1
        visits.append(
            (
                vid,
                campaign.pk,
                version.pk,
                community,
                today.isoformat(),
                json.dumps({"family_conflict": found}),
                "",
                found,
                now,
            )
        )
        if found:
            hazards.append(
                (
                    vid,
                    campaign.pk,
                    community,
                    "low",
                    json.dumps(["family_conflict"]),
                    "",
                    rng.choice(["open", "resolved", "register"]),
                    1,
                    now,
                    now,
                    "",
                )
            )
        vid += 1
    with transaction.atomic():
        _insert(
            Visit,
            [
                "id",
                "campaign_id",
                "checklist_version_id",
                "division_id",
                "visited_on",
                "answers",
                "notes",
                "found_hazard",
                "created_at",
            ],
            visits,
        )
        _insert(
            Hazard,
            [
                "visit_id",
                "campaign_id",
                "division_id",
                "level",
                "items",
                "findings",
                "status",
                "version",
                "created_at",
                "updated_at",
                "follow_note",
            ],
            hazards,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  helpers {helpers:,}, pairings {len(pairings):,}, visits 20,000  ({time.perf_counter() - started:.0f} s)",
        flush=True,
    )


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
