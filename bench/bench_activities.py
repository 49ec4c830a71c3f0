"""Federation service work at city scale: 20,000 activities (40,000 sessions) with 1,000,000 attendance rows and
50,000 volunteers with 500,000 service records, spread over every community of Shenzhen and two years.

Reports, for a street's activity list, a volunteer's page and a district's yearly activity counts, the server
time through the whole stack and the raw SQL returning the same figures, measured in the same run.

    python bench/bench_activities.py [--activities 20000] [--attendance 1000000] [--volunteers 50000]
                                     [--records 500000] [--repeat 30]
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

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
GIVEN = ["秀英", "丽娟", "美华", "春梅", "欣怡", "梓涵", "子轩", "浩宇", "雨桐", "佳怡", "诗琪", "思彤"]
TYPES = [
    "family_lecture",
    "parent_school",
    "parent_child",
    "holiday_childcare",
    "matchmaking",
    "skills_training",
    "legal_campaign",
    "health_talk",
    "reading",
    "other",
]
AUDIENCES = ["women", "children_3_6", "children_6_12", "families", "general"]


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL, multi-row INSERT elsewhere."""
    from django.db import connection

    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


def _next_id(model) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def _sync_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from jiayuan.activities import models as a
    from jiayuan.people.models import Person
    from jiayuan.volunteers import models as v

    if connection.vendor != "postgresql":
        return
    models = [Person, v.Volunteer, v.ServiceRecord, v.Team, v.Membership, a.ServiceProject, a.Activity, a.Session]
    models.append(a.Attendance)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def generate(activities: int, attendance: int, volunteers: int, records: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from jiayuan.activities import models as a
    from jiayuan.activities.services import activity_dictionaries_ensure
    from jiayuan.divisions.models import Division, Level
    from jiayuan.people.models import Person
    from jiayuan.volunteers import models as v

    if a.Activity.objects.count() >= activities:
        print(f"activity data already generated: {a.Activity.objects.count():,} activities", flush=True)
        return
    activity_dictionaries_ensure()
    started = time.perf_counter()
    communities = list(
        Division.objects.filter(level=Level.COMMUNITY, special=False).order_by("code").values_list("code", flat=True)
    )
    now = dt.datetime.now(dt.UTC)
    stamp = now.isoformat(sep=" ")
    today = dt.date.today()
    first_day = today.replace(year=today.year - 1, month=1, day=1)
    span = (today - first_day).days

    # People: the volunteers, and as many residents again who only come to activities.
    pid = _next_id(Person)
    people_by_district: dict[str, list[int]] = {}
    volunteer_people: list[tuple[int, str]] = []
    person_cols = ["id", "name", "name_initials", "gender", "birth_date", "id_type", "id_number", "id_hash"]
    person_cols += ["division_id", "address_detail", "ethnicity", "notes", "version", "created_at", "updated_at"]
    person_cols += ["deleted_reason"]
    rows = []
    for i in range(volunteers * 2):
        community = rng.choice(communities)
        birth = today.replace(year=today.year - rng.randint(20, 70), day=1)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        rows.append((pid, name, "", "F", birth, "none", "", "", community, "", "", "", 1, stamp, stamp, ""))
        people_by_district.setdefault(community[:6], []).append(pid)
        if i < volunteers:
            volunteer_people.append((pid, community))
        pid += 1
    with transaction.atomic():
        _insert(Person._meta.db_table, person_cols, rows)
    print(f"  people {len(rows):,}  ({time.perf_counter() - started:.0f} s)", flush=True)

    # Volunteers, a team per community, memberships.
    vid = _next_id(v.Volunteer)
    volunteer_rows, volunteer_ids = [], []
    for person_id, community in volunteer_people:
        registered = first_day - dt.timedelta(days=rng.randint(0, 700))
        volunteer_rows.append(
            (vid, person_id, community, None, "周末", registered, stamp, "2026-01", None, None, "active", None, 1)
            + (stamp, stamp)
        )
        volunteer_ids.append((vid, community))
        vid += 1
    tid = _next_id(v.Team)
    team_of, team_rows = {}, []
    for community in communities:
        team_rows.append((tid, f"{community}巾帼志愿服务队", "general", "community", community, None, None, True, 1))
        team_rows[-1] += (stamp, stamp)
        team_of[community] = tid
        tid += 1
    members = [(team_of[c], vol, c, "member", first_day, None, stamp) for vol, c in volunteer_ids]
    with transaction.atomic():
        _insert(
            v.Volunteer._meta.db_table,
            ["id", "person_id", "division_id", "user_id", "availability", "registered_on", "consent_at"]
            + ["consent_version", "consent_recorded_by_id", "consent_withdrawn_at", "status", "left_on", "version"]
            + ["created_at", "updated_at"],
            volunteer_rows,
        )
        _insert(
            v.Team._meta.db_table,
            ["id", "name", "type", "level", "division_id", "organisation_id", "founded_on", "is_active", "version"]
            + ["created_at", "updated_at"],
            team_rows,
        )
        _insert(
            v.Membership._meta.db_table,
            ["team_id", "volunteer_id", "division_id", "role", "joined_on", "left_on", "created_at"],
            members,
        )
    print(f"  volunteers {len(volunteer_rows):,}  ({time.perf_counter() - started:.0f} s)", flush=True)

    # Service records: each volunteer's records one after another, never overlapping.
    per_volunteer = max(records // max(volunteers, 1), 1)
    rid = _next_id(v.ServiceRecord)
    batch = []
    record_cols = ["id", "volunteer_id", "division_id", "venue_id", "source", "activity_ref", "session_ref"]
    record_cols += ["pairing_ref", "title", "started_at", "ended_at", "on", "minutes", "status", "claimed_by_id"]
    record_cols += ["confirmed_by_id", "confirmed_at", "note", "version", "created_at", "updated_at"]
    made = 0
    for vol, community in volunteer_ids:
        days = sorted(rng.sample(range(span), per_volunteer))
        for day in days:
            start = dt.datetime.combine(first_day + dt.timedelta(days=day), dt.time(1 + rng.randint(0, 10)), dt.UTC)
            minutes = rng.choice([60, 90, 120, 180, 240])
            status = "confirmed" if rng.random() < 0.85 else "pending"
            batch.append(
                (rid, vol, community, None, rng.choice(["activity", "care", "other"]), None, None, None, "社区服务")
                + (start, start + dt.timedelta(minutes=minutes), start.date(), minutes, status, None, None)
                + (start if status == "confirmed" else None, "", 1, stamp, stamp)
            )
            rid += 1
        if len(batch) >= 50000:
            with transaction.atomic():
                _insert(v.ServiceRecord._meta.db_table, record_cols, batch)
            made += len(batch)
            batch = []
            print(f"  service records {made:,}  ({time.perf_counter() - started:.0f} s)", flush=True)
    with transaction.atomic():
        _insert(v.ServiceRecord._meta.db_table, record_cols, batch)

    # Projects, activities with two sessions each, attendance of people of the same district.
    prid = _next_id(a.ServiceProject)
    projects = []
    for i in range(200):
        community = rng.choice(communities)
        projects.append((prid + i, f"项目{i}", "flagship", community[:9], None, "", first_day, today, 100000, 10, 500))
        projects[-1] += (100, "", 1, stamp, stamp)
    with transaction.atomic():
        _insert(
            a.ServiceProject._meta.db_table,
            ["id", "name", "kind", "division_id", "provider_id", "provider_name", "starts_on", "ends_on", "budget"]
            + ["target_activities", "target_attendances", "target_hours", "description", "version", "created_at"]
            + ["updated_at"],
            projects,
        )
    aid, sid = _next_id(a.Activity), _next_id(a.Session)
    per_session = max(attendance // max(activities * 2, 1), 1)
    act_rows, session_rows, att_rows = [], [], []
    act_cols = ["id", "project_id", "title", "type", "division_id", "venue_id", "online", "online_channel"]
    act_cols += ["address", "audience", "capacity", "records_names", "status", "starts_on", "ends_on", "organiser_id"]
    act_cols += ["organiser_org_id", "description", "taken", "pairs_formed", "posts_offered", "version"]
    act_cols += ["created_at", "updated_at"]
    session_cols = ["id", "activity_id", "starts_at", "ends_at", "on", "minutes", "division_id", "type", "audience"]
    session_cols += ["project_id_ref", "checkin_code", "code_expires_at", "online_views", "online_interactions"]
    session_cols += ["cancelled"]
    att_cols = ["session_id", "activity_id", "person_id", "head_count", "division_id", "on", "type", "audience"]
    att_cols += ["project_id_ref", "method", "checked_in_at", "recorded_by_id"]
    done = 0
    for i in range(activities):
        community = rng.choice(communities)
        place = community if rng.random() < 0.8 else community[:9]
        type_, audience = rng.choice(TYPES), rng.choice(AUDIENCES)
        project = prid + rng.randrange(200) if rng.random() < 0.4 else None
        day = first_day + dt.timedelta(days=rng.randint(0, span - 8))
        status = "done" if day < today else "open"
        act_rows.append(
            (aid, project, f"活动{i}", type_, place, None, False, "", "社区党群服务中心", audience, 60, True, status)
            + (day, day + dt.timedelta(days=7), None, None, "", per_session, 0, 0, 1, stamp, stamp)
        )
        pool = people_by_district[community[:6]]
        for week in range(2):
            start = dt.datetime.combine(day + dt.timedelta(days=7 * week), dt.time(6), dt.UTC)
            session_rows.append(
                (sid, aid, start, start + dt.timedelta(hours=2), start.date(), 120, place, type_, audience, project)
                + ("", None, 0, 0, False)
            )
            for person_id in rng.sample(pool, per_session):
                att_rows.append(
                    (sid, aid, person_id, 1, place, start.date(), type_, audience, project, "code", start, None)
                )
            sid += 1
        aid += 1
        if len(att_rows) >= 100000 or i == activities - 1:
            with transaction.atomic():
                _insert(a.Activity._meta.db_table, act_cols, act_rows)
                _insert(a.Session._meta.db_table, session_cols, session_rows)
                _insert(a.Attendance._meta.db_table, att_cols, att_rows)
            done += len(att_rows)
            act_rows, session_rows, att_rows = [], [], []
            print(f"  activities {i + 1:,}, attendance {done:,}  ({time.perf_counter() - started:.0f} s)", flush=True)
    _sync_sequences()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(activities: int, attendance: int, volunteers: int, records: int, repeat: int) -> list[dict]:
    setup_django("activities")
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.activities.models import Activity
    from jiayuan.divisions.services import divisions_load
    from jiayuan.volunteers.models import ServiceRecord

    divisions_load()
    generate(activities, attendance, volunteers, records, random.Random(38))
    from jiayuan.access.actor import Actor
    from jiayuan.activities.models import AttendanceTally
    from jiayuan.activities.services import attendance_tally_rebuild
    from jiayuan.volunteers.models import ServiceTally
    from jiayuan.volunteers.services import service_tally_rebuild

    if not ServiceTally.objects.exists():
        started = time.perf_counter()
        rows = service_tally_rebuild(actor=Actor.system(job="service_tally"))
        print(f"  service tally rebuilt: {rows:,} rows ({time.perf_counter() - started:.0f} s)", flush=True)

    if not AttendanceTally.objects.exists():
        # The generator writes attendance in bulk, past the check-in services that keep the yearly tally.
        started = time.perf_counter()
        rows = attendance_tally_rebuild(actor=Actor.system(job="attendance_tally"))
        print(f"  attendance tally rebuilt: {rows:,} rows ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def client(name, role, code):
        u, created = User.objects.get_or_create(username=name)
        if created:
            Posting.objects.create(user=u, role=role, division_id=code, valid_from=dt.date(2020, 1, 1))
        c = Client()
        c.force_login(u)
        return c

    def raw(statements):
        def go():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return go

    results = []
    # The street with the most activities.
    busiest = (
        Activity.objects.extra(select={"street": "substr(division_id, 1, 9)"})
        .values("street")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    street = busiest["street"]
    lo, hi = street, street + ";"
    list_sql = [
        ("SELECT COUNT(*) FROM activities_activity WHERE division_id >= %s AND division_id < %s", [lo, hi]),
        (
            "SELECT a.id, a.title, a.type, a.starts_on, a.ends_on, a.capacity, a.taken, a.status, d.name "
            "FROM activities_activity a JOIN divisions_division d ON d.code = a.division_id "
            "LEFT JOIN venues_venue v ON v.id = a.venue_id "
            "WHERE a.division_id >= %s AND a.division_id < %s ORDER BY a.starts_on DESC, a.id DESC LIMIT 50",
            [lo, hi],
        ),
    ]
    street_client = client("bench-street", Role.STREET_STAFF, street)
    results.append(
        report(
            f"street activity list (50 of {busiest['n']:,})",
            measure(lambda: street_client.get("/activities/"), repeat=repeat),
            measure(raw(list_sql), repeat=repeat),
        )
    )

    # A volunteer with many records, read by her community's worker.
    volunteer = (
        ServiceRecord.objects.values("volunteer_id", "volunteer__division_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    vid, community = volunteer["volunteer_id"], volunteer["volunteer__division_id"]
    c_lo, c_hi = community, community + ";"
    page_sql = [
        (
            "SELECT v.id, p.name, d.name FROM volunteers_volunteer v JOIN people_person p ON p.id = v.person_id "
            "JOIN divisions_division d ON d.code = v.division_id WHERE v.id = %s AND v.division_id >= %s "
            "AND v.division_id < %s",
            [vid, c_lo, c_hi],
        ),
        (
            "SELECT SUM(CASE WHEN status = 'confirmed' THEN minutes END), SUM(CASE WHEN status = 'pending' "
            "THEN minutes END), COUNT(*) FROM volunteers_servicerecord WHERE volunteer_id = %s",
            [vid],
        ),
        (
            "SELECT COUNT(*) FROM volunteers_servicerecord WHERE volunteer_id = %s AND division_id >= %s "
            "AND division_id < %s",
            [vid, c_lo, c_hi],
        ),
        (
            'SELECT r.id, r.title, r."on", r.minutes, r.status, d.name FROM volunteers_servicerecord r '
            "JOIN divisions_division d ON d.code = r.division_id WHERE r.volunteer_id = %s AND r.division_id >= %s "
            "AND r.division_id < %s ORDER BY r.started_at DESC, r.id DESC LIMIT 20",
            [vid, c_lo, c_hi],
        ),
        (
            "SELECT t.name FROM volunteers_membership m JOIN volunteers_team t ON t.id = m.team_id "
            "WHERE m.volunteer_id = %s AND m.left_on IS NULL",
            [vid],
        ),
    ]
    community_client = client("bench-community", Role.COMMUNITY_WORKER, community)
    results.append(
        report(
            f"volunteer page ({volunteer['n']} records)",
            measure(lambda: community_client.get(f"/volunteers/{vid}/"), repeat=repeat),
            measure(raw(page_sql), repeat=repeat),
        )
    )

    # The district with the most attendance, its counts for this year.
    district = (
        Activity.objects.extra(select={"district": "substr(division_id, 1, 6)"})
        .values("district")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["district"]
    )
    year = dt.date.today().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    d_lo, d_hi = district, district + ";"
    where = 'division_id >= %s AND division_id < %s AND "on" >= %s AND "on" <= %s'
    params = [d_lo, d_hi, start, end]
    counts_sql = [
        (
            "SELECT COUNT(*), SUM(pairs_formed), SUM(posts_offered) FROM activities_activity WHERE division_id >= %s "
            "AND division_id < %s AND starts_on >= %s AND starts_on <= %s AND status NOT IN ('draft', 'cancelled')",
            params,
        ),
        (
            "SELECT COUNT(*), SUM(minutes), SUM(online_views), SUM(online_interactions) FROM activities_session "
            f"WHERE {where} AND NOT cancelled",
            params,
        ),
        (f"SELECT SUM(head_count), COUNT(DISTINCT person_id) FROM activities_attendance WHERE {where}", params),
    ]
    for column in ("type", "audience", "project_id_ref"):
        counts_sql += [
            (
                f"SELECT {column}, SUM(head_count), COUNT(DISTINCT person_id) FROM activities_attendance "
                f"WHERE {where} GROUP BY {column}",
                params,
            ),
            (
                f"SELECT {column}, COUNT(*), SUM(minutes) FROM activities_session WHERE {where} AND NOT cancelled "
                f"GROUP BY {column}",
                params,
            ),
        ]
    counts_sql.append(
        (
            "SELECT COUNT(DISTINCT volunteer_id), SUM(minutes), COUNT(*) FROM volunteers_servicerecord "
            f"WHERE {where} AND status = 'confirmed'",
            params,
        )
    )
    district_client = client("bench-district", Role.DISTRICT_RIGHTS, district)
    url = f"/activities/counts/?start={start}&end={end}"
    server = measure(lambda: district_client.get(url), repeat=repeat)
    results.append(
        report(
            "district yearly activity counts (raw SQL: from the records)",
            server,
            measure(raw(counts_sql), repeat=repeat),
        )
    )
    # The same figures as the page reads them: 人次 and 人数 from the yearly tally kept by the check-ins, volunteers
    # and their hours from the tally kept by the confirmations.
    tally_sql = counts_sql[:2] + [
        (
            "SELECT dimension, value, attendances, people FROM activities_attendancetally "
            "WHERE division_id = %s AND year = %s",
            [district, year],
        )
    ]
    tally_sql += [(sql, p) for sql, p in counts_sql if "activities_session" in sql and "GROUP BY" in sql]
    tally_sql.append(
        (
            "SELECT volunteers, minutes, records FROM volunteers_servicetally WHERE division_id = %s AND year = %s",
            [district, year],
        )
    )
    results.append(
        report("district yearly activity counts (raw SQL: the tally)", server, measure(raw(tally_sql), repeat=repeat))
    )
    return results


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--attendance", type=int, default=1_000_000)
    parser.add_argument("--volunteers", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=30)
    args, _unknown = parser.parse_known_args(argv)
    print(
        f"== activities: {args.activities:,} activities, {args.attendance:,} attendance rows, "
        f"{args.volunteers:,} volunteers, {args.records:,} service records ==",
        flush=True,
    )
    return run(args.activities, args.attendance, args.volunteers, args.records, args.repeat)


if __name__ == "__main__":
    main()
