"""Projects and activities over the API for staff: the same scope, permissions and services as the pages."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema, Status

from jiayuan.access.fields import mask_name
from jiayuan.api.routing import operation
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.pagination import paginate
from jiayuan.volunteers.api import RecordOut, record_out
from jiayuan.volunteers.selectors import person_for_volunteering, record_get, volunteer_get

from .. import selectors, services, stats

router = Router(tags=["服务项目与活动"])


class SessionOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    cancelled: bool
    online_views: int
    online_interactions: int


class ActivityOut(Schema):
    id: int
    title: str
    type: str
    type_label: str
    division_code: str
    division: str
    project_id: int | None
    venue_id: int | None
    venue: str
    online: bool
    online_channel: str
    address: str
    audience: str
    capacity: int | None
    taken: int
    records_names: bool
    status: str
    starts_on: dt.date
    ends_on: dt.date
    description: str
    version: int
    sessions: list[SessionOut]


class ActivityRowOut(Schema):
    id: int
    title: str
    type: str
    division: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int | None
    taken: int
    status: str


class ActivityPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ActivityRowOut]


class SessionIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class ActivityIn(Schema):
    title: str
    type: str
    division_code: str
    project_id: int | None = None
    venue_id: int | None = None
    online: bool = False
    online_channel: str = ""
    address: str = ""
    audience: str = "general"
    capacity: int | None = None
    records_names: bool = True
    description: str = ""
    publish: bool = False
    sessions: list[SessionIn]


class ActivityPatch(Schema):
    version: int
    title: str | None = None
    type: str | None = None
    division_code: str | None = None
    venue_id: int | None = None
    online: bool | None = None
    online_channel: str | None = None
    address: str | None = None
    audience: str | None = None
    capacity: int | None = None
    records_names: bool | None = None
    description: str | None = None


class MoveIn(Schema):
    move: str
    version: int


class SignUpIn(Schema):
    person_id: int | None = None
    head_count: int = 1
    waitlist: bool = True


class SignUpOut(Schema):
    id: int
    activity_id: int
    name: str
    head_count: int
    status: str
    position: int
    created_at: dt.datetime


class AttendanceIn(Schema):
    person_id: int | None = None
    head_count: int = 1


class AttendanceOut(Schema):
    id: int
    session_id: int
    name: str
    head_count: int
    method: str
    checked_in_at: dt.datetime


class CodeOut(Schema):
    session_id: int
    code: str
    expires_at: dt.datetime


class OnlineIn(Schema):
    views: int
    interactions: int


class DutyIn(Schema):
    volunteer_id: int


class DutyOut(Schema):
    id: int
    session_id: int
    volunteer_id: int
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    record_id: int | None


class HoursIn(Schema):
    minutes: int


class BreakdownOut(Schema):
    key: str
    label: str
    activities: int
    sessions: int
    hours: float
    attendances: int
    people: int


class CountsOut(Schema):
    place: str
    start: dt.date
    end: dt.date
    activities: int
    sessions: int
    hours: float
    attendances: int
    people: int
    online_views: int
    online_interactions: int
    pairs_formed: int
    posts_offered: int
    volunteers: int
    volunteers_serving: int
    volunteer_hours: float
    by_type: list[BreakdownOut]
    by_audience: list[BreakdownOut]
    by_project: list[BreakdownOut]


def session_out(s) -> dict:
    return {
        "id": s.pk,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "minutes": s.minutes,
        "cancelled": s.cancelled,
        "online_views": s.online_views,
        "online_interactions": s.online_interactions,
    }


def activity_out(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "type": a.type,
        "type_label": selectors.type_labels().get(a.type, a.type),
        "division_code": a.division_id,
        "division": a.division.name,
        "project_id": a.project_id,
        "venue_id": a.venue_id,
        "venue": a.venue.name if a.venue_id else "",
        "online": a.online,
        "online_channel": a.online_channel,
        "address": a.address,
        "audience": a.audience,
        "capacity": a.capacity,
        "taken": a.taken,
        "records_names": a.records_names,
        "status": a.status,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "description": a.description,
        "version": a.version,
        "sessions": [session_out(s) for s in selectors.activity_sessions(activity=a)],
    }


def signup_out(s) -> dict:
    return {
        "id": s.pk,
        "activity_id": s.activity_id,
        "name": mask_name(s.person.name) if s.person_id else "",
        "head_count": s.head_count,
        "status": s.status,
        "position": services.waiting_position(s),
        "created_at": s.created_at,
    }


def _row(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "type": a.type,
        "division": a.division.name,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "capacity": a.capacity,
        "taken": a.taken,
        "status": a.status,
    }


def _person(request, person_id: int):
    try:
        return person_for_volunteering(actor=request.actor, person_id=person_id)
    except NotFound:
        raise ApplicationError("未找到该人员（请填写您辖区内人员的档案编号）。") from None


@operation(router, "GET", "", perm="activities.list", response=ActivityPageOut, summary="活动列表")
def activity_list(
    request,
    division: str = "",
    type: str = "",
    audience: str = "",
    status: str = "",
    project: int = 0,
    start: dt.date | None = None,
    end: dt.date | None = None,
    page: int = 1,
):
    filters = selectors.ActivityFilters(
        division=division[:12],
        type=type[:48],
        audience=audience[:16],
        status=status[:16],
        project_id=project or None,
        start=start,
        end=end,
    )
    result = paginate(selectors.activity_list(actor=request.actor, filters=filters), max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [_row(a) for a in result.object_list],
    }


@operation(router, "POST", "", perm="activities.edit", response={201: ActivityOut}, summary="创建活动（含场次）")
def activity_create(request, payload: ActivityIn):
    body = payload.dict()
    publish = body.pop("publish")
    body["sessions"] = [(s["starts_at"], s["ends_at"]) for s in body["sessions"]]
    activity = services.activity_create(actor=request.actor, data=services.ActivityInput(**body), publish=publish)
    return Status(201, activity_out(selectors.activity_get(actor=request.actor, activity_id=activity.pk)))


@operation(router, "GET", "/counts", perm="activities.stats", response=CountsOut, summary="活动与志愿服务统计")
def counts(request, division: str = "", start: dt.date | None = None, end: dt.date | None = None):
    today = timezone.localdate()
    result = stats.activity_counts(
        actor=request.actor,
        start=start or today.replace(month=1, day=1),
        end=end or today.replace(month=12, day=31),
        division=division[:12],
    )
    if result is None:
        raise NotFound("未找到该记录")

    def rows(items):
        return [{**b.__dict__, "hours": b.hours} for b in items]

    return {
        **{k: v for k, v in result.__dict__.items() if k not in ("by_type", "by_audience", "by_project", "minutes")},
        "hours": result.hours,
        "volunteer_hours": result.volunteer_hours,
        "by_type": rows(result.by_type),
        "by_audience": rows(result.by_audience),
        "by_project": rows(result.by_project),
    }


@operation(router, "GET", "/{int:activity_id}", perm="activities.view", response=ActivityOut, summary="活动详情")
def activity_detail(request, activity_id: int):
    return activity_out(selectors.activity_get(actor=request.actor, activity_id=activity_id))


@operation(router, "PATCH", "/{int:activity_id}", perm="activities.edit", response=ActivityOut, summary="修改活动")
def activity_update(request, activity_id: int, payload: ActivityPatch):
    a = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.edit")
    data = services.ActivityInput(
        title=a.title,
        type=a.type,
        division_code=a.division_id,
        project_id=a.project_id,
        venue_id=a.venue_id,
        online=a.online,
        online_channel=a.online_channel,
        address=a.address,
        audience=a.audience,
        capacity=a.capacity,
        records_names=a.records_names,
        description=a.description,
    )
    for key, value in payload.dict(exclude_unset=True).items():
        if key != "version":
            setattr(data, key, value)
    services.activity_update(actor=request.actor, activity=a, data=data, expected_version=payload.version)
    return activity_out(selectors.activity_get(actor=request.actor, activity_id=a.pk))


@operation(
    router,
    "POST",
    "/{int:activity_id}/move",
    perm="activities.edit",
    response=ActivityOut,
    summary="发布/截止/结束/取消",
)
def activity_move(request, activity_id: int, payload: MoveIn):
    a = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.edit")
    services.activity_move(actor=request.actor, activity=a, move=payload.move, expected_version=payload.version)
    return activity_out(selectors.activity_get(actor=request.actor, activity_id=a.pk))


@operation(router, "GET", "/{int:activity_id}/signups", perm="activities.signup_manage", response=list[SignUpOut])
def signup_list(request, activity_id: int):
    a = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.signup_manage")
    return [signup_out(s) for s in selectors.activity_signups(activity=a)]


@operation(
    router,
    "POST",
    "/{int:activity_id}/signups",
    perm="activities.signup_manage",
    response={201: SignUpOut},
    summary="登记报名（实名或人数；满员进入候补）",
)
def signup_add(request, activity_id: int, payload: SignUpIn):
    a = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.signup_manage")
    person = _person(request, payload.person_id) if payload.person_id else None
    signup = services.signup_create(
        actor=request.actor, activity=a, person=person, head_count=payload.head_count, waitlist=payload.waitlist
    )
    return Status(201, signup_out(selectors.signup_get(actor=request.actor, signup_id=signup.pk)))


@operation(router, "POST", "/signups/{int:signup_id}/cancel", perm="activities.signup_manage", response=SignUpOut)
def signup_cancel(request, signup_id: int):
    signup = selectors.signup_get(actor=request.actor, signup_id=signup_id)
    services.signup_cancel(actor=request.actor, signup=signup)
    return signup_out(selectors.signup_get(actor=request.actor, signup_id=signup.pk))


@operation(
    router, "GET", "/sessions/{int:session_id}/attendance", perm="activities.attendance", response=list[AttendanceOut]
)
def attendance_list(request, session_id: int):
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    return [_attendance(a) for a in selectors.session_attendance(session=session)]


def _attendance(a) -> dict:
    return {
        "id": a.pk,
        "session_id": a.session_id,
        "name": mask_name(a.person.name) if a.person_id else "",
        "head_count": a.head_count,
        "method": a.method,
        "checked_in_at": a.checked_in_at,
    }


@operation(
    router,
    "POST",
    "/sessions/{int:session_id}/attendance",
    perm="activities.attendance",
    response={201: AttendanceOut},
    summary="组织者登记签到（实名或人数）",
)
def attendance_add(request, session_id: int, payload: AttendanceIn):
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    person = _person(request, payload.person_id) if payload.person_id else None
    row = services.attendance_record(actor=request.actor, session=session, person=person, head_count=payload.head_count)
    return Status(201, _attendance(row))


@operation(
    router,
    "POST",
    "/sessions/{int:session_id}/code",
    perm="activities.attendance",
    response=CodeOut,
    summary="生成签到码（组织者手机展示）",
)
def session_code(request, session_id: int):
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    services.checkin_code_issue(actor=request.actor, session=session)
    return {"session_id": session.pk, "code": session.checkin_code, "expires_at": session.code_expires_at}


@operation(router, "POST", "/sessions/{int:session_id}/online", perm="activities.attendance", response=SessionOut)
def session_online(request, session_id: int, payload: OnlineIn):
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    services.session_online_record(
        actor=request.actor, session=session, views=payload.views, interactions=payload.interactions
    )
    return session_out(session)


def duty_out(d) -> dict:
    return {
        "id": d.pk,
        "session_id": d.session_id,
        "volunteer_id": d.volunteer_id,
        "name": mask_name(d.volunteer.person.name),
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "record_id": d.record_id,
    }


@operation(
    router,
    "POST",
    "/sessions/{int:session_id}/duties",
    perm="activities.attendance",
    response={201: DutyOut},
    summary="安排志愿者（同一时间不得重叠）",
)
def duty_add(request, session_id: int, payload: DutyIn):
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    try:
        volunteer = volunteer_get(actor=request.actor, volunteer_id=payload.volunteer_id, perm="volunteers.list")
    except NotFound:
        raise ApplicationError("未找到该志愿者（请填写您辖区内志愿者的编号）。") from None
    duty = services.duty_assign(actor=request.actor, session=session, volunteer=volunteer)
    return Status(201, duty_out(selectors.duty_get(actor=request.actor, duty_id=duty.pk)))


@operation(
    router,
    "POST",
    "/duties/{int:duty_id}/hours",
    perm="activities.attendance",
    response={201: RecordOut},
    summary="登记并确认志愿者服务时长（不超过场次时长）",
)
def duty_hours(request, duty_id: int, payload: HoursIn):
    duty = selectors.duty_get(actor=request.actor, duty_id=duty_id)
    services.duty_hours_record(actor=request.actor, duty=duty, minutes=payload.minutes, confirm=True)
    return Status(201, record_out(record_get(actor=request.actor, record_id=duty.record_id)))


# The service projects' operations live in their own module, on this router.
from . import projects  # noqa: E402, F401
