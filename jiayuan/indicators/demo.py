"""Plan monitoring demo for Futian (idempotent): the women's and children's plans with example targets and
values for past years from named sources; a few values left missing, as in real monitoring."""

from __future__ import annotations

import random
from decimal import Decimal

from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import User
from jiayuan.orgs.models import PartnerAgency

from . import services
from .models import Direction, Indicator, IndicatorValue

FUTIAN = "440304"
SOURCES = ["福田区统计年鉴", "区卫生健康局年度报告", "区教育局教育统计报表", "区民政局业务统计", "区妇儿工委办监测数据"]


def demo_load() -> str:
    user = User.objects.filter(username="weiquan").first()
    if user is None:
        return ""
    actor = Actor.for_user(user)
    plans = [
        services.plan_load(code="women-2021-2030", division_code=FUTIAN, name="福田区妇女发展规划（2021—2030年）"),
        services.plan_load(code="children-2021-2030", division_code=FUTIAN, name="福田区儿童发展规划（2021—2030年）"),
    ]
    _assign_units(actor, plans)
    if IndicatorValue.objects.filter(indicator__area__plan__in=plans).exists():
        return "规划监测：已载入"
    rng = random.Random(20260308)
    last = timezone.localdate().year - 1
    made = 0
    for plan in plans:
        for indicator in Indicator.objects.filter(area__plan=plan, formula="").prefetch_related("targets"):
            target = max(indicator.targets.all(), key=lambda t: t.period, default=None)
            base = target.value if target else Decimal(50)
            for year in range(max(plan.start_year, last - 3), last + 1):
                if rng.random() < 0.08:
                    continue  # not yet published: shown as missing
                # Mostly on the right side of the target, sometimes not.
                factor = Decimal(str(rng.uniform(0.93, 1.08)))
                if indicator.direction == Direction.AT_MOST:
                    factor = Decimal(2) - factor
                services.indicator_value_enter(
                    actor=actor,
                    indicator=indicator,
                    period=year,
                    value=(base * factor).quantize(Decimal("0.01")),
                    source=f"{rng.choice(SOURCES)}（{year}）",
                )
                made += 1
    return f"规划 {len(plans)} 部，监测值 {made} 条"


# Which member unit reports an indicator, read from its responsible units (责任单位).
UNITS = {
    "公安": "深圳市公安局福田分局",
    "法院": "深圳市福田区人民法院",
    "检察院": "深圳市福田区人民检察院",
    "民政": "深圳市福田区民政局",
    "教育": "深圳市福田区教育局",
    "卫生健康": "深圳市福田区卫生健康局",
}


def _assign_units(actor: Actor, plans: list) -> None:
    agencies = dict(PartnerAgency.objects.filter(name__in=UNITS.values()).values_list("name", "pk"))
    for indicator in Indicator.objects.filter(area__plan__in=plans, formula=""):
        wanted = [agencies[name] for word, name in UNITS.items() if word in indicator.responsible and name in agencies]
        if wanted:
            services.indicator_units_set(actor=actor, indicator=indicator, agency_ids=wanted)
