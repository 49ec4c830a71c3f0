"""Child-friendly city demo for Futian (idempotent): the standards, community projects over the years (some
accepted, giving the coverage), a few school, park and hospital projects, councils with sessions and proposals,
and the action-plan library."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import User
from jiayuan.divisions.models import Division, Level

from . import services
from .models import ActionItem, Project, ProjectStatus, ProjectType, StandardVersion

FUTIAN = "440304"
ACTIONS = [
    ("新建、改造社区儿童活动空间", "区妇儿工委办、各街道", "每个街道不少于 2 处", "in_progress"),
    ("中小学校通学路径安全改造", "区教育局、交警福田大队", "覆盖全部公办中小学", "in_progress"),
    ("公园分龄儿童游乐设施提升", "区城管和综合执法局", "区属公园全覆盖", "planned"),
    ("公共场所母婴室建设", "区卫生健康局、区妇联", "新建母婴室 20 间", "done"),
    ("儿童议事会标准化建设", "区妇联", "92 个社区标准化开展", "in_progress"),
    ("儿童友好医院创建", "区卫生健康局", "创建 2 家", "planned"),
]


def demo_load() -> str:
    services.standards_ensure()
    user = User.objects.filter(username="weiquan").first()
    if user is None or Project.objects.filter(division__code__startswith=FUTIAN).exists():
        return "儿童友好：已载入" if user else ""
    actor = Actor.system(job="demo")
    rng = random.Random(20260308)
    communities = list(
        Division.objects.filter(code__startswith=FUTIAN, level=Level.COMMUNITY, special=False).order_by("code")
    )
    community_version = StandardVersion.objects.get(standard__code="community", number=1)
    made = 0
    with transaction.atomic():
        for index, community in enumerate(communities[: int(len(communities) * 0.7)]):
            year = 2021 + index % 5
            project = services.project_create(
                actor=actor,
                name=f"{community.name}儿童友好社区",
                type=ProjectType.COMMUNITY,
                level="district" if index % 4 else "city",
                year=year,
                division_code=community.code,
                lead=f"{community.name}社区党委",
            )
            made += 1
            stages = rng.choice([1, 2, 3, 3, 3])
            services.project_advance(actor=actor, project=project, status="building", expected_version=project.version)
            if stages >= 2:
                services.assessment_record(
                    actor=actor,
                    project=project,
                    version=community_version,
                    kind="self",
                    on=dt.date(min(year + 1, 2025), 6, 1),
                    answers={i["code"]: rng.random() < 0.85 for i in community_version.items},
                )
                services.project_advance(
                    actor=actor, project=project, status="assessed", expected_version=project.version
                )
            if stages >= 3:
                services.project_advance(
                    actor=actor,
                    project=project,
                    status=ProjectStatus.ACCEPTED,
                    expected_version=project.version,
                    on=dt.date(min(year + 1, 2025), 11, 20),
                )
        for name, type_, code in [
            ("福田区实验学校儿童友好学校", ProjectType.SCHOOL, "440304006"),
            ("香蜜公园儿童友好公园", ProjectType.PARK, "440304006"),
            ("福田区妇幼保健院儿童友好医院", ProjectType.HOSPITAL, "440304005"),
            ("福田区少儿图书馆儿童友好图书馆", ProjectType.LIBRARY, "440304004"),
        ]:
            services.project_create(actor=actor, name=name, type=type_, level="district", year=2024, division_code=code)
            made += 1
        for community in communities[:12]:
            council = services.council_create(
                actor=actor, division_code=community.code, name="", founded_on=dt.date(2023, 6, 1), members=12
            )
            session = services.session_record(
                actor=actor, council=council, held_on=dt.date(2025, 5, 31), topic="社区游乐场怎么改", attendance=10
            )
            first = services.proposal_add(
                actor=actor, session=session, title="游乐场加装遮阳棚", addressed_to="社区工作站"
            )
            services.proposal_add(actor=actor, session=session, title="放学路上增加过街提示", addressed_to="交警中队")
            services.proposal_answer(
                actor=actor,
                proposal=first,
                answer="已纳入 2025 年社区微实事项目。",
                adopted=True,
                expected_version=first.version,
            )
        for item, lead, target, status in ACTIONS:
            if not ActionItem.objects.filter(division_id=FUTIAN, year=2025, item=item).exists():
                services.action_item_save(
                    actor=actor,
                    division_code=FUTIAN,
                    year=2025,
                    item=item,
                    lead_department=lead,
                    target=target,
                    status=status,
                )
    return f"儿童友好项目 {made} 个，儿童议事会 12 个，行动项目 {len(ACTIONS)} 项"
