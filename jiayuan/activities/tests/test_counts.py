"""The counts equal counts computed here, independently, from the same records."""

import datetime as dt
from collections import Counter

from django.test import Client

from jiayuan.activities import services, stats
from jiayuan.activities.models import Activity, Attendance, Session
from jiayuan.volunteers import services as volunteer_services
from jiayuan.volunteers.models import ServiceRecord
from tests.factories import make_person, system_actor

from .conftest import make_activity


def _build(scene):
    past = scene.now - dt.timedelta(days=3)
    project = services.project_create(
        actor=system_actor(),
        data=services.ProjectInput(
            name="无忧假期",
            kind="campaign",
            division_code=scene.home[:9],
            starts_on=past.date() - dt.timedelta(days=30),
            ends_on=past.date() + dt.timedelta(days=30),
        ),
    )
    class_ = make_activity(
        scene.home,
        title="暑期托管班",
        type="holiday_childcare",
        start=past,
        hours=3,
        sessions=2,
        project_id=project.pk,
        audience="children_6_12",
    )
    lecture = make_activity(scene.sibling, title="家长课堂", type="parent_school", start=past, hours=2)
    fair = make_activity(scene.far, title="招聘会", type="job_fair", start=past, hours=4, records_names=False)
    online = make_activity(scene.home, title="线上讲座", type="family_lecture", start=past, hours=1, online=True)
    people = [make_person(scene.home, name=f"参加者{i}") for i in range(4)]
    for session in class_.sessions.all():
        for person in people[:3]:
            services.attendance_record(actor=system_actor(), session=session, person=person, at=session.starts_at)
    lecture_session = lecture.sessions.get()
    for person in (people[0], people[3]):
        services.attendance_record(
            actor=system_actor(), session=lecture_session, person=person, at=lecture_session.starts_at
        )
    services.attendance_record(
        actor=system_actor(), session=lecture_session, head_count=5, at=lecture_session.starts_at
    )
    fair_session = fair.sessions.get()
    services.attendance_record(actor=system_actor(), session=fair_session, head_count=40, at=fair_session.starts_at)
    services.session_online_record(actor=system_actor(), session=online.sessions.get(), views=300, interactions=25)
    duty = services.duty_assign(
        actor=system_actor(), session=class_.sessions.order_by("starts_at").first(), volunteer=scene.me
    )
    services.duty_hours_record(actor=system_actor(), duty=duty, minutes=150, confirm=True)
    other = volunteer_services.volunteer_register(actor=system_actor(), person=make_person(scene.far), consent=True)
    volunteer_services.service_record_create(
        actor=system_actor(),
        volunteer=other,
        title="招聘会引导",
        started_at=past,
        minutes=240,
        division_code=scene.far,
        confirm=True,
    )
    volunteer_services.service_record_create(
        actor=system_actor(),
        volunteer=other,
        title="未确认",
        started_at=past - dt.timedelta(days=1),
        minutes=60,
        division_code=scene.far,
    )
    return past


def _expected(prefix: str, start: dt.date, end: dt.date) -> dict:
    sessions = [s for s in Session.objects.all() if s.division_id.startswith(prefix) and start <= s.on <= end]
    rows = [a for a in Attendance.objects.all() if a.division_id.startswith(prefix) and start <= a.on <= end]
    records = [
        r
        for r in ServiceRecord.objects.all()
        if r.division_id.startswith(prefix) and start <= r.on <= end and r.status == "confirmed"
    ]
    by_type: Counter = Counter()
    for a in rows:
        by_type[a.type] += a.head_count
    return {
        "activities": len(
            [
                a
                for a in Activity.objects.all()
                if a.division_id.startswith(prefix)
                and start <= a.starts_on <= end
                and a.status not in ("draft", "cancelled")
            ]
        ),
        "sessions": len(sessions),
        "minutes": sum(s.minutes for s in sessions),
        "attendances": sum(a.head_count for a in rows),
        "people": len({a.person_id for a in rows if a.person_id}),
        "views": sum(s.online_views for s in sessions),
        "serving": len({r.volunteer_id for r in records}),
        "volunteer_minutes": sum(r.minutes for r in records),
        "by_type": dict(by_type),
    }


def test_counts_per_place_equal_an_independent_count(scene):
    past = _build(scene)
    start, end = past.date() - dt.timedelta(days=5), past.date() + dt.timedelta(days=40)
    for actor_key, prefix in (("district", "440304"), ("street", scene.home[:9]), ("community", scene.home)):
        counts = stats.activity_counts(actor=scene.actors[actor_key], start=start, end=end)
        want = _expected(prefix, start, end)
        got = {
            "activities": counts.activities,
            "sessions": counts.sessions,
            "minutes": counts.minutes,
            "attendances": counts.attendances,
            "people": counts.people,
            "views": counts.online_views,
            "serving": counts.volunteers_serving,
            "volunteer_minutes": counts.volunteer_minutes,
            "by_type": {b.key: b.attendances for b in counts.by_type if b.attendances},
        }
        assert got == want, actor_key
    district = stats.activity_counts(actor=scene.actors["district"], start=start, end=end)
    assert district.attendances > 0 and district.people == 4
    assert {b.label for b in district.by_project} == {"无忧假期", "不属于项目"}
    narrowed = stats.activity_counts(actor=scene.actors["district"], start=start, end=end, division=scene.far[:9])
    assert narrowed.attendances == _expected(scene.far[:9], start, end)["attendances"]


