"""Reading plan monitoring: plans in reach, and the monitoring report of a period — each indicator's value
(entered, or computed where a formula is defined), its target, whether it is attained, and the share attained.
A missing value stays missing: it is neither zero nor "not attained", and it is not in the share's base."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.divisions.models import Division, subtree_q
from jiayuan.orgs.models import PartnerAgency

from .formulas import FORMULAS
from .models import Direction, Indicator, IndicatorValue, Plan, Target


def plan_list(*, actor: Actor) -> QuerySet[Plan]:
    return policy.scoped(actor, "indicators.view", Plan).select_related("division").order_by("division_id", "kind")


def plan_get(*, actor: Actor, plan_id) -> Plan:
    return policy.access_by_id(actor, "indicators.view", Plan.objects.select_related("division"), plan_id)


def indicator_get(*, actor: Actor, indicator_id) -> Indicator:
    indicator = Indicator.objects.select_related("area__plan__division").filter(pk=_int(indicator_id)).first()
    if indicator is None or not policy.allows(actor, "indicators.view", indicator.area.plan):
        raise NotFound("未找到该指标")
    return indicator


def unit_indicator_list(*, actor: Actor) -> list[tuple[Indicator, IndicatorValue | None]]:
    """The indicators assigned to the actor's member unit, each with its latest value for the plan's place."""
    indicators = list(
        policy.scoped(actor, "indicators.unit_view", Indicator)
        .select_related("area__plan__division")
        .order_by("area__plan_id", "area__sort", "sort", "id")
    )
    latest: dict[int, IndicatorValue] = {}
    for v in (
        policy.scoped(actor, "indicators.unit_view", IndicatorValue)
        .filter(indicator__in=[i.pk for i in indicators], division_id=F("indicator__area__plan__division_id"))
        .order_by("period")
    ):
        latest[v.indicator_id] = v
    return [(i, latest.get(i.pk)) for i in indicators]


def unit_indicator_get(*, actor: Actor, indicator_id) -> Indicator:
    """One indicator assigned to the actor's member unit; any other is missing (404)."""
    qs = Indicator.objects.select_related("area__plan__division")
    return policy.access_by_id(actor, "indicators.unit_view", qs, _int(indicator_id))


def unit_choices(*, actor: Actor, indicator: Indicator) -> list[PartnerAgency]:
    """The partner agencies of the plan's place that may be made the indicator's reporting units."""
    plan = indicator.area.plan
    agencies = policy.within_reach(actor, "indicators.units_assign", PartnerAgency.objects.all())
    return list(agencies.filter(subtree_q(plan.division.prefix, "division")).order_by("kind", "name"))


def value_get(*, actor: Actor, value_id) -> IndicatorValue:
    return policy.access_by_id(
        actor, "indicators.view", IndicatorValue.objects.select_related("indicator", "division", "entered_by"), value_id
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def target_for(targets: list[Target], period: int) -> Target | None:
    """The target in force for a year: the one set for that year, else the next one ahead, else the last."""
    ahead = [t for t in targets if t.period >= period]
    if ahead:
        return min(ahead, key=lambda t: t.period)
    return max(targets, key=lambda t: t.period) if targets else None


def attained(value: Decimal | None, target: Decimal | None, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if direction == Direction.AT_LEAST else value <= target


@dataclass
class Row:
    indicator: Indicator
    value: Decimal | None
    source: str
    computed: bool
    target: Target | None
    attained: bool | None
    value_id: int | None = None
    value_version: int | None = None
    problem: str = ""

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class Report:
    plan: Plan
    period: int
    division: Division
    areas: list[tuple[str, list[Row]]] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for _name, rows in self.areas for row in rows]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.missing)

    @property
    def assessed(self) -> int:
        return sum(1 for r in self.rows if r.attained is not None)

    @property
    def attained_count(self) -> int:
        return sum(1 for r in self.rows if r.attained)

    @property
    def rate(self) -> Decimal | None:
        """The share attained (达标率) over the indicators that have both a value and a target."""
        if not self.assessed:
            return None
        return (Decimal(100) * self.attained_count / self.assessed).quantize(Decimal("0.01"))


