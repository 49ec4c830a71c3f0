"""Service projects: created with their provider, period, budget and targets; edited with a version check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed

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


def project_create(*, actor: Actor, data: ProjectInput) -> ServiceProject:
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = "请填写项目名称（不超过 100 个字）。"
    if data.kind not in ProjectKind.values:
        errors["kind"] = "请选择项目类别。"
    division = _place(data.division_code, actor=actor, perm="activities.project_edit", errors=errors)
    if not data.starts_on or not data.ends_on:
        errors["starts_on"] = "请填写项目起止日期。"
    elif data.ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    try:
        budget = Decimal(str(data.budget or "0").strip() or "0").quantize(Decimal("0.01"))
        if budget < 0:
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
    if errors:
        raise ValidationFailed(errors)
    return ServiceProject.objects.create(
        name=name,
        kind=data.kind,
        division=division,
        provider_id=data.provider_id or None,
        provider_name=(data.provider_name or "").strip()[:100],
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        budget=budget,
        description=(data.description or "").strip(),
        **targets,
    )
