"""Service projects: created with their provider, period, budget and targets; edited with a version check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.models import change_reason_set
from jiayuan.divisions.models import Division
from jiayuan.orgs.models import Organisation

from ..models import (
    ProjectKind,
    ServiceProject,
)
from .common import (
    _non_negative_int,
    _place,
)


@dataclass
class ProjectInput:
    name: str = ""
    kind: str = ""
    division_code: str = ""
    provider_id: object = None
    provider_name: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget: object = "0"
    target_activities: object = 0
    target_attendances: object = 0
    target_hours: object = 0
    description: str = ""


def _clean_project(data: ProjectInput, *, actor: Actor, keep_division: str = "") -> dict:
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = "请填写项目名称（不超过 100 个字）。"
    if data.kind not in ProjectKind.values:
        errors["kind"] = "请选择项目类别。"
    code = (data.division_code or "").strip()
    if code and code == keep_division:
        division = Division.objects.filter(code=code).first()
    else:
        division = _place(code, actor=actor, perm="activities.project_edit", errors=errors)
    if not data.starts_on or not data.ends_on:
        errors["starts_on"] = "请填写项目起止日期。"
    elif data.ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    try:
        budget = Decimal(str(data.budget or "0").strip() or "0").quantize(Decimal("0.01"))
        if budget < 0 or budget >= Decimal("1e12"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["budget"] = "预算应为不小于 0 的金额（元）。"
        budget = Decimal("0")
    targets = {
        key: _non_negative_int(getattr(data, key), key, label, errors)
        for key, label in (
            ("target_activities", "目标场次"),
            ("target_attendances", "目标服务人次"),
            ("target_hours", "目标服务时长"),
        )
    }
    provider_id = None
    if data.provider_id not in (None, ""):
        provider_id = (
            Organisation.objects.filter(pk=str(data.provider_id).strip() or 0).values_list("pk", flat=True).first()
        )
        if provider_id is None:
            errors["provider_id"] = "承接组织不存在。"
    if errors:
        raise ValidationFailed(errors)
    return {
        "name": name,
        "kind": data.kind,
        "division": division,
        "provider_id": provider_id,
        "provider_name": (data.provider_name or "").strip()[:100],
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "budget": budget,
        "description": (data.description or "").strip(),
        **targets,
    }


def project_create(*, actor: Actor, data: ProjectInput) -> ServiceProject:
    return ServiceProject.objects.create(**_clean_project(data, actor=actor))


def project_update(
    *, actor: Actor, project: ServiceProject, data: ProjectInput, expected_version: int
) -> ServiceProject:
    """Edit a project after its creation (period, provider, budget, targets…) against the version the editor read:
    an edit saved meanwhile by someone else is refused, and nothing is changed."""
    values = _clean_project(data, actor=actor, keep_division=project.division_id)
    with transaction.atomic():
        for key, value in values.items():
            setattr(project, key, value)
        change_reason_set(project, "修改服务项目")
        project.save_versioned(expected_version=expected_version)
    return project


def project_input_of(project: ServiceProject) -> ProjectInput:
    """A project's current values as the input of an edit (a partial change over the API starts from here)."""
    return ProjectInput(
        name=project.name,
        kind=project.kind,
        division_code=project.division_id,
        provider_id=project.provider_id,
        provider_name=project.provider_name,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        budget=project.budget,
        target_activities=project.target_activities,
        target_attendances=project.target_attendances,
        target_hours=project.target_hours,
        description=project.description,
    )
