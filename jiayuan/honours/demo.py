"""Honours demo for Futian (fixed seed, idempotent): the kinds, honours held over the years at every level,
and nominations at each stage (at the street, in the notice, returned, granted)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.core.errors import ApplicationError
from jiayuan.orgs.models import Organisation
from jiayuan.people.models import Household, Person

from . import services
from .models import AwardLevel, HolderType, Honour, HonourKind, Nomination

FUTIAN = "440304"
MARK = "福田示例"
CITY_ACCOUNT = ("shifulian", "市妇联 权益部 高红", Role.LEADER, "440300")


def _actor(username: str, fallback: tuple | None = None) -> Actor | None:
    user = User.objects.filter(username=username).first()
    if user is None and fallback:
        from jiayuan.core.demo import DEMO_PASSWORD

        name, display, role, code = fallback
        user = User.objects.create(username=name, display_name=display)
        user.set_password(DEMO_PASSWORD)
        user.save()
        Posting.objects.create(user=user, role=role, division_id=code, valid_from=dt.date(2020, 1, 1))
    return Actor.for_user(user) if user else None


def demo_load() -> str:
    from jiayuan.orgs.building.demo import building_demo_load

    building = building_demo_load()  # needs the people registry's demo, which runs after the orgs app's
    services.honour_kinds_ensure()
    if Honour.objects.filter(document_no__startswith=MARK).exists():
        return f"{building}；评选表彰：已载入"
    district = _actor("weiquan")
    street = _actor("jiedao")
    city = _actor("shifulian", CITY_ACCOUNT)
    leader = _actor("lingdao")
    if district is None or street is None:
        return ""
    rng = random.Random(20260308)
    kinds = {k.code: k for k in HonourKind.objects.all()}
    orgs = list(Organisation.objects.filter(division__code__startswith=FUTIAN).order_by("id")[:60])
    households = list(Household.objects.filter(division__code__startswith=FUTIAN).order_by("id")[:80])
    women = list(Person.objects.alive().filter(division__code__startswith=FUTIAN, gender="F").order_by("id")[:80])
    made = 0
    with transaction.atomic():
        plan = [
            # kind, holder type, pool, levels with weights, how many
            ("jinguo_wenming_gang", HolderType.ORGANISATION, orgs, [AwardLevel.DISTRICT, AwardLevel.CITY], 18),
            ("jinguo_wenming_biaobing", HolderType.ORGANISATION, orgs, [AwardLevel.CITY, AwardLevel.PROVINCIAL], 4),
            ("sanba_hongqi_jiti", HolderType.ORGANISATION, orgs, [AwardLevel.DISTRICT, AwardLevel.NATIONAL], 6),
            ("sanba_hongqishou", HolderType.PERSON, women, [AwardLevel.DISTRICT, AwardLevel.CITY], 12),
            ("jinguo_jiangong_biaobing", HolderType.PERSON, women, [AwardLevel.DISTRICT], 5),
            ("zuimei_jiating", HolderType.HOUSEHOLD, households, [AwardLevel.STREET, AwardLevel.DISTRICT], 14),
            ("pingan_jiating", HolderType.HOUSEHOLD, households, [AwardLevel.DISTRICT], 6),
            ("wenming_jiating", HolderType.HOUSEHOLD, households, [AwardLevel.DISTRICT, AwardLevel.CITY], 5),
        ]
        for code, holder_type, pool, levels, count in plan:
            if not pool:
                continue
            for i in range(count):
                holder = pool[(i * 7 + len(code)) % len(pool)]
                level = levels[i % len(levels)]
                year = 2019 + (i * 3 + len(code)) % 7
                actor = city if level == AwardLevel.CITY and city else district
                try:
                    services.honour_record(
                        actor=actor,
                        kind_id=kinds[code].pk,
                        level=level,
                        year=year,
                        holder_type=holder_type,
                        holder_id=holder.pk,
                        granted_on=dt.date(year, 3, 8),
                        granted_by={
                            AwardLevel.NATIONAL: "全国妇联",
                            AwardLevel.PROVINCIAL: "广东省妇联",
                            AwardLevel.CITY: "深圳市妇联",
                            AwardLevel.DISTRICT: "福田区妇联",
                            AwardLevel.STREET: "香蜜湖街道妇联",
                        }[level],
                        document_no=f"{MARK}〔{year}〕{rng.randint(1, 60)}号",
                    )
                    made += 1
                except ApplicationError:
                    continue
    nominations = _nominations(street, district, leader, households, women, kinds)
    return f"{building}；荣誉 {made} 项，推荐 {nominations} 件（公示、审批中、已授予）"


def _nominations(street, district, leader, households, women, kinds) -> int:
    """A street nominates families; the district has granted one after its notice, one is in the notice."""
    today = timezone.localdate()
    year = today.year
    street_code = street.primary_posting.division_id
    local = [h for h in households if h.division_id.startswith(street_code)][:4]
    if len(local) < 3 or Nomination.objects.filter(year=year, origin_id=street_code).exists():
        return 0

    def nominate(kind: str, holder, reason: str, holder_type: str = HolderType.HOUSEHOLD):
        return services.nomination_create(
            actor=street,
            kind_id=kinds[kind].pk,
            level=AwardLevel.DISTRICT,
            year=year,
            holder_type=holder_type,
            holder_id=holder.pk,
            reason=reason,
        )

    def notice(nomination, start_days: int, end_days: int) -> None:
        services.nomination_notice_open(
            actor=district,
            nomination=nomination,
            start=today + dt.timedelta(days=start_days),
            end=today + dt.timedelta(days=end_days),
            expected_version=nomination.version,
        )

    granted = nominate("zuimei_jiating", local[0], "夫妻和睦、孝老爱亲，长期参与社区志愿服务，带动邻里共建文明家风。")
    notice(granted, -12, -6)
    services.nomination_decide(
        actor=district,
        nomination=granted,
        decision="approve",
        comment="公示期满无异议，同意授予。",
        expected_version=granted.version,
    )
    notice(nominate("zuimei_jiating", local[1], "三代同堂，家庭教育有方，子女积极参加社区儿童议事会。"), -1, 5)
    nominate("pingan_jiating", local[2], "积极参与平安社区建设，家庭成员无违法犯罪记录。")
    made = 3
    local_women = [w for w in women if w.division_id.startswith(street_code)]
    if local_women:
        returned = nominate(
            "sanba_hongqishou", local_women[0], "社区妇联执委，组织开展家庭教育讲座十余场。", HolderType.PERSON
        )
        services.nomination_decide(
            actor=district,
            nomination=returned,
            decision="return",
            comment="请补充近三年主要事迹及所获表彰情况。",
            expected_version=returned.version,
        )
        made += 1
    return made
