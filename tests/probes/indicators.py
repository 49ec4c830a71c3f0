"""Probe hook (see tests/probes): a district plan with an entered value inside the probed community's
district and in another district."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    from jiayuan.access.roles import Role
    from jiayuan.indicators import services
    from jiayuan.indicators.models import Indicator
    from tests.factories import actor_of, make_user

    district = community[:6]
    plan = services.plan_load(code="women-2021-2030", division_code=district, name=f"探针规划{tag}")
    indicator = Indicator.objects.filter(area__plan=plan, formula="").order_by("id").first()
    # The value sits at the community so that every role reaching the community reaches it.
    actor = actor_of(make_user(Role.DISTRICT_RIGHTS, district))
    value = services.indicator_value_enter(
        actor=actor, indicator=indicator, period=2024, value="12.5", source="探针来源", division_code=community
    )
    return {"plan_id": plan.pk, "value_id": value.pk, "indicator_id": indicator.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "indicators:report": pair("plan_id"),
        "indicators:indicator": pair("indicator_id"),
        "GET /api/indicators/values/{value_id}": pair("value_id"),
    }
