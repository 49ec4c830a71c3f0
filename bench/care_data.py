"""Data for the care benchmark: register entries, ledger lines, helpers and pairings in Futian, written in
bulk (raw INSERTs of what the services would write), generated from a fixed seed."""

from __future__ import annotations

import datetime as dt
import json
import random
import time

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
