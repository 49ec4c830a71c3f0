"""Plan monitoring over the API: plans, the monitoring report of a year, entering values with their source."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from jiayuan.api.routing import operation

from . import selectors, services

router = Router(tags=["规划监测"])


class PlanOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    division: str
    start_year: int
    end_year: int


class RowOut(Schema):
    indicator_id: int
    code: str
    area: str
    name: str
    unit: str
    direction: str
    target: Decimal | None
    target_is_example: bool | None
    value: Decimal | None
    missing: bool
    computed: bool
    source: str
    attained: bool | None


class ReportOut(Schema):
    plan_id: int
    period: int
    division: str
    total: int
    missing: int
    assessed: int
    attained: int
    rate: Decimal | None
    rows: list[RowOut]


class ValueIn(Schema):
    period: int
    value: Decimal
    source: str
    division: str = ""
    version: int | None = None


class ValueOut(Schema):
    id: int
    indicator_id: int
    period: int
    division: str
    value: Decimal
    source: str
    version: int
    updated_at: dt.datetime


def _value(v) -> dict:
    return {
        "id": v.pk,
        "indicator_id": v.indicator_id,
        "period": v.period,
        "division": v.division_id,
        "value": v.value,
        "source": v.source,
        "version": v.version,
        "updated_at": v.updated_at,
    }


@operation(router, "GET", "/plans", perm="indicators.view", response=list[PlanOut])
def plan_list(request):
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "kind": p.kind,
            "division": p.division_id,
            "start_year": p.start_year,
            "end_year": p.end_year,
        }
        for p in selectors.plan_list(actor=request.actor)
    ]


@operation(router, "GET", "/plans/{plan_id}/report", perm="indicators.view", response=ReportOut)
def plan_report(request, plan_id: int, period: int | None = None, division: str = ""):
    plan = selectors.plan_get(actor=request.actor, plan_id=plan_id)
    years = selectors.plan_years(plan)
    period = period if period in years else (years[1] if len(years) > 1 else years[0])
    report = selectors.monitoring_report(actor=request.actor, plan=plan, period=period, division=division[:12])
    return {
        "plan_id": plan.pk,
        "period": report.period,
        "division": report.division.code,
        "total": report.total,
        "missing": report.missing,
        "assessed": report.assessed,
        "attained": report.attained_count,
        "rate": report.rate,
        "rows": [
            {
                "indicator_id": r.indicator.pk,
                "code": r.indicator.code,
                "area": r.indicator.area.name,
                "name": r.indicator.name,
                "unit": r.indicator.unit,
                "direction": r.indicator.direction,
                "target": r.target.value if r.target else None,
                "target_is_example": r.target.is_example if r.target else None,
                "value": r.value,
                "missing": r.missing,
                "computed": r.computed,
                "source": r.source or r.problem,
                "attained": r.attained,
            }
            for r in report.rows
        ],
    }


@operation(router, "POST", "/indicators/{indicator_id}/values", perm="indicators.value_enter", response={201: ValueOut})
def value_enter(request, indicator_id: int, payload: ValueIn):
    indicator = selectors.indicator_get(actor=request.actor, indicator_id=indicator_id)
    v = services.indicator_value_enter(
        actor=request.actor,
        indicator=indicator,
        period=payload.period,
        value=payload.value,
        source=payload.source,
        division_code=payload.division,
        expected_version=payload.version,
    )
    return Status(201, _value(v))


@operation(router, "GET", "/values/{value_id}", perm="indicators.view", response=ValueOut)
def value_get(request, value_id: int):
    return _value(selectors.value_get(actor=request.actor, value_id=value_id))


class UnitIndicatorOut(Schema):
    indicator_id: int
    plan_id: int
    plan: str
    division: str
    area: str
    name: str
    unit: str
    direction: str
    latest_period: int | None
    latest_value: Decimal | None


class UnitValueIn(Schema):
    period: int
    value: Decimal
    source: str
    version: int | None = None


class UnitsIn(Schema):
    units: list[int]


class UnitOut(Schema):
    id: int
    name: str


@operation(router, "GET", "/unit/indicators", perm="indicators.unit_view", response=list[UnitIndicatorOut])
def unit_indicator_list(request):
    """The indicators assigned to the signed-in member unit (妇儿工委成员单位), with the latest value of each."""
    return [
        {
            "indicator_id": i.pk,
            "plan_id": i.area.plan_id,
            "plan": i.area.plan.name,
            "division": i.area.plan.division_id,
            "area": i.area.name,
            "name": i.name,
            "unit": i.unit,
            "direction": i.direction,
            "latest_period": latest.period if latest else None,
            "latest_value": latest.value if latest else None,
        }
        for i, latest in selectors.unit_indicator_list(actor=request.actor)
    ]


@operation(
    router, "POST", "/unit/indicators/{indicator_id}/values", perm="indicators.unit_enter", response={201: ValueOut}
)
def unit_value_submit(request, indicator_id: int, payload: UnitValueIn):
    """A member unit reports (or corrects, with the version read) a year's value of an indicator assigned to it."""
    indicator = selectors.unit_indicator_get(actor=request.actor, indicator_id=indicator_id)
    v = services.unit_value_submit(
        actor=request.actor,
        indicator=indicator,
        period=payload.period,
        value=payload.value,
        source=payload.source,
        expected_version=payload.version,
    )
    return Status(201, _value(v))


@operation(router, "PUT", "/indicators/{indicator_id}/units", perm="indicators.units_assign", response=list[UnitOut])
def indicator_units_set(request, indicator_id: int, payload: UnitsIn):
    """Name the member units that report an indicator themselves."""
    indicator = selectors.indicator_get(actor=request.actor, indicator_id=indicator_id)
    agencies = services.indicator_units_set(actor=request.actor, indicator=indicator, agency_ids=payload.units)
    return [{"id": a.pk, "name": a.name} for a in agencies]
