"""Organisation building over the API: organisations with their executives, duties, trainings, figures."""

import datetime as dt

from ninja import Router, Schema, Status

from jiayuan.access.fields import mask_name
from jiayuan.api.routing import operation
from jiayuan.core.pagination import paginate

from .building import selectors, services

router = Router(tags=["组织建设"])


class SeatOut(Schema):
    id: int
    name: str
    post: str
    post_title: str
    is_party_member: bool
    education: str
    in_two_committees: bool
    term_start: dt.date
    term_end: dt.date | None


class CommitteeOut(Schema):
    id: int
    number: int
    elected_on: dt.date
    term_start: dt.date
    term_end: dt.date
    is_current: bool
    seats: list[SeatOut]


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    domain_type: str
    sanxin: str
    division: str
    founded_on: dt.date | None
    committees: list[CommitteeOut]
    women_spaces: list[str]


class OrganisationRowOut(Schema):
    id: int
    name: str
    kind: str
    domain_type: str
    sanxin: str
    division: str
    founded_on: dt.date | None
    current_seats: int


class CommitteeIn(Schema):
    elected_on: dt.date
    term_start: dt.date | None = None
    term_end: dt.date | None = None


class SeatIn(Schema):
    person_id: int
    post: str
    post_title: str = ""
    is_party_member: bool = False
    education: str = ""
    in_two_committees: bool = False


class DutyIn(Schema):
    kind: str
    on: dt.date
    content: str
    person_id: int | None = None


class DutyOut(Schema):
    id: int
    member_id: int
    kind: str
    on: dt.date
    content: str


class TrainingIn(Schema):
    title: str
    division: str
    held_on: dt.date
    hours: float = 0
    audience: str
    member_ids: list[int] = []


class TrainingOut(Schema):
    id: int
    title: str
    division: str
    held_on: dt.date
    hours: float
    audience: str
    attendance: int


def _org(actor, org) -> dict:
    data = selectors.organisation_building(actor=actor, organisation=org)
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "domain_type": org.domain_type,
        "sanxin": org.sanxin,
        "division": org.division_id,
        "founded_on": org.founded_on,
        "committees": [
            {
                "id": c.pk,
                "number": c.number,
                "elected_on": c.elected_on,
                "term_start": c.term_start,
                "term_end": c.term_end,
                "is_current": c.is_current,
                "seats": [
                    {
                        "id": s.pk,
                        "name": mask_name(s.person.name),
                        "post": s.post,
                        "post_title": s.post_title,
                        "is_party_member": s.is_party_member,
                        "education": s.education,
                        "in_two_committees": s.in_two_committees,
                        "term_start": s.term_start,
                        "term_end": s.term_end,
                    }
                    for s in c.seat_rows
                ],
            }
            for c in data["committees"]
        ],
        "women_spaces": [s.name for s in data["spaces"]],
    }


@operation(router, "GET", "/organisations", perm="orgs.building_view", response=list[OrganisationRowOut])
def organisation_list(request, kind: str = "", division: str = "", page: int = 1):
    found = paginate(selectors.building_org_list(actor=request.actor, kind=kind[:16], division=division[:12]), page)
    return [
        {
            "id": o.pk,
            "name": o.name,
            "kind": o.kind,
            "domain_type": o.domain_type,
            "sanxin": o.sanxin,
            "division": o.division_id,
            "founded_on": o.founded_on,
            "current_seats": o.current_seats,
        }
        for o in found.object_list
    ]


@operation(router, "GET", "/organisations/{org_id}", perm="orgs.building_view", response=OrganisationOut)
def organisation_get(request, org_id: int):
    return _org(request.actor, selectors.organisation_get(actor=request.actor, org_id=org_id))


@operation(
    router, "POST", "/organisations/{org_id}/committees", perm="orgs.committee_edit", response={201: OrganisationOut}
)
def committee_new(request, org_id: int, payload: CommitteeIn):
    org = selectors.organisation_get(actor=request.actor, org_id=org_id, perm="orgs.committee_edit")
    services.committee_elect(actor=request.actor, organisation=org, **payload.dict())
    return Status(201, _org(request.actor, org))


@operation(router, "POST", "/committees/{committee_id}/seats", perm="orgs.committee_edit", response={201: SeatOut})
def seat_new(request, committee_id: int, payload: SeatIn):
    committee = selectors.committee_get(actor=request.actor, committee_id=committee_id, perm="orgs.committee_edit")
    s = services.seat_add(actor=request.actor, committee=committee, **payload.dict())
    return Status(
        201,
        {
            "id": s.pk,
            "name": mask_name(s.person.name),
            "post": s.post,
            "post_title": s.post_title,
            "is_party_member": s.is_party_member,
            "education": s.education,
            "in_two_committees": s.in_two_committees,
            "term_start": s.term_start,
            "term_end": s.term_end,
        },
    )


@operation(router, "POST", "/members/{member_id}/duties", perm="orgs.duty_add", response={201: DutyOut})
def duty_new(request, member_id: int, payload: DutyIn):
    member = selectors.member_get(actor=request.actor, member_id=member_id, perm="orgs.duty_add")
    d = services.duty_record(actor=request.actor, member=member, **payload.dict())
    return Status(201, {"id": d.pk, "member_id": d.member_id, "kind": d.kind, "on": d.on, "content": d.content})


@operation(router, "GET", "/duties/{duty_id}", perm="orgs.building_view", response=DutyOut)
def duty_get(request, duty_id: int):
    d = selectors.duty_get(actor=request.actor, duty_id=duty_id)
    return {"id": d.pk, "member_id": d.member_id, "kind": d.kind, "on": d.on, "content": d.content}


@operation(router, "GET", "/trainings", perm="orgs.building_view", response=list[TrainingOut])
def training_list(request, year: int | None = None, page: int = 1):
    found = paginate(selectors.training_list(actor=request.actor, year=year), page)
    return [
        {
            "id": t.pk,
            "title": t.title,
            "division": t.division_id,
            "held_on": t.held_on,
            "hours": float(t.hours),
            "audience": t.audience,
            "attendance": t.attendance,
        }
        for t in found.object_list
    ]


@operation(router, "POST", "/trainings", perm="orgs.training_edit", response={201: TrainingOut})
def training_new(request, payload: TrainingIn):
    t = services.training_create(
        actor=request.actor,
        title=payload.title,
        division_code=payload.division,
        held_on=payload.held_on,
        hours=payload.hours,
        audience=payload.audience,
        member_ids=payload.member_ids,
    )
    return Status(
        201,
        {
            "id": t.pk,
            "title": t.title,
            "division": t.division_id,
            "held_on": t.held_on,
            "hours": float(t.hours),
            "audience": t.audience,
            "attendance": len(payload.member_ids),
        },
    )


@operation(router, "GET", "/stats", perm="orgs.stats", response=dict)
def stats(request, year: int | None = None, division: str = ""):
    s = selectors.building_stats(actor=request.actor, year=year, division=division[:12])
    return dict(s)