def test_counts_page_and_api_show_the_figures(scene):
    past = _build(scene)
    client = Client()
    client.force_login(scene.users["leader"])
    start, end = past.date() - dt.timedelta(days=5), past.date() + dt.timedelta(days=40)
    want = _expected("440304", start, end)
    page = client.get(f"/activities/counts/?start={start}&end={end}").content.decode()
    assert f'id="fig-attendances">{want["attendances"]} 人次' in page
    body = client.get(f"/api/activities/counts?start={start}&end={end}").json()
    assert body["attendances"] == want["attendances"] and body["sessions"] == want["sessions"]


def _by(rows, key) -> dict:
    found: dict = {}
    for a in rows:
        n, people = found.get(getattr(a, key), (0, set()))
        found[getattr(a, key)] = (n + a.head_count, people | ({a.person_id} if a.person_id else set()))
    return {("" if k is None else str(k)): (n, len(p)) for k, (n, p) in found.items()}


def _year_figures(prefix: str, year: int) -> dict:
    rows = [a for a in Attendance.objects.all() if a.division_id.startswith(prefix) and a.on.year == year]
    return {
        "all": (sum(a.head_count for a in rows), len({a.person_id for a in rows if a.person_id})),
        "type": _by(rows, "type"),
        "audience": _by(rows, "audience"),
        "project": _by(rows, "project_id_ref"),
    }


def _shown(counts) -> dict:
    def table(breakdowns):
        return {b.key: (b.attendances, b.people) for b in breakdowns if b.attendances}

    return {
        "all": (counts.attendances, counts.people),
        "type": table(counts.by_type),
        "audience": table(counts.by_audience),
        "project": table(counts.by_project),
    }


def test_yearly_counts_read_the_tally_kept_by_check_ins_and_edits(scene):
    from jiayuan.activities.models import AttendanceTally
    from jiayuan.volunteers.models import ServiceTally

    past = _build(scene)
    year = past.year
    places = (("district", "440304"), ("street", scene.home[:9]), ("community", scene.home))

    def check():
        for actor_key, prefix in places:
            counts = stats.yearly_counts(actor=scene.actors[actor_key], year=year)
            assert _shown(counts) == _year_figures(prefix, year), actor_key
            records = [
                r
                for r in ServiceRecord.objects.filter(status="confirmed")
                if r.division_id.startswith(prefix) and r.on.year == year
            ]
            served = (counts.volunteers_serving, counts.volunteer_minutes)
            assert served == (len({r.volunteer_id for r in records}), sum(r.minutes for r in records)), actor_key

    assert AttendanceTally.objects.filter(year=year).exists()
    check()
    # The same person at a second activity of the year: once more in 人次, not in 人数.
    lecture = Activity.objects.get(title="家长课堂")
    again = make_activity(scene.home, title="再次参加", type="parent_school", start=past + dt.timedelta(hours=5))
    first = Attendance.objects.filter(activity=lecture, person__isnull=False).first().person
    services.attendance_record(
        actor=system_actor(), session=again.sessions.get(), person=first, at=past + dt.timedelta(hours=5)
    )
    check()
    # An edit moves the lecture's attendance to another type and place: both places are recounted.
    lecture.refresh_from_db()
    services.activity_update(
        actor=system_actor(),
        activity=lecture,
        data=services.ActivityInput(
            title=lecture.title,
            type="reading",
            division_code=scene.far,
            address="社区党群服务中心",
            audience="women",
            records_names=True,
        ),
        expected_version=lecture.version,
    )
    places += (("other_street", scene.far[:9]),)
    check()
    # A pending claim counts once confirmed; the same volunteer again in the year counts once.
    claim = volunteer_services.service_record_create(
        actor=system_actor(),
        volunteer=scene.me,
        title="补登服务",
        started_at=past - dt.timedelta(hours=30),
        minutes=45,
        division_code=scene.home,
    )
    check()
    volunteer_services.service_record_decide(
        actor=system_actor(), record=claim, confirm=True, expected_version=claim.version
    )
    check()
    served = set(ServiceTally.objects.values_list("year", "division_id", "records", "minutes", "volunteers"))
    volunteer_services.service_tally_rebuild(actor=system_actor())
    assert set(ServiceTally.objects.values_list("year", "division_id", "records", "minutes", "volunteers")) == served
    # A rebuild from the attendance gives the very rows the check-ins and edits kept.
    kept = set(
        AttendanceTally.objects.values_list("year", "division_id", "dimension", "value", "attendances", "people")
    )
    services.attendance_tally_rebuild(actor=system_actor())
    rebuilt = set(
        AttendanceTally.objects.values_list("year", "division_id", "dimension", "value", "attendances", "people")
    )
    assert rebuilt == kept
