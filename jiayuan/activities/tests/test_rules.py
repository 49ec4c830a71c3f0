"""Sign-up, the waiting list, check-in and volunteer hours: each refusal in Chinese, nothing half-written."""

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.activities import services
from jiayuan.activities.models import Activity, Attendance, Duty, SignUp, SignUpStatus
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.volunteers import services as volunteer_services
from jiayuan.volunteers.models import Membership, RecordStatus, ServiceRecord
from tests.factories import make_person, system_actor

from .conftest import make_activity


def _fresh(activity: Activity) -> Activity:
    return Activity.objects.get(pk=activity.pk)


def test_waiting_list_fills_free_places_in_order(scene):
    activity = make_activity(scene.home, capacity=2)
    people = [make_person(scene.home, name=f"报名{i}") for i in range(5)]
    signups = [services.signup_create(actor=scene.actors["community"], activity=activity, person=p) for p in people]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waiting", "waiting", "waiting"]
    assert [services.waiting_position(s) for s in signups[2:]] == [1, 2, 3]
    assert _fresh(activity).taken == 2
    services.signup_cancel(actor=scene.actors["community"], signup=signups[0])
    statuses = dict(SignUp.objects.filter(activity=activity).values_list("person_id", "status"))
    assert statuses[people[2].pk] == SignUpStatus.CONFIRMED  # the first in the queue moved up
    assert statuses[people[3].pk] == statuses[people[4].pk] == SignUpStatus.WAITING
    assert _fresh(activity).taken == 2


def test_over_capacity_and_double_sign_up_are_refused_and_change_nothing(scene):
    named = make_activity(scene.home, capacity=1)
    person = make_person(scene.home, name="王报名")
    services.signup_create(actor=system_actor(), activity=named, person=person)
    with pytest.raises(WorkflowError, match="不能重复报名"):
        services.signup_create(actor=system_actor(), activity=named, person=person)
    with pytest.raises(WorkflowError, match="超出活动名额"):
        services.signup_create(actor=system_actor(), activity=named, person=make_person(scene.home), waitlist=False)
    counted = make_activity(scene.home, capacity=10, records_names=False, title="三八维权周普法宣传")
    services.signup_create(actor=system_actor(), activity=counted, head_count=8)
    with pytest.raises(WorkflowError, match="剩余 2 个名额"):
        services.signup_create(actor=system_actor(), activity=counted, head_count=3)
    assert SignUp.objects.filter(activity=named).count() == 1 and _fresh(named).taken == 1
    assert SignUp.objects.filter(activity=counted).count() == 1 and _fresh(counted).taken == 8
    draft = make_activity(scene.home, publish=False)
    with pytest.raises(WorkflowError, match="不接受报名"):
        services.signup_create(actor=system_actor(), activity=draft, person=person)


def _running(scene, **kw) -> Activity:
    # A session that started ten minutes ago and runs for an hour: check-in is open.
    return make_activity(scene.home, start=scene.now - dt.timedelta(minutes=10), hours=1, **kw)


def test_check_in_with_the_code_and_every_refusal(scene):
    activity = _running(scene)
    session = activity.sessions.get()
    person, stranger = make_person(scene.home, name="赵签到"), make_person(scene.home, name="钱未报名")
    services.signup_create(actor=system_actor(), activity=activity, person=person)
    services.signup_create(actor=system_actor(), activity=activity, person=stranger)
    services.signup_cancel(actor=system_actor(), signup=SignUp.objects.get(activity=activity, person=stranger))
    with pytest.raises(ValidationFailed, match="签到码不正确"):  # no code issued yet
        services.checkin_by_code(actor=system_actor(), session=session, person=person, code="123456")
    services.checkin_code_issue(actor=scene.actors["community"], session=session)
    code = session.checkin_code
    assert len(code) == 6 and code.isdigit()
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationFailed, match="签到码不正确"):
        services.checkin_by_code(actor=system_actor(), session=session, person=person, code=wrong)
    with pytest.raises(WorkflowError, match="未找到您的有效报名"):
        services.checkin_by_code(actor=system_actor(), session=session, person=stranger, code=code)
    services.checkin_by_code(actor=system_actor(), session=session, person=person, code=f" {code} ")
    with pytest.raises(WorkflowError, match="已签到"):
        services.checkin_by_code(actor=system_actor(), session=session, person=person, code=code)
    # A refreshed code replaces the old one; an expired one is refused.
    services.checkin_code_issue(actor=system_actor(), session=session)
    session.code_expires_at = timezone.now() - dt.timedelta(seconds=1)
    session.save(update_fields=["code_expires_at"])
    other = make_person(scene.home, name="孙迟到")
    services.signup_create(actor=system_actor(), activity=activity, person=other)
    with pytest.raises(ValidationFailed, match="签到码已过期"):
        services.checkin_by_code(actor=system_actor(), session=session, person=other, code=session.checkin_code)
    assert list(Attendance.objects.filter(session=session).values_list("person_id", flat=True)) == [person.pk]


