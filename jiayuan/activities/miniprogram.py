"""The volunteer mini-program's API (/api/me, bearer token from POST /api/token): open activities and tasks in
her area, sign up and cancel, check in with the organiser's code, claim and read her hours. Scoped like the
pages: only her own sign-ups and records, only the open activities of her community, street and district."""

import datetime as dt

from ninja import Router, Schema, Status

from jiayuan.api.routing import operation
from jiayuan.core.errors import ApplicationError
from jiayuan.volunteers.api import RecordOut, record_out
from jiayuan.volunteers.selectors import volunteer_hours, volunteer_of_user, volunteer_records, volunteer_teams

from . import selectors, services
from .api import ActivityOut, DutyOut, SignUpOut, activity_out, duty_out, signup_out

router = Router(tags=["志愿者小程序"])


class MeOut(Schema):
    volunteer_id: int
    name: str
    community: str
    confirmed_hours: float
    pending_hours: float
    confirmed_records: int
    teams: list[str]


class OpenActivityOut(Schema):
    id: int
    title: str
    type_label: str
    place: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int | None
    taken: int


class TaskOut(Schema):
    session_id: int
    activity_id: int
    title: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    volunteers: int


class CheckInIn(Schema):
    code: str


class CheckInOut(Schema):
    session_id: int
    checked_in_at: dt.datetime


class ClaimIn(Schema):
    minutes: int


def _volunteer(request):
    volunteer = volunteer_of_user(request.user)
    if volunteer is None:
        raise ApplicationError("您的账号尚未关联志愿者档案，请联系社区妇联。")
    return volunteer


def _place(a) -> str:
    if a.online:
        return f"线上：{a.online_channel}"
    if a.venue_id:
        return a.venue.name
    return a.address or a.division.name


@operation(router, "GET", "/volunteer", perm="volunteers.mine", response=MeOut, summary="我的志愿者档案与服务时长")
def me(request):
    v = _volunteer(request)
    summary = volunteer_hours(volunteer=v)
    return {
        "volunteer_id": v.pk,
        "name": v.person.name,
        "community": v.division.name,
        "confirmed_hours": summary.confirmed_hours,
        "pending_hours": summary.pending_hours,
        "confirmed_records": summary.confirmed_records,
        "teams": [m.team.name for m in volunteer_teams(volunteer=v)],
    }


@operation(router, "GET", "/records", perm="volunteers.mine", response=list[RecordOut], summary="我的服务记录")
def my_records(request):
    v = _volunteer(request)
    return [
        record_out(r) for r in volunteer_records(actor=request.actor, volunteer=v, perm="volunteers.record_view")[:200]
    ]


@operation(
    router,
    "GET",
    "/activities",
    perm="activities.browse",
    response=list[OpenActivityOut],
    summary="我所在区域可报名的活动",
)
def open_activities(request):
    labels = selectors.type_labels()
    return [
        {
            "id": a.pk,
            "title": a.title,
            "type_label": labels.get(a.type, a.type),
            "place": _place(a),
            "starts_on": a.starts_on,
            "ends_on": a.ends_on,
            "capacity": a.capacity,
            "taken": a.taken,
        }
        for a in selectors.open_activities(actor=request.actor)[:200]
    ]


@operation(router, "GET", "/activities/{int:activity_id}", perm="activities.browse", response=ActivityOut)
def open_activity(request, activity_id: int):
    return activity_out(selectors.open_activity_get(actor=request.actor, activity_id=activity_id))


@operation(
    router,
    "POST",
    "/activities/{int:activity_id}/signup",
    perm="activities.join",
    response={201: SignUpOut},
    summary="报名（满员进入候补）",
)
def sign_up(request, activity_id: int):
    activity = selectors.open_activity_get(actor=request.actor, activity_id=activity_id, perm="activities.join")
    v = _volunteer(request)
    signup = services.signup_create(actor=request.actor, activity=activity, person=v.person, user=request.user)
    return Status(201, signup_out(selectors.my_signup_get(actor=request.actor, signup_id=signup.pk)))


@operation(router, "GET", "/signups", perm="activities.mine", response=list[SignUpOut], summary="我的报名")
def my_signups(request):
    return [signup_out(s) for s in selectors.my_signups(actor=request.actor)[:200]]


@operation(
    router, "POST", "/signups/{int:signup_id}/cancel", perm="activities.mine", response=SignUpOut, summary="取消报名"
)
def cancel(request, signup_id: int):
    signup = selectors.my_signup_get(actor=request.actor, signup_id=signup_id)
    services.signup_cancel(actor=request.actor, signup=signup)
    return signup_out(selectors.my_signup_get(actor=request.actor, signup_id=signup.pk))


@operation(
    router,
    "POST",
    "/sessions/{int:session_id}/checkin",
    perm="activities.join",
    response={201: CheckInOut},
    summary="输入或扫描组织者出示的签到码签到",
)
def check_in(request, session_id: int, payload: CheckInIn):
    session = selectors.open_session_get(actor=request.actor, session_id=session_id)
    v = _volunteer(request)
    row = services.checkin_by_code(actor=request.actor, session=session, person=v.person, code=payload.code)
    return Status(201, {"session_id": session.pk, "checked_in_at": row.checked_in_at})


@operation(
    router, "GET", "/tasks", perm="activities.browse", response=list[TaskOut], summary="我所在区域需要志愿者的场次"
)
def tasks(request):
    return [
        {
            "session_id": s.pk,
            "activity_id": s.activity_id,
            "title": s.activity.title,
            "place": _place(s.activity),
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "volunteers": s.volunteers,
        }
        for s in selectors.open_tasks(actor=request.actor)[:200]
    ]


@operation(
    router,
    "POST",
    "/sessions/{int:session_id}/duty",
    perm="activities.join",
    response={201: DutyOut},
    summary="认领志愿服务场次（同一时间不得重叠）",
)
def take_duty(request, session_id: int):
    session = selectors.open_session_get(actor=request.actor, session_id=session_id)
    duty = services.duty_assign(actor=request.actor, session=session, volunteer=_volunteer(request))
    return Status(201, duty_out(selectors.my_duty(duty_id=duty.pk)))


@operation(
    router,
    "POST",
    "/sessions/{int:session_id}/hours",
    perm="activities.join",
    response={201: RecordOut},
    summary="申报服务时长（不超过场次时长，待组织者确认）",
)
def claim_hours(request, session_id: int, payload: ClaimIn):
    session = selectors.open_session_get(actor=request.actor, session_id=session_id)
    duty = services.hours_claim(
        actor=request.actor, session=session, volunteer=_volunteer(request), minutes=payload.minutes
    )
    return Status(201, record_out(duty.record))
