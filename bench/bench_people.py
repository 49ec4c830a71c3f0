"""People registry at city scale: 1,000,000 people over Shenzhen's communities.

Reports, for a street's people list, an exact ID-number look-up and a name search, the server time
through the whole stack and the raw SQL for the same rows.

    python bench/bench_people.py [--people 1000000]
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

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟"
GIVEN = [
    "秀英",
    "桂英",
    "丽",
    "敏",
    "静",
    "丽娟",
    "艳",
    "娟",
    "霞",
    "秀兰",
    "燕",
    "玲",
    "晓红",
    "雪梅",
    "慧",
    "婷",
    "欣怡",
    "梓涵",
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "浩",
    "俊杰",
    "子轩",
    "浩宇",
]


def generate(total: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from pypinyin import Style, lazy_pinyin
    from stdnum.cn import ric

    from jiayuan.core import crypto
    from jiayuan.core.fields import PREFIX
    from jiayuan.divisions.models import Division, Level
    from jiayuan.people.models import Person

    existing = Person.objects.count()
    if existing >= total:
        print(f"people already generated: {existing}", flush=True)
        return
    communities = list(Division.objects.filter(level=Level.COMMUNITY).values_list("code", flat=True))
    initials_cache: dict[str, str] = {}
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    batch = 20000
    started = time.perf_counter()
    person_table = Person._meta.db_table
    phone_table = "people_personphone"
    next_id = (Person.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    made = existing
    fernet = crypto.fernet()
    while made < total:
        rows, phones = [], []
        for _ in range(min(batch, total - made)):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in initials_cache:
                initials_cache[name] = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
            community = rng.choice(communities)
            # Unique by construction: each block of 500 ids shares a birth date, and (sequence, sex digit)
            # runs through its 500 combinations.
            combo = next_id % 500
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=(next_id // 500) * 13)
            sex_digit = combo % 10
            gender = "M" if sex_digit % 2 else "F"
            body = f"{community[:6]}{birth:%Y%m%d}{combo // 10:02d}{sex_digit}"
            number = body + ric.calc_check_digit(body + "0")
            phone = f"1{rng.choice('3589')}{next_id:09d}"
            rows.append(
                (
                    next_id,
                    name,
                    initials_cache[name],
                    gender,
                    birth.isoformat(),
                    "resident",
                    PREFIX + fernet.encrypt(number.encode()).decode(),
                    crypto.blind_index(number, purpose="id:resident"),
                    community,
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
            )
            phones.append(
                (
                    next_id,
                    PREFIX + fernet.encrypt(phone.encode()).decode(),
                    crypto.blind_index(phone, purpose="phone"),
                    "mobile",
                    True,
                    False,
                    "",
                    True,
                    now,
                )
            )
            next_id += 1
        with transaction.atomic(), connection.cursor() as cursor:
            placeholders = ",".join(["%s"] * 18)
            cursor.executemany(
                f"INSERT INTO {person_table} (id, name, name_initials, gender, birth_date, id_type, id_number, "
                f"id_hash, division_id, address_detail, ethnicity, notes, created_by_id, deleted_at, deleted_reason, "
                f"version, created_at, updated_at) VALUES ({placeholders})",
                rows,
            )
            cursor.executemany(
                f"INSERT INTO {phone_table} (person_id, number, number_hash, kind, safe_to_call, safe_to_text, "
                f"safe_times, is_primary, created_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                phones,
            )
        made += len(rows)
        print(f"  people {made:,} / {total:,}  ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(total: int) -> list[dict]:
    setup_django("people")
    from django.db import connection
    from django.test import Client

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.divisions.services import divisions_load
    from jiayuan.people.models import Person

    divisions_load()
    rng = random.Random(7)
    generate(total, rng)
    street = "440304006"
    user, created = User.objects.get_or_create(username="bench-street")
    if created:
        Posting.objects.create(user=user, role=Role.STREET_STAFF, division_id=street, valid_from=dt.date(2020, 1, 1))
    client = Client()
    client.force_login(user)

    # A sample person in the street, for the exact look-up.
    sample = Person.objects.filter(division_id__gte=street, division_id__lt=street + ";").order_by("id").first()
    sample_id = sample.id_number
    surname = sample.name[0]
    results = []

    def raw(sql, params):
        def go():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return go

    list_sql = (
        "SELECT p.id, p.name, p.gender, p.birth_date, p.id_number, p.division_id FROM people_person p "
        "WHERE p.division_id >= %s AND p.division_id < %s AND p.deleted_at IS NULL ORDER BY p.id DESC LIMIT 50"
    )
    count_sql = (
        "SELECT COUNT(*) FROM people_person p WHERE p.division_id >= %s AND p.division_id < %s AND p.deleted_at IS NULL"
    )

    def raw_list():
        raw(count_sql, [street, street + ";"])()
        raw(list_sql, [street, street + ";"])()

    results.append(
        report("people list of a street (50 of ~13k)", measure(lambda: client.get("/people/")), measure(raw_list))
    )

    from jiayuan.core import crypto

    digest = crypto.blind_index(sample_id, purpose="id:resident")
    id_sql = (
        "SELECT p.id, p.name, p.id_number FROM people_person p "
        "WHERE p.id_hash = %s AND p.division_id >= %s AND p.division_id < %s"
    )
    results.append(
        report(
            "exact ID-number look-up (street scope)",
            measure(lambda: client.get("/people/", {"q": sample_id})),
            measure(raw(id_sql, [digest, street, street + ";"])),
        )
    )

    name_sql = (
        "SELECT p.id, p.name FROM people_person p WHERE p.division_id >= %s AND p.division_id < %s "
        "AND p.name >= %s AND p.name < %s AND p.deleted_at IS NULL ORDER BY p.id DESC LIMIT 50"
    )

    def raw_name():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM people_person p WHERE p.division_id >= %s AND p.division_id < %s "
                "AND p.name >= %s AND p.name < %s AND p.deleted_at IS NULL",
                [street, street + ";", surname, surname + "\uffff"],
            )
            cursor.execute(name_sql, [street, street + ";", surname, surname + "\uffff"])
            return cursor.fetchall()

    results.append(
        report(
            f"name search '{surname}' (street scope)",
            measure(lambda: client.get("/people/", {"q": surname})),
            measure(raw_name),
        )
    )

    district_user, created = User.objects.get_or_create(username="bench-district")
    if created:
        Posting.objects.create(
            user=district_user, role=Role.DISTRICT_RIGHTS, division_id="440304", valid_from=dt.date(2020, 1, 1)
        )
    api = Client()
    api.force_login(district_user)
    results.append(
        report(
            "API exact ID look-up (district scope)",
            measure(lambda: api.get("/api/people", {"q": sample_id})),
            measure(raw(id_sql, [digest, "440304", "440304;"])),
        )
    )
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    print(f"== people registry, {args.people:,} people ==", flush=True)
    return run(args.people)


if __name__ == "__main__":
    main()