def test_check_in_outside_the_time_window_is_refused(scene):
    later = make_activity(scene.home, start=scene.now + dt.timedelta(hours=3))
    session = later.sessions.get()
    person = make_person(scene.home)
    services.signup_create(actor=system_actor(), activity=later, person=person)
    services.checkin_code_issue(actor=system_actor(), session=session)
    with pytest.raises(WorkflowError, match="不在签到时间内"):
        services.checkin_by_code(actor=system_actor(), session=session, person=person, code=session.checkin_code)
    assert not Attendance.objects.filter(session=session).exists()


def test_hours_are_capped_by_the_session_and_confirmed_by_the_organiser(scene):
    activity = make_activity(scene.home, start=scene.now - dt.timedelta(hours=3), hours=2)
    session = activity.sessions.get()
    me_actor = scene.actors["volunteer"]
    with pytest.raises(ValidationFailed, match="不能超过该场次的时长（120 分钟）"):
        services.hours_claim(actor=me_actor, session=session, volunteer=scene.me, minutes=150)
    assert not ServiceRecord.objects.exists() and not Duty.objects.exists()  # nothing half-written
    duty = services.hours_claim(actor=me_actor, session=session, volunteer=scene.me, minutes=110)
    record = duty.record
    assert record.status == RecordStatus.PENDING
    with pytest.raises(WorkflowError, match="不能确认本人"):
        volunteer_services.service_record_decide(actor=me_actor, record=record, confirm=True, expected_version=1)
    volunteer_services.service_record_decide(
        actor=scene.actors["community"], record=record, confirm=True, expected_version=1
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED and record.minutes == 110
    with pytest.raises(WorkflowError, match="已处理"):
        volunteer_services.service_record_decide(
            actor=scene.actors["community"], record=record, confirm=True, expected_version=2
        )


def test_overlapping_sessions_for_one_volunteer_are_refused(scene):
    start = scene.now + dt.timedelta(days=2)
    first = make_activity(scene.home, start=start, hours=2).sessions.get()
    overlapping = make_activity(scene.sibling, start=start + dt.timedelta(hours=1), hours=2).sessions.get()
    after = make_activity(scene.home, start=start + dt.timedelta(hours=2), hours=1).sessions.get()
    services.duty_assign(actor=system_actor(), session=first, volunteer=scene.me)
    with pytest.raises(WorkflowError, match="场次时间重叠"):
        services.duty_assign(actor=system_actor(), session=overlapping, volunteer=scene.me)
    services.duty_assign(actor=system_actor(), session=after, volunteer=scene.me)  # back to back is fine
    assert Duty.objects.filter(volunteer=scene.me).count() == 2
    # Service records of one volunteer never overlap either.
    past = scene.now - dt.timedelta(days=1)
    volunteer_services.service_record_create(
        actor=system_actor(),
        volunteer=scene.me,
        title="入户探访",
        started_at=past,
        minutes=90,
        division_code=scene.home,
    )
    with pytest.raises(WorkflowError, match="同一时间不能重复登记"):
        volunteer_services.service_record_create(
            actor=system_actor(),
            volunteer=scene.me,
            title="电话关爱",
            started_at=past + dt.timedelta(minutes=30),
            minutes=30,
            division_code=scene.home,
        )


def test_a_person_without_consent_cannot_be_put_on_a_team(scene):
    team = volunteer_services.team_create(
        actor=scene.actors["street"],
        data=volunteer_services.TeamInput(name="香蜜湖阅读中队", type="reading", division_code=scene.home[:9]),
    )
    assert team.level == "street"
    stranger = make_person(scene.home, name="周未注册")
    with pytest.raises(WorkflowError, match="尚未经本人同意"):
        volunteer_services.team_member_add(actor=system_actor(), team=team, person=stranger)
    with pytest.raises(ValidationFailed, match="须经本人同意"):
        volunteer_services.volunteer_register(actor=scene.actors["community"], person=stranger, consent=False)
    volunteer_services.team_member_add(actor=system_actor(), team=team, person=scene.me.person)
    volunteer_services.volunteer_withdraw_consent(
        actor=system_actor(), volunteer=scene.me, expected_version=scene.me.version
    )
    assert not Membership.objects.filter(team=team, left_on__isnull=True).exists()
    with pytest.raises(WorkflowError, match="撤回授权"):
        volunteer_services.team_member_add(actor=system_actor(), team=team, person=scene.me.person)


def test_a_session_is_called_off_only_before_anyone_checked_in(scene):
    activity = make_activity(scene.home, start=scene.now - dt.timedelta(minutes=10), hours=1, sessions=3)
    first, second, third = activity.sessions.order_by("starts_at")
    services.attendance_record(actor=system_actor(), session=first, head_count=1)
    with pytest.raises(WorkflowError, match="已有签到"):
        services.session_cancel(actor=system_actor(), session=first)
    services.session_cancel(actor=system_actor(), session=third)
    assert _fresh(activity).ends_on == timezone.localtime(second.ends_at).date()  # the day the second one ends
    with pytest.raises(WorkflowError, match="已取消"):
        services.session_cancel(actor=system_actor(), session=third)
