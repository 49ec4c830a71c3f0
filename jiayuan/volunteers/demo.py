"""Volunteer demo for Futian (idempotent): the "1+N" teams (the district 总队, a team per street, community
teams of each type), registered volunteers drawn from the registry, and confirmed and pending service hours."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.divisions.codes import street_of
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person

from . import services
from .models import MemberRole, RecordSource, ServiceRecord, Team, TeamType, Volunteer

FUTIAN = "440304"


def _system() -> Actor:
    return Actor.system(job="demo")


COMMUNITY_TEAM_TYPES = [TeamType.READING, TeamType.CHILDCARE, TeamType.PSYCHOLOGY, TeamType.CARING_MOTHERS]


def _team(name: str, type: str, code: str) -> Team:
    existing = Team.objects.filter(division_id=code, name=name).first()
    if existing:
        return existing
    return services.team_create(
        actor=_system(),
        data=services.TeamInput(name=name, type=type, division_code=code, founded_on=dt.date(2021, 3, 5)),
    )


def demo_load() -> str:
    if not Division.objects.filter(code=FUTIAN).exists():
        return ""
    services.volunteer_dictionaries_ensure()
    rng = random.Random(20260305)
    skills = [code for code, _ in services.VOLUNTEER_SKILLS]
    now = timezone.now()
    with transaction.atomic():
        district = _team("福田区巾帼志愿服务总队", TeamType.GENERAL, FUTIAN)
        lawyers = _team("福田区女律师志愿团", TeamType.WOMEN_LAWYERS, FUTIAN)
        teams = [district, lawyers]
        streets = list(Division.objects.filter(parent_id=FUTIAN, special=False, level=Level.STREET).order_by("code"))
        for street in streets:
            teams.append(_team(f"{street.name}巾帼志愿服务队", TeamType.GENERAL, street.code))
            first = street.children.filter(special=False).order_by("code").first()
            if first is not None:
                kind = COMMUNITY_TEAM_TYPES[len(teams) % len(COMMUNITY_TEAM_TYPES)]
                teams.append(_team(f"{first.name}{TeamType(kind).label}", kind, first.code))
        made = 0
        already = district.memberships.exists()
        women = (
            Person.objects.none()
            if already
            else (
                Person.objects.filter(division__code__startswith=FUTIAN, gender="F", deleted_at__isnull=True)
                .exclude(volunteer__isnull=False)
                .order_by("id")[:60]
            )
        )
        for index, person in enumerate(women):
            if person.is_minor:
                continue
            volunteer = services.volunteer_register(
                actor=_system(),
                person=person,
                consent=True,
                skill_codes=rng.sample(skills, 2),
                availability=rng.choice(["周末全天", "工作日晚上", "寒暑假", "周六上午"]),
                registered_on=dt.date(2024 + index % 2, 1 + index % 12, 1 + index % 27),
            )
            made += 1
            home_team = next((t for t in teams if t.division_id == street_of(person.division_id)), district)
            services.team_member_add(
                actor=_system(), team=home_team, person=person, role=MemberRole.LEADER if index % 15 == 0 else "member"
            )
            if index % 4 == 0:
                services.team_member_add(actor=_system(), team=district, person=person)
            for k in range(1 + index % 4):
                start = (now - dt.timedelta(days=7 + 11 * k + index % 9)).replace(minute=0, second=0, microsecond=0)
                services.service_record_create(
                    actor=_system(),
                    volunteer=volunteer,
                    title=rng.choice(["社区普法宣传", "困境儿童陪伴", "家长课堂协助", "母婴室值守", "入户探访"]),
                    started_at=start.replace(hour=9 + k),
                    minutes=rng.choice([60, 90, 120, 180]),
                    division_code=person.division_id,
                    source=RecordSource.OTHER if k % 2 else RecordSource.CARE,
                    confirm=k < 2,
                )
        # The demo volunteer account (爱心妈妈) is on her community's team, with hours to show.
        own = Volunteer.objects.filter(user__username="aixin").first()
        if own is not None and not own.memberships.exists():
            services.team_member_add(actor=_system(), team=district, person=own.person)
            if not ServiceRecord.objects.filter(volunteer=own).exists():
                services.service_record_create(
                    actor=_system(),
                    volunteer=own,
                    title="结对儿童课业陪伴",
                    started_at=(now - dt.timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0),
                    minutes=120,
                    division_code=own.division_id,
                    source=RecordSource.CARE,
                    confirm=True,
                )
    total = Volunteer.objects.filter(division__code__startswith=FUTIAN).count()
    return f"志愿者 {total} 名（新增 {made}），队伍 {Team.objects.count()} 支"
