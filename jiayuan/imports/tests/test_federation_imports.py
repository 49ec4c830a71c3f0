"""Venues, teams, volunteers and activities with attendance from Excel: whole files or nothing, each refusal
named by row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.activities.models import Activity, Attendance, Session
from jiayuan.imports.federation import ACTIVITIES, TEAMS, VENUES, VOLUNTEERS
from jiayuan.imports.framework import run_import
from jiayuan.imports.models import RunStatus
from jiayuan.venues.models import Venue
from jiayuan.volunteers.models import Membership, Team, Volunteer
from tests.factories import make_person, synthetic_id, system_actor

from .test_people_import import upload, xlsx

VENUE_HEADERS = ["阵地类型", "名称", "所在区划", "地址", "经度", "纬度", "开放时间", "状态"]
TEAM_HEADERS = ["队伍名称", "队伍类型", "所属区划", "成立日期"]
VOLUNTEER_HEADERS = ["证件号码", "姓名", "本人同意", "专长", "可服务时间", "所在队伍"]
ACTIVITY_HEADERS = ["活动名称", "活动类型", "举办区划", "日期", "开始时间", "结束时间", "签到人次（不记名）"]
ACTIVITY_HEADERS += ["签到人员证件号码"]


def _run(scene, spec, headers, rows):
    return run_import(actor=scene["actor"], spec=spec, file=upload(xlsx(rows, headers=headers)))


@pytest.mark.django_db
def test_venues_all_or_nothing(scene):
    home = scene["community"]
    good = [
        ["舒心驿站", "甲舒心驿站", home, "某路 1 号", "", "", "9:00-18:00", "在用"],
        ["母婴室", "地铁站母婴室", scene["community_name"], "", "114.0231", "22.5490", "", ""],
    ]
    bad = good + [
        ["母婴室", "半个坐标", home, "", "114.05", "", "", ""],  # row 4: latitude missing
        ["舒心驿站", "外街道驿站", scene["other"], "", "", "", "", ""],  # row 5: outside the scope
        ["驿站", "未知类型", home, "", "", "", "", ""],  # row 6: unknown type
        ["舒心驿站", "甲舒心驿站", home, "", "", "", "", ""],  # row 7: the same as row 2
    ]
    run = _run(scene, VENUES, VENUE_HEADERS, bad)
    assert run.status == RunStatus.ERRORS and Venue.objects.count() == 0
    assert {(r, c) for r, c, _ in run.errors} >= {(4, "经度"), (5, "所在区划"), (6, "阵地类型"), (7, "名称")}
    run = _run(scene, VENUES, VENUE_HEADERS, good)
    assert run.status == RunStatus.SUCCESS, run.errors
    assert Venue.objects.get(name="地铁站母婴室").division_id == home


@pytest.mark.django_db
def test_volunteers_need_consent_and_the_registry(scene):
    home = scene["community"]
    people = [make_person(home, name=f"志愿{i}", id_number=synthetic_id()) for i in range(3)]
    teams = _run(scene, TEAMS, TEAM_HEADERS, [["甲社区阅读中队", "阅读中队", home, "2021-03-05"]])
    assert teams.status == RunStatus.SUCCESS, teams.errors
    rows = [
        [people[0].id_number, people[0].name, "是", "教师、律师/法律", "周末", "甲社区阅读中队"],
        [people[1].id_number, people[1].name, "否", "", "", ""],  # row 3: no consent
        [people[2].id_number, "别人", "是", "", "", ""],  # row 4: the name does not match
        [synthetic_id(), "无此人", "是", "", "", ""],  # row 5: not in the registry
        [people[2].id_number, people[2].name, "是", "飞行员", "", ""],  # row 6: unknown skill
    ]
    run = _run(scene, VOLUNTEERS, VOLUNTEER_HEADERS, rows)
    assert run.status == RunStatus.ERRORS and Volunteer.objects.count() == 0 and Membership.objects.count() == 0
    assert {(r, c) for r, c, _ in run.errors} == {(3, "本人同意"), (4, "姓名"), (5, "证件号码"), (6, "专长")}
    run = _run(scene, VOLUNTEERS, VOLUNTEER_HEADERS, [rows[0]])
    assert run.status == RunStatus.SUCCESS, run.errors
    volunteer = Volunteer.objects.get(person=people[0])
    assert volunteer.has_consent
    assert Membership.objects.get(volunteer=volunteer).team == Team.objects.get(name="甲社区阅读中队")


@pytest.mark.django_db
def test_activities_with_attendance(scene):
    home = scene["community"]
    people = [make_person(home, name=f"参加{i}", id_number=synthetic_id()) for i in range(3)]
    day = timezone.localdate() - dt.timedelta(days=10)
    ids = "、".join(p.id_number for p in people[:2])
    good = [
        ["暑期托管班", "假期托管班", home, day.isoformat(), "09:00", "12:00", "", ids],
        ["暑期托管班", "假期托管班", home, (day + dt.timedelta(days=1)).isoformat(), "09:00", "12:00", "", ids],
        ["三八普法宣传", "普法宣传（三八维权周、反家暴宣传等）", home, day.isoformat(), "14:00", "17:00", "80", ""],
    ]
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    bad = good + [
        ["未来活动", "亲子活动", home, future, "09:00", "10:00", "10", ""],  # row 5: not held yet
        ["倒挂", "亲子活动", home, day.isoformat(), "10:00", "09:00", "10", ""],  # row 6: ends before it starts
        ["外人", "亲子活动", home, day.isoformat(), "09:00", "10:00", "", synthetic_id()],  # row 7: unknown person
    ]
    run = _run(scene, ACTIVITIES, ACTIVITY_HEADERS, bad)
    assert run.status == RunStatus.ERRORS
    assert Activity.objects.count() == Session.objects.count() == Attendance.objects.count() == 0
    assert {(r, c) for r, c, _ in run.errors} == {(5, "日期"), (6, "结束时间"), (7, "签到人员证件号码")}
    run = _run(scene, ACTIVITIES, ACTIVITY_HEADERS, good)
    assert run.status == RunStatus.SUCCESS, run.errors
    camp = Activity.objects.get(title="暑期托管班")
    assert camp.sessions.count() == 2 and camp.type == "holiday_childcare"
    assert Attendance.objects.filter(activity=camp).count() == 4
    campaign = Activity.objects.get(title="三八普法宣传")
    assert sum(Attendance.objects.filter(activity=campaign).values_list("head_count", flat=True)) == 80


@pytest.mark.django_db
def test_a_refusal_only_the_service_knows_is_reported_on_its_row(scene):
    home = scene["community"]
    person = make_person(home, name="已注册", id_number=synthetic_id())
    from jiayuan.volunteers.services import TeamInput, team_create

    team_create(actor=system_actor(), data=TeamInput(name="已有队伍", type="reading", division_code=home))
    run = _run(scene, TEAMS, TEAM_HEADERS, [["新队伍", "阅读中队", home, ""], ["已有队伍", "阅读中队", home, ""]])
    assert run.status == RunStatus.ERRORS and [(r, c) for r, c, _ in run.errors] == [(3, "队伍名称")]
    assert not Team.objects.filter(name="新队伍").exists()
    assert person.pk