def monitoring_report(*, actor: Actor, plan: Plan, period: int, division: str = "") -> Report:
    """The monitoring report of one year for the plan's place (or a place under it within the actor's reach)."""
    code = division or plan.division_id
    place = Division.objects.filter(code=code).first()
    if place is None or not code.startswith(plan.division.prefix):
        raise NotFound("未找到该区划")
    reach = policy.reach(actor, "indicators.view")
    if reach is None or not (code.startswith(reach) or plan.division_id == code):
        raise NotFound("未找到该区划")
    indicators = list(
        Indicator.objects.filter(area__plan=plan).select_related("area").order_by("area__sort", "sort", "id")
    )
    targets: dict[int, list[Target]] = {}
    for t in Target.objects.filter(indicator__area__plan=plan):
        targets.setdefault(t.indicator_id, []).append(t)
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(indicator__area__plan=plan, period=period, division_id=code)
    }
    report = Report(plan=plan, period=period, division=place)
    current: tuple[str, list[Row]] | None = None
    for indicator in indicators:
        target = target_for(targets.get(indicator.pk, []), period)
        value: Decimal | None = None
        source, computed, problem = "", False, ""
        entered = values.get(indicator.pk)
        if indicator.formula and indicator.formula in FORMULAS:
            computed = True
            try:
                value = FORMULAS[indicator.formula].compute(actor, place, period)
                source = "系统根据业务数据自动计算"
            except ApplicationError as exc:
                problem = exc.message
        elif entered is not None:
            value, source = entered.value, entered.source
        row = Row(
            indicator=indicator,
            value=value,
            source=source,
            computed=computed,
            target=target,
            attained=attained(value, target.value if target else None, indicator.direction),
            value_id=entered.pk if entered and not computed else None,
            value_version=entered.version if entered and not computed else None,
            problem=problem,
        )
        if current is None or current[0] != indicator.area.name:
            current = (indicator.area.name, [])
            report.areas.append(current)
        current[1].append(row)
    return report


def plan_years(plan: Plan) -> list[int]:
    from django.utils import timezone

    last = min(plan.end_year, timezone.localdate().year)
    return list(range(last, plan.start_year - 1, -1))


def indicator_history(*, actor: Actor, indicator: Indicator, perm: str = "indicators.view") -> list[dict]:
    """Each year of the plan up to now: the value (entered or computed) or missing, with its source."""
    plan = indicator.area.plan
    entered = {
        v.period: v
        for v in policy.scoped(actor, perm, IndicatorValue).filter(indicator=indicator, division_id=plan.division_id)
    }
    targets = list(indicator.targets.all())
    rows = []
    for year in plan_years(plan):
        value, source, version = None, "", None
        if indicator.formula and indicator.formula in FORMULAS:
            try:
                value = FORMULAS[indicator.formula].compute(actor, plan.division, year)
                source = "系统根据业务数据自动计算"
            except ApplicationError as exc:
                source = exc.message
        elif year in entered:
            value, source, version = entered[year].value, entered[year].source, entered[year].version
        target = target_for(targets, year)
        rows.append(
            {
                "year": year,
                "value": value,
                "source": source,
                "version": version,
                "target": target,
                "attained": attained(value, target.value if target else None, indicator.direction),
            }
        )
    return rows


def indicators_for_figures(*, actor: Actor, prefix: str, year: int, attained_only: bool) -> QuerySet[Indicator]:
    """The indicators of the place's plans assessed for a year (a value and a target), or only those attained:
    the records behind the share attained. Missing values are in neither."""
    ids: list[int] = []
    plans = plan_list(actor=actor).filter(division_id__in=_plan_codes(prefix))
    for plan in plans:
        if not plan.start_year <= year <= plan.end_year:
            continue
        report = monitoring_report(actor=actor, plan=plan, period=year)
        ids.extend(r.indicator.pk for r in report.rows if (r.attained if attained_only else r.attained is not None))
    return Indicator.objects.filter(pk__in=ids)


def _plan_codes(prefix: str) -> list[str]:
    code = prefix + "00" if len(prefix) == 4 else prefix
    return [code]
