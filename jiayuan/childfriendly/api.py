"""The child-friendly city over the API: projects and assessments, coverage, councils, the facility map."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from jiayuan.api.routing import operation
from jiayuan.core.pagination import paginate

from . import selectors, services

router = Router(tags=["儿童友好城市"])


class AssessmentOut(Schema):
    id: int
    kind: str
    on: dt.date
    standard: str
    version: int
    score: Decimal
    questionnaire_score: Decimal | None


class ProjectOut(Schema):
    id: int
    name: str
    type: str
    level: str
    year: int
    status: str
    division: str
    accepted_on: dt.date | None
    version: int
    assessments: list[AssessmentOut]


class ProjectIn(Schema):
    name: str
    type: str
    level: str
    year: int
    division: str
    lead: str = ""


class AdvanceIn(Schema):
    status: str
    version: int
    on: dt.date | None = None


class AssessmentIn(Schema):
    version_id: int
    kind: str
    on: dt.date
    met: list[str] = []
    questionnaire_score: Decimal | None = None
    note: str = ""


class CoverageOut(Schema):
    division: str
    name: str
    year: int
    communities: int
    existing: int
    new: int
    covered: int
    rate: Decimal


class PointOut(Schema):
    id: int
    name: str
    address: str
    longitude: float
    latitude: float


def _project(actor, p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "type": p.type,
        "level": p.level,
        "year": p.year,
        "status": p.status,
        "division": p.division_id,
        "accepted_on": p.accepted_on,
        "version": p.version,
        "assessments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "on": a.on,
                "standard": a.version.standard.code,
                "version": a.version.number,
                "score": a.score,
                "questionnaire_score": a.questionnaire_score,
            }
            for a in selectors.project_assessments(actor=actor, project=p)
        ],
    }


@operation(router, "GET", "/projects", perm="childfriendly.view", response=list[ProjectOut])
def project_list(request, type: str = "", status: str = "", year: int | None = None, page: int = 1):
    filters = selectors.ProjectFilters(type=type[:16], status=status[:16], year=year)
    found = paginate(selectors.project_list(actor=request.actor, filters=filters), page)
    return [_project(request.actor, p) for p in found.object_list]


@operation(router, "GET", "/projects/{project_id}", perm="childfriendly.view", response=ProjectOut)
def project_get(request, project_id: int):
    return _project(request.actor, selectors.project_get(actor=request.actor, project_id=project_id))


@operation(router, "POST", "/projects", perm="childfriendly.edit", response={201: ProjectOut})
def project_create(request, payload: ProjectIn):
    p = services.project_create(
        actor=request.actor,
        name=payload.name,
        type=payload.type,
        level=payload.level,
        year=payload.year,
        division_code=payload.division,
        lead=payload.lead,
    )
    return Status(201, _project(request.actor, p))


@operation(router, "POST", "/projects/{project_id}/status", perm="childfriendly.edit", response=ProjectOut)
def project_advance(request, project_id: int, payload: AdvanceIn):
    p = selectors.project_get(actor=request.actor, project_id=project_id)
    services.project_advance(
        actor=request.actor, project=p, status=payload.status, expected_version=payload.version, on=payload.on
    )
    return _project(request.actor, p)


@operation(
    router, "POST", "/projects/{project_id}/assessments", perm="childfriendly.assess", response={201: ProjectOut}
)
def assessment_new(request, project_id: int, payload: AssessmentIn):
    p = selectors.project_get(actor=request.actor, project_id=project_id, perm="childfriendly.assess")
    services.assessment_record(
        actor=request.actor,
        project=p,
        version=selectors.version_get(version_id=payload.version_id),
        kind=payload.kind,
        on=payload.on,
        answers=dict.fromkeys(payload.met, True),
        questionnaire_score=payload.questionnaire_score,
        note=payload.note,
    )
    return Status(201, _project(request.actor, p))


@operation(router, "GET", "/coverage", perm="childfriendly.stats", response=CoverageOut)
def coverage(request, division: str = "", year: int | None = None):
    return selectors.community_coverage(actor=request.actor, division=division[:12], year=year)


@operation(router, "GET", "/map/{district}", perm="venues.list", response=list[PointOut])
def map_points(request, district: str, type: str = "nursing_room"):
    data = selectors.facility_map(actor=request.actor, district=district[:6], type=type[:32])
    return [
        {
            "id": p["id"],
            "name": p["name"],
            "address": p["address"],
            "longitude": p["value"][0],
            "latitude": p["value"][1],
        }
        for p in data["points"]
    ]
