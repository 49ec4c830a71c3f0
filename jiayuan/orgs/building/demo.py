"""Organisation-building demo for Futian, loaded after the people registry (fixed seed, idempotent): 三新 domains,
a current executive committee for most community federations, duty records, trainings and women's spaces."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import User
from jiayuan.people.models import Person

from ..models import DutyKind, Education, ExecutiveCommittee, ExecutiveMember, Organisation, OrgKind, Sanxin
from . import services

FUTIAN = "440304"
SANXIN = {
    "park": Sanxin.NEW_ECONOMIC,
    "building": Sanxin.NEW_ECONOMIC,
    "business_district": Sanxin.NEW_ECONOMIC,
    "livestream": Sanxin.NEW_EMPLOYMENT,
    "logistics": Sanxin.NEW_EMPLOYMENT,
    "express": Sanxin.NEW_EMPLOYMENT,
    "industry": Sanxin.NEW_SOCIAL,
    "urban_village": Sanxin.NEW_SOCIAL,
}


def building_demo_load() -> str:
    user = User.objects.filter(username="weiquan").first()
    if user is None:
        return ""
    actor = Actor.for_user(user)
    orgs = Organisation.objects.filter(division__code__startswith=FUTIAN)
    for org in orgs.filter(kind=OrgKind.NEW_DOMAIN, sanxin=""):
        org.sanxin = SANXIN.get(org.domain_type, Sanxin.NEW_SOCIAL)
        org.save(update_fields=["sanxin"])
    if ExecutiveCommittee.objects.filter(organisation__division__code__startswith=FUTIAN).exists():
        return "组织建设：已载入"
    rng = random.Random(20260308)
    communities = list(orgs.filter(kind=OrgKind.COMMUNITY).order_by("division_id"))
    chosen = communities[: max(1, int(len(communities) * 0.8))]
    seats = 0
    duties = 0
    with transaction.atomic():
        for org in chosen:
            women = list(Person.objects.alive().filter(division_id=org.division_id, gender="F").order_by("id")[:7])
            if len(women) < 3:
                continue
            services.committee_elect(actor=actor, organisation=org, elected_on=dt.date(2021, 6, 18), number=1)
            committee = services.committee_elect(
                actor=actor, organisation=org, elected_on=dt.date(2024, 6, 18), number=2
            )
            posts = [ExecutiveMember.Post.CHAIR, ExecutiveMember.Post.VICE_CHAIR] + [ExecutiveMember.Post.EXECUTIVE] * 5
            members = []
            for person, post in zip(women, posts, strict=False):
                members.append(
                    services.seat_add(
                        actor=actor,
                        committee=committee,
                        person_id=person.pk,
                        post=post,
                        is_party_member=post == ExecutiveMember.Post.CHAIR or rng.random() < 0.4,
                        education=rng.choice(Education.values[:4]),
                        in_two_committees=post == ExecutiveMember.Post.CHAIR and rng.random() < 0.9,
                    )
                )
                seats += 1
            for member in members[2:4]:
                target = rng.choice(women)
                services.duty_record(
                    actor=actor,
                    member=member,
                    kind=DutyKind.ONE_ON_ONE,
                    on=dt.date(2025, rng.randint(1, 11), rng.randint(1, 28)),
                    content="上门走访，了解家庭困难，协助申请临时救助。",
                    person_id=target.pk,
                )
                services.duty_record(
                    actor=actor,
                    member=member,
                    kind=rng.choice([DutyKind.VISIT, DutyKind.ACTIVITY]),
                    on=dt.date(2025, rng.randint(1, 11), rng.randint(1, 28)),
                    content="参与社区家庭教育讲座组织工作。",
                )
                duties += 2
        chairs = list(
            ExecutiveMember.objects.filter(
                organisation__division__code__startswith=FUTIAN, post=ExecutiveMember.Post.CHAIR, term_end__isnull=True
            ).values_list("pk", flat=True)
        )
        services.training_create(
            actor=actor,
            title="2025 年社区妇联主席能力提升培训班",
            division_code=FUTIAN,
            held_on=dt.date(2025, 4, 12),
            hours=16,
            audience="chairs",
            member_ids=chairs,
        )
        services.training_create(
            actor=actor,
            title="执委履职与家庭教育指导专题培训",
            division_code=FUTIAN,
            held_on=dt.date(2025, 9, 20),
            hours=6,
            audience="executives",
            member_ids=[],
        )
        for org, name in zip(
            orgs.filter(kind=OrgKind.NEW_DOMAIN).order_by("id")[:3],
            ["直播行业“姐妹驿站”", "楼宇“she 空间”", "园区妇女之家"],
            strict=False,
        ):
            services.women_space_add(actor=actor, organisation=org, name=name, opened_on=dt.date(2024, 3, 8))
    return f"执委会 {len(chosen)} 个组织，执委 {seats} 人，履职记录 {duties} 条，培训 2 期，妇女阵地 3 处"
