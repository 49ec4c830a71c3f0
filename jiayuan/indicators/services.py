"""Writing plan monitoring: values entered with their source, targets edited, plans loaded from data."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed
from jiayuan.core.models import change_reason_set
from jiayuan.divisions.models import Division, subtree_q
from jiayuan.orgs.models import PartnerAgency

from .models import Area, Indicator, IndicatorValue, Plan, Target

DATA = Path(__file__).resolve().parent / "data"


def _number(value: Decimal | float | str, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError, AttributeError):
        raise ValidationFailed({field: f"{label}应为数字。"}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ValidationFailed({field: f"{label}超出范围。"})
    return number.quantize(Decimal("0.0001"))


def _period(plan: Plan, value: int | str) -> int:
    try:
        period = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed({"period": "请填写监测年度。"}) from None
    if not plan.start_year <= period <= plan.end_year:
        raise ValidationFailed({"period": f"监测年度应在规划期 {plan.start_year}—{plan.end_year} 年内。"})
    if period > timezone.localdate().year:
        raise ValidationFailed({"period": "不能填报未来年度的监测值。"})
    return period


def indicator_value_enter(
    *,
    actor: Actor,
    indicator: Indicator,
    period: int | str,
    value: Decimal | float | str,
    source: str,
    division_code: str = "",
    expected_version: int | str | None = None,
) -> IndicatorValue:
    """Enter (or correct, against the version read) a value for a year; the source is required."""
    plan = indicator.area.plan
    policy.require(actor, "indicators.view", plan)
    return _value_write(
        actor=actor,
        indicator=indicator,
        period=period,
        value=value,
        source=source,
        division_code=division_code or plan.division_id,
        expected_version=expected_version,
        may_enter=lambda code: _covers(actor, "indicators.value_enter", code),
    )


def unit_value_submit(
    *,
    actor: Actor,
    indicator: Indicator,
    period: int | str,
    value: Decimal | float | str,
    source: str,
    expected_version: int | str | None = None,
) -> IndicatorValue:
    """A 妇儿工委 member unit reports the value of an indicator assigned to it, for the plan's own place (a district
    or the city); the same rules as staff entry: a source, a year of the plan, a correction against the version
    read. An indicator not assigned to the actor's unit is missing to it."""
    if not policy.allows(actor, "indicators.unit_enter", indicator):
        raise NotFound("未找到该指标")
    return _value_write(
        actor=actor,
        indicator=indicator,
        period=period,
        value=value,
        source=source,
        division_code=indicator.area.plan.division_id,
        expected_version=expected_version,
        may_enter=lambda code: True,
    )


def _value_write(
    *,
    actor: Actor,
    indicator: Indicator,
    period: int | str,
    value: Decimal | float | str,
    source: str,
    division_code: str,
    expected_version: int | str | None,
    may_enter: Callable[[str], bool],
) -> IndicatorValue:
    plan = indicator.area.plan
    errors: dict[str, str] = {}
    source = (source or "").strip()
    if not source:
        errors["source"] = "请填写数据来源（如：统计年鉴、卫健部门年报），没有来源的数值不能录入。"
    if indicator.formula:
        errors["value"] = "该指标由系统根据业务数据自动计算，不需人工填报。"
    year: int | None
    try:
        year = _period(plan, period)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        year = None
    try:
        number = _number(value, "value", "监测值")
    except ValidationFailed as exc:
        errors.update(exc.errors)
        number = None
    division = Division.objects.filter(code=division_code).first()
    if division is None or not division.code.startswith(plan.division.prefix):
        errors["division"] = "请选择规划范围内的区划。"
    if errors or year is None or division is None or number is None:  # each is an error above
        raise ValidationFailed(errors)
    probe = IndicatorValue(indicator=indicator, division=division, period=year)
    if not may_enter(division.code):
        raise ValidationFailed({"division": "该区划不在您的填报范围内。"})
    with transaction.atomic():
        existing = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=indicator, period=year, division=division)
            .first()
        )
        if existing is None:
            probe.value, probe.source, probe.entered_by = number, source[:200], actor.user
            probe.save()
            return probe
        if expected_version is not None and int(expected_version) != existing.version:
            raise StaleEditError("该监测值已被他人修改，请刷新后再填报。您的修改未保存。")
        existing.value, existing.source, existing.entered_by = number, source[:200], actor.user
        existing.version += 1
        change_reason_set(existing, "更正监测值")
        existing.save()
        return existing


