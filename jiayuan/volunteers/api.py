"""Volunteers, teams and service records over the API: the same scope, masking and services as the pages."""

import datetime as dt

from ninja import Router, Schema, Status

from jiayuan.access.fields import mask_name
from jiayuan.api.routing import operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.pagination import paginate

from . import selectors, services

router = Router(tags=["巾帼志愿者"])


class VolunteerRowOut(Schema):
    id: int
    name: str
    division: str
    skills: list[str]
    availability: str
    registered_on: dt.date
    confirmed_hours: float
    status: str


class VolunteerPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[VolunteerRowOut]


class VolunteerOut(VolunteerRowOut):
    consent_at: dt.datetime
    consent_version: str
    pending_hours: float
    teams: list[str]
    version: int


class VolunteerIn(Schema):
    person_id: int
    consent: bool
    skills: list[str] = []
    availability: str = ""


class VolunteerPatch(Schema):
    version: int
    skills: list[str] | None = None
    availability: str | None = None


class VersionIn(Schema):
    version: int


class RecordOut(Schema):
    id: int
    volunteer_id: int
    name: str
    title: str
    source: str
    division: str
    started_at: dt.datetime
    minutes: int
    status: str
    activity_id: int | None
    session_id: int | None
    pairing_id: int | None
    version: int


class RecordPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[RecordOut]


class RecordIn(Schema):
    title: str
    started_at: dt.datetime
    minutes: int
    source: str = "other"
    pairing_id: int | None = None
    note: str = ""


class DecisionIn(Schema):
    confirm: bool = True
    version: int
    note: str = ""


class TeamOut(Schema):
    id: int
    name: str
    type: str
    level: str
    division_code: str
    division: str
    members: int


class TeamIn(Schema):
    name: str
    type: str
    division_code: str
    founded_on: dt.date | None = None


class MemberIn(Schema):
    person_id: int
    role: str = "member"


class MemberOut(Schema):
    id: int
    volunteer_id: int
    name: str
    role: str
    joined_on: dt.date


def _volunteer_out(request, v) -> dict:
    row = selectors.volunteer_rows([v])[0]
    summary = selectors.volunteer_hours(volunteer=v)
    own = v.user_id is not None and v.user_id == request.user.pk
    return {
        **row.__dict__,
        "name": v.person.name if own else row.name,
        "consent_at": v.consent_at,
        "consent_version": v.consent_version,
        "pending_hours": summary.pending_hours,
        "teams": [m.team.name for m in selectors.volunteer_teams(volunteer=v)],
        "version": v.version,
    }


def record_out(r) -> dict:
    return {
        "id": r.pk,
        "volunteer_id": r.volunteer_id,
        "name": mask_name(r.volunteer.person.name),
        "title": r.title,
        "source": r.source,
        "division": r.division.name,
        "started_at": r.started_at,
        "minutes": r.minutes,
        "status": r.status,
        "activity_id": r.activity_ref,
        "session_id": r.session_ref,
        "pairing_id": r.pairing_ref,
        "version": r.version,
    }


@operation(router, "GET", "", perm="volunteers.list", response=VolunteerPageOut, summary="志愿者列表")
def volunteer_list(request, division: str = "", skill: str = "", team: int = 0, page: int = 1):
    filters = selectors.VolunteerFilters(division=division[:12], skill=skill[:48], team_id=team or None)
    result = paginate(selectors.volunteer_list(actor=request.actor, filters=filters), max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [r.__dict__ for r in selectors.volunteer_rows(result.object_list)],
    }


@operation(router, "POST", "", perm="volunteers.edit", response={201: VolunteerOut}, summary="注册志愿者（须本人同意）")
def volunteer_register(request, payload: VolunteerIn):
    person = selectors.person_for_volunteering(actor=request.actor, person_id=payload.person_id)
    v = services.volunteer_register(
        actor=request.actor,
        person=person,
        consent=payload.consent,
        skill_codes=payload.skills,
        availability=payload.availability,
    )
    return Status(201, _volunteer_out(request, selectors.volunteer_get(actor=request.actor, volunteer_id=v.pk)))


@operation(router, "GET", "/records", perm="volunteers.record_view", response=RecordPageOut, summary="服务记录")
def record_list(request, status: str = "pending", division: str = "", page: int = 1):
    result = paginate(
        selectors.record_list(actor=request.actor, status=status[:16], division=division[:12]), max(page, 1)
    )
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [record_out(r) for r in result.object_list],
    }


@operation(router, "GET", "/records/{int:record_id}", perm="volunteers.record_view", response=RecordOut)
def record_detail(request, record_id: int):
    return record_out(selectors.record_get(actor=request.actor, record_id=record_id))


@operation(
    router,
    "POST",
    "/records/{int:record_id}/decide",
    perm="volunteers.record_confirm",
    response=RecordOut,
    summary="确认（或退回）服务时长",
)
def record_decide(request, record_id: int, payload: DecisionIn):
    record = selectors.record_get(actor=request.actor, record_id=record_id, perm="volunteers.record_confirm")
    services.service_record_decide(
        actor=request.actor, record=record, confirm=payload.confirm, expected_version=payload.version, note=payload.note
    )
    return record_out(selectors.record_get(actor=request.actor, record_id=record.pk))


