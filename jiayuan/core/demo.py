"""Demo data: Shenzhen's divisions, a believable Futian district, one account per role.

Everything is generated from a fixed seed and keyed by natural keys, so loading twice changes nothing.
Generated ID numbers are synthetic (valid checksums, invented people).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.divisions.models import Division, Level
from jiayuan.divisions.services import divisions_load
from jiayuan.orgs.models import AgencyKind, DomainType, Organisation, OrgKind, PartnerAgency
from jiayuan.people.models import Gender, Household, HouseholdMember, IdType, Person
from jiayuan.people.services import DuplicatePerson, PersonInput, person_create

DEMO_PASSWORD = "Jiayuan@2026"
FUTIAN = "440304"
STREET = "440304006"  # 香蜜湖街道
COMMUNITY_OF_STREET = None  # first community of STREET, found at load time

DEMO_ACCOUNTS = [
    # username, display name, role, place ("division:<code>" / "agency:<name>" / "community" / "street")
    ("shequ", "社区社工 陈晓梅", Role.COMMUNITY_WORKER, "community"),
    ("jiedao", "街道妇联 林雪芳", Role.STREET_STAFF, "street"),
    ("weiquan", "区妇联维权部 黄丽娟", Role.DISTRICT_RIGHTS, f"division:{FUTIAN}"),
    ("rexian", "12338 接线员 周敏", Role.HOTLINE_OPERATOR, f"division:{FUTIAN}"),
    ("tiaojie", "婚调委调解员 吴秀兰", Role.MEDIATOR, f"division:{FUTIAN}"),
    ("gongan", "福田公安分局 刘警官", Role.AGENCY_USER, "agency:深圳市公安局福田分局"),
    ("aixin", "爱心妈妈 郑美玲", Role.VOLUNTEER, "community"),
    ("lingdao", "区妇联领导 何静", Role.LEADER, f"division:{FUTIAN}"),
    ("yonghu", "区妇联用户管理员 许婷", Role.USER_ADMIN, f"division:{FUTIAN}"),
    ("admin", "系统管理员", Role.SYSADMIN, "division:440300"),
    ("shenji", "审计员 冯芸", Role.AUDITOR, "division:440300"),
    ("anquan", "市妇联安全管理员 蒋岚", Role.SECURITY_OFFICER, "division:440300"),
    ("anquanqu", "区妇联安全管理员 石慧", Role.SECURITY_OFFICER, f"division:{FUTIAN}"),
    ("fawu", "法律审核员 邓律师", Role.LEGAL_REVIEWER, f"division:{FUTIAN}"),
]

AGENCIES = [
    ("深圳市公安局福田分局", AgencyKind.POLICE),
    ("深圳市福田区人民法院", AgencyKind.COURT),
    ("深圳市福田区人民检察院", AgencyKind.PROCURATORATE),
    ("深圳市福田区民政局", AgencyKind.CIVIL_AFFAIRS),
    ("深圳市福田区教育局", AgencyKind.EDUCATION),
    ("深圳市福田区卫生健康局", AgencyKind.HEALTH),
    ("深圳市福田区法律援助处", AgencyKind.JUSTICE),
]

NEW_DOMAIN = [
    ("车公庙产业园区妇联", DomainType.PARK, "440304006"),
    ("福田中心区商务楼宇妇联", DomainType.BUILDING, "440304008"),
    ("华强北商圈妇联", DomainType.BUSINESS_DISTRICT, "440304011"),
    ("福田区网络直播行业妇联", DomainType.LIVESTREAM, "440304"),
    ("福田区快递物流行业妇联", DomainType.LOGISTICS, "440304"),
    ("上沙城中村妇联", DomainType.URBAN_VILLAGE, "440304005"),
    ("福田区律师行业妇联", DomainType.INDUSTRY, "440304"),
]

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


def credit_code(rng: random.Random, prefix: str = "51", region: str = FUTIAN) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _place(spec: str) -> dict:
    if spec == "community":
        return {
            "division_id": Division.objects.filter(parent_id=STREET, level=Level.COMMUNITY)
            .order_by("code")
            .values_list("code", flat=True)
            .first()
        }
    if spec == "street":
        return {"division_id": STREET}
    kind, value = spec.split(":", 1)
    if kind == "agency":
        return {"agency": PartnerAgency.objects.get(name=value)}
    return {"division_id": value}


def load_demo(*, people: int = 300, stdout=None) -> dict:
    say = stdout.write if stdout else (lambda *_: None)
    result = divisions_load()
    say(f"行政区划：共 {result['total']} 条（新增 {result['created']}）")
    rng = random.Random(20260308)
    counts = {"orgs": 0, "agencies": 0, "users": 0, "people": 0, "households": 0}
    with transaction.atomic():
        district = Division.objects.get(code=FUTIAN)
        _org(counts, "深圳市妇女联合会", OrgKind.CITY, "440300", dt.date(1950, 3, 8))
        _org(counts, "深圳市福田区妇女联合会", OrgKind.DISTRICT, FUTIAN, dt.date(1983, 6, 1))
        for street in Division.objects.filter(parent=district, special=False).order_by("code"):
            _org(counts, f"{street.name}妇女联合会", OrgKind.STREET, street.code, dt.date(2005, 3, 8))
            for community in street.children.filter(special=False).order_by("code"):
                _org(counts, f"{community.name}妇女联合会", OrgKind.COMMUNITY, community.code, dt.date(2016, 3, 8))
        for name, domain, code in NEW_DOMAIN:
            _org(
                counts,
                name,
                OrgKind.NEW_DOMAIN,
                code,
                dt.date(2019 + len(name) % 5, 3, 8),
                domain=domain,
                credit=credit_code(rng),
            )
        for name, kind in AGENCIES:
            _, created = PartnerAgency.objects.get_or_create(
                name=name, defaults={"kind": kind, "division": district, "credit_code": credit_code(rng, "11")}
            )
            counts["agencies"] += created
        for username, display, role, place in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                Posting.objects.create(user=user, role=role, valid_from=dt.date(2024, 1, 1), **_place(place))
                counts["users"] += 1
    communities = list(
        Division.objects.filter(code__startswith=FUTIAN, level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    _people(rng, communities, people, counts)
    return counts


def _org(counts, name, kind, code, founded, domain="", credit=""):
    _, created = Organisation.objects.get_or_create(
        name=name,
        division_id=code,
        defaults={"kind": kind, "domain_type": domain, "founded_on": founded, "credit_code": credit},
    )
    counts["orgs"] += created


def _people(rng: random.Random, communities: list[str], total: int, counts: dict) -> None:
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
                    actor=None,
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
