"""Screening demo for Futian (idempotent): one monthly campaign across the district with household visits
in four communities of 香蜜湖街道, some of which found hazards."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import User
from jiayuan.care.models import RegisterEntry
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Household

from . import services as screening
from .models import Campaign

FUTIAN = "440304"
STREET = "440304006"
CAMPAIGN_NAME = "福田区家庭风险隐患月度排查"


def demo_load() -> str:
    jiedao = User.objects.filter(username="jiedao").first()
    weiquan = User.objects.filter(username="weiquan").first()
    if jiedao is None or weiquan is None:
        return "未载入基础演示数据（账号），跳过"
    if Campaign.objects.filter(name=CAMPAIGN_NAME).exists():
        return "已存在，未重复创建"
    a_jiedao, a_weiquan = Actor.for_user(jiedao), Actor.for_user(weiquan)
    today = timezone.localdate()
    communities = list(
        Division.objects.filter(parent_id=STREET, level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    entries = list(RegisterEntry.objects.filter(division_id__in=communities[:4]).select_related("person"))
    counts = {"visits": 0}
    with transaction.atomic():
        # Screening: one monthly campaign with visits and hazards.
        campaign = screening.campaign_create(
            actor=a_weiquan,
            name=CAMPAIGN_NAME,
            division_code=FUTIAN,
            covered_codes=[FUTIAN],
            starts_on=today.replace(day=1),
            monthly=True,
        )
        families = Household.objects.filter(division_id__in=communities[:4]).order_by("id")[:12]
        for n, family in enumerate(families):
            found = n % 3 == 0
            answers = {"family_conflict": found, "violence_signs": found and n % 2 == 0, "child_alone": False}
            screening.visit_record(
                actor=a_jiedao,
                campaign=campaign,
                division_code=family.division_id,
                visited_on=today,
                answers=answers,
                household=family,
                hazard_level="medium" if found else None,
                findings="夫妻近期矛盾激烈，邻里反映有争吵" if found else "",
            )
            counts["visits"] += 1
        for n in range(max(0, 6 - len(families))):  # a small foundation demo has few households
            code = communities[n % 4]
            people = [e.person for e in entries if e.division_id == code][:1]
            screening.visit_record(
                actor=a_jiedao,
                campaign=campaign,
                division_code=code,
                visited_on=today,
                answers={"financial_crisis": n % 2 == 0},
                people=people,
                hazard_level="low" if n % 2 == 0 else None,
            )
            counts["visits"] += 1
    return f"排查活动 1 个，走访 {counts['visits']} 户"