@operation(router, "GET", "/teams", perm="volunteers.team_view", response=list[TeamOut], summary="志愿服务队伍")
def team_list(request, division: str = "", type: str = ""):
    return [
        {
            "id": t.pk,
            "name": t.name,
            "type": t.type,
            "level": t.level,
            "division_code": t.division_id,
            "division": t.division.name,
            "members": t.members,
        }
        for t in selectors.team_list(actor=request.actor, division=division[:12], type=type[:32])[:500]
    ]


@operation(router, "POST", "/teams", perm="volunteers.team_edit", response={201: TeamOut}, summary="建立队伍")
def team_create(request, payload: TeamIn):
    team = services.team_create(actor=request.actor, data=services.TeamInput(**payload.dict()))
    return Status(
        201,
        {
            "id": team.pk,
            "name": team.name,
            "type": team.type,
            "level": team.level,
            "division_code": team.division_id,
            "division": team.division.name,
            "members": 0,
        },
    )


@operation(router, "GET", "/teams/{int:team_id}/members", perm="volunteers.team_view", response=list[MemberOut])
def team_members(request, team_id: int):
    team = selectors.team_get(actor=request.actor, team_id=team_id)
    return [
        {
            "id": m.pk,
            "volunteer_id": m.volunteer_id,
            "name": mask_name(m.volunteer.person.name),
            "role": m.role,
            "joined_on": m.joined_on,
        }
        for m in selectors.team_members(team=team)
    ]


@operation(
    router,
    "POST",
    "/teams/{int:team_id}/members",
    perm="volunteers.team_edit",
    response={201: MemberOut},
    summary="编入队员（须已注册并同意）",
)
def team_member_add(request, team_id: int, payload: MemberIn):
    team = selectors.team_get(actor=request.actor, team_id=team_id, perm="volunteers.team_edit")
    try:
        person = selectors.person_for_volunteering(actor=request.actor, person_id=payload.person_id)
    except NotFound:
        raise ApplicationError("未找到该人员（请填写您辖区内人员的档案编号）。") from None
    m = services.team_member_add(actor=request.actor, team=team, person=person, role=payload.role)
    return Status(
        201,
        {
            "id": m.pk,
            "volunteer_id": m.volunteer_id,
            "name": mask_name(person.name),
            "role": m.role,
            "joined_on": m.joined_on,
        },
    )


@operation(router, "GET", "/{int:volunteer_id}", perm="volunteers.view", response=VolunteerOut, summary="志愿者详情")
def volunteer_detail(request, volunteer_id: int):
    v = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=v,
        field_classes=["personal"],
        detail={"channel": "api"},
    )
    return _volunteer_out(request, v)


@operation(
    router,
    "GET",
    "/{int:volunteer_id}/records",
    perm="volunteers.record_view",
    response=RecordPageOut,
    summary="某志愿者的服务记录",
)
def volunteer_records(request, volunteer_id: int, page: int = 1):
    v = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.record_view")
    result = paginate(selectors.volunteer_records(actor=request.actor, volunteer=v), max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [record_out(r) for r in result.object_list],
    }


@operation(
    router,
    "POST",
    "/{int:volunteer_id}/records",
    perm="volunteers.record_add",
    response={201: RecordOut},
    summary="登记服务记录（组织者登记即确认）",
)
def record_add(request, volunteer_id: int, payload: RecordIn):
    v = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.record_add")
    own = v.user_id == request.user.pk
    record = services.service_record_create(
        actor=request.actor,
        volunteer=v,
        title=payload.title,
        started_at=payload.started_at,
        minutes=payload.minutes,
        division_code=v.division_id,
        source=payload.source,
        pairing_ref=payload.pairing_id,
        confirm=not own and request.actor.has_perm("volunteers.record_confirm"),
        note=payload.note,
    )
    return Status(201, record_out(selectors.record_get(actor=request.actor, record_id=record.pk)))


@operation(
    router,
    "PATCH",
    "/{int:volunteer_id}",
    perm="volunteers.edit",
    response=VolunteerOut,
    summary="修改专长与可服务时间",
)
def volunteer_update(request, volunteer_id: int, payload: VolunteerPatch):
    v = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.edit")
    services.volunteer_update(
        actor=request.actor,
        volunteer=v,
        expected_version=payload.version,
        skill_codes=payload.skills if payload.skills is not None else list(v.skills.values_list("code", flat=True)),
        availability=payload.availability if payload.availability is not None else v.availability,
    )
    return _volunteer_out(request, selectors.volunteer_get(actor=request.actor, volunteer_id=v.pk))


@operation(
    router,
    "POST",
    "/{int:volunteer_id}/withdraw",
    perm="volunteers.edit",
    response=VolunteerOut,
    summary="登记本人撤回授权（退出志愿者）",
)
def volunteer_withdraw(request, volunteer_id: int, payload: VersionIn):
    v = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.edit")
    services.volunteer_withdraw_consent(actor=request.actor, volunteer=v, expected_version=payload.version)
    return _volunteer_out(request, selectors.volunteer_get(actor=request.actor, volunteer_id=v.pk))
