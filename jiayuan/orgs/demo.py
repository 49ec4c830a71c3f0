"""Demo data of organisations: Shenzhen's and Futian's federations down to every community, the new-domain
federations and Futian's partner agencies (fixed seed, keyed by natural keys, so loading twice changes
nothing; credit codes are synthetic with valid check characters)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from stdnum.cn import uscc

from jiayuan.divisions.models import Division

from .models import AgencyKind, DomainType, Organisation, OrgKind, PartnerAgency

FUTIAN = "440304"

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


def credit_code(rng: random.Random, prefix: str = "51", region: str = FUTIAN) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def demo_load() -> str:
    if not Division.objects.filter(code=FUTIAN).exists():
        return "未载入区划，跳过"
    rng = random.Random(20260308)
    counts = {"orgs": 0, "agencies": 0}
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
    return f"新增组织 {counts['orgs']}，协作单位 {counts['agencies']}"


def _org(counts: dict, name: str, kind: str, code: str, founded: dt.date, domain: str = "", credit: str = "") -> None:
    _, created = Organisation.objects.get_or_create(
        name=name,
        division_id=code,
        defaults={"kind": kind, "domain_type": domain, "founded_on": founded, "credit_code": credit},
    )
    counts["orgs"] += created
