"""Service projects over the API: list, create, read, and edit with the version read (409 when stale)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema, Status

from jiayuan.api.routing import operation

from .. import selectors, services
from . import router


class ProjectOut(Schema):
    id: int
    name: str
    kind: str
    division_code: str
    provider_id: int | None
    provider_name: str
    starts_on: dt.date
    ends_on: dt.date
    budget: Decimal
    target_activities: int
    target_attendances: int
    target_hours: int
    description: str
    version: int


class ProjectPatch(Schema):
    version: int
    name: str | None = None
    kind: str | None = None
    division_code: str | None = None
    provider_id: int | None = None
    provider_name: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget: Decimal | None = None
    target_activities: int | None = None
    target_attendances: int | None = None
    target_hours: int | None = None
    description: str | None = None


class ProjectIn(Schema):
    name: str
    kind: str
    division_code: str
    provider_id: int | None = None
    provider_name: str = ""
    starts_on: dt.date
    ends_on: dt.date
    budget: Decimal = Decimal("0")
    target_activities: int = 0
    target_attendances: int = 0
    target_hours: int = 0
    description: str = ""


@operation(router, "GET", "/projects", perm="activities.project_view", response=list[ProjectOut], summary="服务项目")
def project_list(request):
    return [_project(p) for p in selectors.project_list(actor=request.actor)[:500]]


def _project(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "division_code": p.division_id,
        "provider_id": p.provider_id,
        "provider_name": p.provider_name,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "budget": p.budget,
        "target_activities": p.target_activities,
        "target_attendances": p.target_attendances,
        "target_hours": p.target_hours,
        "description": p.description,
        "version": p.version,
    }


@operation(
    router, "POST", "/projects", perm="activities.project_edit", response={201: ProjectOut}, summary="建立服务项目"
)
def project_create(request, payload: ProjectIn):
    project = services.project_create(actor=request.actor, data=services.ProjectInput(**payload.dict()))
    return Status(201, _project(project))


@operation(router, "GET", "/projects/{int:project_id}", perm="activities.project_view", response=ProjectOut)
def project_detail(request, project_id: int):
    return _project(selectors.project_get(actor=request.actor, project_id=project_id))


@operation(
    router,
    "PATCH",
    "/projects/{int:project_id}",
    perm="activities.project_edit",
    response=ProjectOut,
    summary="修改服务项目",
)
def project_update(request, project_id: int, payload: ProjectPatch):
    """Change some of a project's fields, with the version read: a concurrent edit answers 409 and changes nothing."""
    project = selectors.project_get(actor=request.actor, project_id=project_id, perm="activities.project_edit")
    data = services.project_input_of(project)
    for key, value in payload.dict(exclude_unset=True).items():
        if key != "version":
            setattr(data, key, value)
    services.project_update(actor=request.actor, project=project, data=data, expected_version=payload.version)
    return _project(selectors.project_get(actor=request.actor, project_id=project.pk))
