"""Demo people of Futian: households of a woman, often a partner and children, with synthetic ID numbers
(valid checksums, invented people) and phones. Fixed seed; an ID number already on file is reused, so
loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from stdnum.cn import ric

from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level

from .models import Gender, Household, HouseholdMember, IdType, Person
from .services import DuplicatePerson, PersonInput, person_create

FUTIAN = "440304"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟"
FEMALE_GIVEN = [
    "秀英",
    "桂英",
    "丽",
    "敏",
    "静",
    "丽娟",
    "艳",
    "娟",
    "霞",
    "秀兰",
    "燕",
    "玲",
    "晓红",
    "雪梅",
    "慧",
    "婷",
    "欣怡",
    "梓涵",
    "诗琪",
    "雨桐",
    "可馨",
    "佳怡",
    "紫涵",
    "思彤",
    "晓燕",
    "美华",
    "春梅",
    "小芳",
]
MALE_GIVEN = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "浩",
    "俊杰",
    "子轩",
    "浩宇",
    "宇航",
    "志强",
    "建华",
    "国平",
    "家豪",
    "博文",
    "天佑",
]


def synthetic_id(rng: random.Random, birth: dt.date, gender: str, region: str = FUTIAN) -> str:
    seq = rng.randint(0, 99)
    last = rng.choice([1, 3, 5, 7, 9] if gender == Gender.MALE else [0, 2, 4, 6, 8])
    body = f"{region}{birth:%Y%m%d}{seq:02d}{last}"
    return body + ric.calc_check_digit(body + "0")


def demo_load(*, people: int = 300) -> str:
    """At least `people` people in households across Futian's communities (fewer new ones on a rerun)."""
    rng = random.Random(20260308)
    counts = {"people": 0, "households": 0}
    communities = list(
        Division.objects.filter(code__startswith=FUTIAN, level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not communities:
        return "未载入区划，跳过"
    _people(rng, communities, people, counts)
    return f"新增人员 {counts['people']}，家庭户 {counts['households']}"


def _people(rng: random.Random, communities: list[str], total: int, counts: dict) -> None:
    actor = Actor.system(job="demo")
    today = timezone.localdate()
    made = 0
    while made < total:
        community = rng.choice(communities)
        surname = rng.choice(SURNAMES)
        # A household: a woman, often a partner, and zero to three children.
        woman_birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        members = [(surname + rng.choice(FEMALE_GIVEN), Gender.FEMALE, woman_birth, HouseholdMember.Relation.HEAD)]
        if rng.random() < 0.7:
            partner = rng.choice(SURNAMES) + rng.choice(MALE_GIVEN)
            members.append(
                (
                    partner,
                    Gender.MALE,
                    woman_birth.replace(year=woman_birth.year - rng.randint(-2, 5)),
                    HouseholdMember.Relation.SPOUSE,
                )
            )
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            year = min(woman_birth.year + rng.randint(20, 35), today.year - 1)
            gender = rng.choice([Gender.FEMALE, Gender.MALE])
            given = rng.choice(FEMALE_GIVEN if gender == Gender.FEMALE else MALE_GIVEN)
            members.append(
                (
                    surname + given,
                    gender,
                    dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    HouseholdMember.Relation.CHILD,
                )
            )
        people = []
        for name, gender, birth, relation in members:
            number = synthetic_id(rng, birth, gender)
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            try:
                person = person_create(
                    actor=actor,
                    data=PersonInput(
                        name=name,
                        division_code=community,
                        id_type=IdType.RESIDENT,
                        id_number=number,
                        address_detail=f"{rng.randint(1, 40)}栋{rng.randint(1, 30)}0{rng.randint(1, 8)}室",
                    ),
                    phones=[phone] if birth.year < today.year - 16 else [],
                )
                counts["people"] += 1
            except DuplicatePerson as exc:
                person = Person.objects.get(pk=exc.existing_id)
            people.append((person, relation))
            made += 1
        head = people[0][0]
        household, created = Household.objects.get_or_create(
            name=f"{head.name[0]}家（{head.pk}）", division_id=community
        )
        counts["households"] += created
        for person, relation in people:
            HouseholdMember.objects.get_or_create(household=household, person=person, defaults={"relation": relation})