def indicator_units_set(*, actor: Actor, indicator: Indicator, agency_ids: Iterable[object]) -> list[PartnerAgency]:
    """Assign the member units that report an indicator themselves: partner agencies of the plan's place, chosen
    by the plan's own office."""
    plan = indicator.area.plan
    if not _covers(actor, "indicators.units_assign", plan.division_id):
        raise ValidationFailed({"units": "只有规划所属层级的工作人员才能指定填报单位。"})
    if indicator.formula:
        raise ValidationFailed({"units": "该指标由系统根据业务数据自动计算，不需指定填报单位。"})
    try:
        wanted = {int(str(pk)) for pk in agency_ids}
    except ValueError:
        raise ValidationFailed({"units": "填报单位选择有误。"}) from None
    agencies = list(PartnerAgency.objects.filter(subtree_q(plan.division.prefix, "division"), pk__in=wanted))
    if len(agencies) != len(wanted):
        raise ValidationFailed({"units": "所选单位不存在或不在规划所属区划内。"})
    with transaction.atomic():
        indicator.units.set(agencies)
    return agencies


def _covers(actor: Actor, perm: str, code: str) -> bool:
    from jiayuan.workflows.services import covers

    return covers(actor, perm, code)


def target_set(
    *, actor: Actor, indicator: Indicator, period: int | str, value: Decimal | float | str, is_example: bool = False
) -> Target:
    plan = indicator.area.plan
    if not _covers(actor, "indicators.target_edit", plan.division_id):
        raise ValidationFailed({"target": "只有规划所属层级的工作人员才能修改目标值。"})
    try:
        period = int(period)
    except (TypeError, ValueError):
        raise ValidationFailed({"period": "请填写目标年度。"}) from None
    if not plan.start_year <= period <= plan.end_year:
        raise ValidationFailed({"period": f"目标年度应在规划期 {plan.start_year}—{plan.end_year} 年内。"})
    number = _number(value, "value", "目标值")
    with transaction.atomic():
        target, created = Target.objects.select_for_update().get_or_create(
            indicator=indicator, period=period, defaults={"value": number, "is_example": is_example}
        )
        if not created:
            target.value, target.is_example = number, is_example
            target.version += 1
            change_reason_set(target, "修改目标值")
            target.save()
    return target


def plan_load(*, code: str, division_code: str, name: str = "", path: Path | None = None) -> Plan:
    """Load a plan's areas, indicators and (example) targets from a data file; idempotent by codes."""
    data = json.loads((path or DATA / "shenzhen_plans.json").read_text(encoding="utf-8"))
    spec = next(p for p in data["plans"] if p["code"] == code)
    with transaction.atomic():
        plan, _ = Plan.objects.get_or_create(
            code=f"{code}-{division_code}",
            defaults={
                "name": name or spec["name"],
                "kind": spec["kind"],
                "division_id": division_code,
                "start_year": spec["start_year"],
                "end_year": spec["end_year"],
                "note": data.get("note", ""),
            },
        )
        for area_index, area_spec in enumerate(spec["areas"]):
            area, _ = Area.objects.get_or_create(
                plan=plan, code=area_spec["code"], defaults={"name": area_spec["name"], "sort": area_index}
            )
            for index, item in enumerate(area_spec["indicators"]):
                indicator, _ = Indicator.objects.get_or_create(
                    area=area,
                    code=item["code"],
                    defaults={
                        "name": item["name"],
                        "definition": item.get("definition", ""),
                        "unit": item.get("unit", ""),
                        "direction": item.get("direction", "at_least"),
                        "responsible": item.get("responsible", ""),
                        "formula": item.get("formula", ""),
                        "sort": index,
                    },
                )
                for period, value in item.get("targets", {}).items():
                    Target.objects.get_or_create(
                        indicator=indicator,
                        period=int(period),
                        defaults={"value": Decimal(str(value)), "is_example": True},
                    )
    return plan
