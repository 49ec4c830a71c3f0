"""Activity demo for Futian (idempotent): 福家大讲堂, 无忧假期 and a 妇儿之家 project; past lectures, a holiday
class of several sessions, a matchmaking event and a job fair with attendance and volunteers' hours; open
activities to sign up for in the demo volunteer's community and street."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person
from jiayuan.venues.models import Venue, VenueType
from jiayuan.volunteers.models import Volunteer

from . import services
from .models import Activity, Attendance, ServiceProject

FUTIAN = "440304"


def _system() -> Actor:
    return Actor.system(job="demo")


STREET = "440304006"


def _project(name: str, kind: str, code: str, year: int, **targets) -> ServiceProject:
    found = ServiceProject.objects.filter(name=name, division_id=code).first()
    if found:
        return found
    return services.project_create(
        actor=_system(),
        data=services.ProjectInput(
            name=name,
            kind=kind,
            division_code=code,
            provider_name=targets.pop("provider_name", ""),
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            budget=targets.pop("budget", "0"),
            **targets,
        ),
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def demo_load() -> str:
    if (
        not Division.objects.filter(code=FUTIAN).exists()
        or Activity.objects.filter(title__startswith="【演示】").exists()
    ):
        return ""
    services.activity_dictionaries_ensure()
    rng = random.Random(20260308)
    today = timezone.localdate()
    year = today.year
    communities = list(
        Division.objects.filter(code__startswith=STREET, level=Level.COMMUNITY, special=False).order_by("code")
    )
    people = list(
        Person.objects.filter(division__code__startswith=FUTIAN, deleted_at__isnull=True).order_by("id")[:120]
    )
    volunteers = list(Volunteer.objects.filter(division__code__startswith=FUTIAN, status="active").order_by("id")[:20])
    venue = Venue.objects.filter(division_id=FUTIAN, type=VenueType.FAMILY_EDUCATION_CENTRE).first()
    made = 0
    with transaction.atomic():
        lecture_hall = _project(
            "福家大讲堂", "campaign", FUTIAN, year, target_activities=14, target_attendances=2000, budget="120000"
        )
        holiday = _project(
            "无忧假期托管服务",
            "purchased",
            FUTIAN,
            year,
            target_activities=40,
            target_hours=400,
            budget="380000",
            provider_name="深圳市福田区某社会工作服务中心",
        )
        past = [
            ("【演示】福家大讲堂：青春期亲子沟通", "family_lecture", FUTIAN, lecture_hall.pk, 45, 1, 2, "families"),
            ("【演示】福家大讲堂：家庭教育促进法解读", "family_lecture", FUTIAN, lecture_hall.pk, 30, 1, 2, "families"),
            ("【演示】暑期托管班", "holiday_childcare", communities[0].code, holiday.pk, 25, 5, 3, "children_6_12"),
            ("【演示】三八维权周普法宣传", "legal_campaign", STREET, None, None, 1, 3, "women"),
            ("【演示】鹊桥联谊会", "matchmaking", FUTIAN, None, 60, 1, 3, "singles"),
            ("【演示】巾帼招聘会", "job_fair", STREET, None, None, 1, 4, "women"),
        ]
        for index, (title, type, code, project_id, capacity, sessions, hours, audience) in enumerate(past):
            first_day = today - dt.timedelta(days=40 - 5 * index)
            activity = services.activity_create(
                actor=_system(),
                data=services.ActivityInput(
                    title=title,
                    type=type,
                    division_code=code,
                    project_id=project_id,
                    venue_id=venue.pk if venue and code == FUTIAN else None,
                    address="" if venue and code == FUTIAN else "街道党群服务中心",
                    audience=audience,
                    capacity=capacity,
                    records_names=type not in ("legal_campaign", "job_fair"),
                    sessions=[
                        (_at(first_day + dt.timedelta(days=d), 9), _at(first_day + dt.timedelta(days=d), 9 + hours))
                        for d in range(sessions)
                    ],
                ),
                publish=True,
            )
            made += 1
            attendees = rng.sample(people, min(len(people), (capacity or 60) // 2)) if people else []
            if activity.records_names:
                for person in attendees:
                    services.signup_create(actor=_system(), activity=activity, person=person)
            for session in activity.sessions.all():
                if activity.records_names:
                    # one save per check-in, so the figures' summaries follow (a bulk insert would pass them by)
                    for row in [
                        Attendance(
                            session=session,
                            activity=activity,
                            person=person,
                            division_id=session.division_id,
                            on=session.on,
                            type=session.type,
                            audience=session.audience,
                            project_id_ref=session.project_id_ref,
                            method="organiser",
                            checked_in_at=session.starts_at,
                        )
                        for person in attendees[: len(attendees) - rng.randint(0, 3)]
                    ]:
                        row.save()
                else:
                    services.attendance_record(
                        actor=_system(), session=session, head_count=rng.randint(80, 200), at=session.starts_at
                    )
                for volunteer in volunteers[index * 2 : index * 2 + 2]:
                    duty = services.duty_assign(actor=_system(), session=session, volunteer=volunteer)
                    services.duty_hours_record(
                        actor=_system(),
                        duty=duty,
                        minutes=session.minutes,
                        confirm=session.on < today - dt.timedelta(days=7),
                    )
            if type == "matchmaking":
                Activity.objects.filter(pk=activity.pk).update(pairs_formed=9)
            if type == "job_fair":
                Activity.objects.filter(pk=activity.pk).update(posts_offered=320)
            services.activity_move(actor=_system(), activity=activity, move="finish", expected_version=activity.version)
        upcoming = [
            ("【演示】亲子阅读会", "reading", communities[0].code, 20),
            ("【演示】家长学校：幼小衔接", "parent_school", STREET, 40),
            ("【演示】线上健康讲座：产后心理", "health_talk", FUTIAN, None),
        ]
        for offset, (title, type, code, capacity) in enumerate(upcoming, start=1):
            day = today + dt.timedelta(days=3 * offset)
            services.activity_create(
                actor=_system(),
                data=services.ActivityInput(
                    title=title,
                    type=type,
                    division_code=code,
                    address="社区党群服务中心" if type != "health_talk" else "",
                    online=type == "health_talk",
                    online_channel="福田妇联视频号" if type == "health_talk" else "",
                    capacity=capacity,
                    audience="families" if type != "health_talk" else "women",
                    sessions=[(_at(day, 14), _at(day, 16))],
                ),
                publish=True,
            )
            made += 1
        # The demo's past attendance was written around the check-in services: count it into the yearly tally.
        services.attendance_tally_rebuild(actor=_system())
    return f"服务项目 {ServiceProject.objects.count()} 个，活动 {made} 场（含签到和志愿服务时长）"
