"""Venue demo for Futian (idempotent): a 舒心驿站 in every community, a 幸福港湾 in every street, the district
婚调委 with rooms in the streets, the "1+10+92+N" family-education network, 妇儿之家 and 妇女微家 here and
there, and 母婴室 with locations inside Futian."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from jiayuan.divisions.models import Division, Level
from jiayuan.orgs.models import Organisation

from .models import Venue, VenueType

FUTIAN = "440304"

# (name, street code, longitude, latitude, address, opening hours) — WGS84 points inside Futian's outline.
NURSING_ROOMS = [
    ("深圳市民中心母婴室", "440304004", "114.059600", "22.543200", "福中三路市民中心B区一楼", "9:00-18:00"),
    ("莲花山公园母婴室", "440304008", "114.057000", "22.556000", "红荔路6030号莲花山公园南门服务中心", "6:00-22:00"),
    ("福田高铁站母婴室", "440304004", "114.055000", "22.537000", "深南大道福田站候车层", "6:30-23:30"),
    ("华强北地铁站母婴室", "440304011", "114.085000", "22.546000", "华强北路华强北站站厅层", "6:30-23:00"),
    ("中心书城母婴室", "440304004", "114.058000", "22.539000", "福中一路2014号中心书城二楼", "9:00-22:00"),
    ("香蜜公园母婴室", "440304006", "114.023000", "22.549000", "农园路香蜜公园管理处", "6:00-23:00"),
    ("梅林公园母婴室", "440304007", "114.045000", "22.572000", "梅林路梅林公园游客中心", "6:00-22:00"),
    ("福田区妇幼保健院母婴室", "440304005", "114.035000", "22.525000", "福强路福田区妇幼保健院门诊二楼", "全天"),
    ("福田口岸母婴室", "440304010", "114.070000", "22.526000", "福田口岸联检大楼一楼", "6:30-22:30"),
    ("中心公园母婴室", "440304002", "114.088000", "22.550000", "红荔路中心公园服务站", "6:00-22:00"),
    (
        "南园街道党群服务中心母婴室",
        "440304001",
        "114.090000",
        "22.540000",
        "南园路南园街道党群服务中心一楼",
        "9:00-21:00",
    ),
    ("红树林生态公园母婴室", "440304005", "114.005000", "22.526000", "滨海大道红树林生态公园服务中心", "6:00-23:00"),
]


@dataclass(frozen=True)
class Spec:
    """One kind of demo venue: its name from the place's names, and which places of a level get one (by
    position among their siblings)."""

    type: str
    name: str  # with {district}, {street}, {community}
    opening_hours: str = ""
    contact_post: str = ""
    address: str = ""
    pick: Callable[[int], bool] = lambda _position: True


DISTRICT_VENUES = [
    Spec(
        VenueType.MEDIATION_COMMITTEE,
        "福田区婚姻家庭纠纷人民调解委员会",
        "周一至周五 9:00-12:00，14:00-18:00",
        "婚调委主任",
        "福田区福华路福田区妇女儿童活动中心三楼",
    ),
    Spec(
        VenueType.FAMILY_EDUCATION_CENTRE,
        "福田区家庭教育指导服务中心",
        "周二至周日 9:00-17:30",
        "区妇联家庭和儿童工作部",
        "福田区福华路福田区妇女儿童活动中心二楼",
    ),
    Spec(VenueType.VOLUNTEER_HOME, "福田区巾帼志愿者之家", "周一至周五 9:00-18:00", "区妇联志愿服务专干"),
]
STREET_VENUES = [
    Spec(
        VenueType.HAPPINESS_HARBOUR,
        "{street}幸福港湾反家暴工作站",
        "周一至周五 9:00-18:00（紧急情况 24 小时电话）",
        "街道妇联主席",
    ),
    Spec(VenueType.FAMILY_EDUCATION_STATION, "{street}家庭教育指导服务站", "周一至周五 9:00-18:00", "街道妇联专干"),
    Spec(VenueType.MEDIATION_ROOM, "{street}婚调室", "周一至周五 9:00-17:30", "驻点调解员", pick=lambda i: i % 2 == 0),
]
COMMUNITY_VENUES = [
    Spec(
        VenueType.COMFORT_STATION,
        "{community}舒心驿站",
        "周一至周六 9:00-18:00",
        "社区妇联主席",
        "{street}{community}党群服务中心",
    ),
    Spec(VenueType.FAMILY_EDUCATION_POINT, "{community}家庭教育指导服务点", "周一至周五 9:00-18:00", "社区妇联执委"),
    Spec(
        VenueType.WOMEN_CHILDREN_HOME,
        "{community}妇儿之家",
        "周二至周日 9:00-20:00",
        "社区妇联主席",
        pick=lambda i: i % 3 == 0,
    ),
    Spec(
        VenueType.EXECUTIVE_STUDIO, "{community}执委履职工作室", contact_post="社区妇联执委", pick=lambda i: i % 4 == 1
    ),
    Spec(VenueType.PARENT_SCHOOL, "{street}{community}家长学校", contact_post="家长学校校长", pick=lambda i: i == 0),
    Spec(
        VenueType.CARING_MOTHER_STATION, "{community}爱心妈妈驿站", contact_post="爱心妈妈队长", pick=lambda i: i == 0
    ),
]


def _org(code: str) -> Organisation | None:
    return Organisation.objects.filter(division_id=code).order_by("id").first()


def _ensure(counts: dict, *, type: str, name: str, code: str, **fields) -> None:
    _, created = Venue.objects.get_or_create(
        division_id=code,
        type=type,
        name=name,
        defaults={"organisation": _org(code), **fields},
    )
    counts["venues"] += created


def _ensure_all(counts: dict, specs: list[Spec], code: str, position: int, **names: str) -> None:
    for spec in specs:
        if spec.pick(position):
            _ensure(
                counts,
                type=spec.type,
                name=spec.name.format(**names),
                code=code,
                address=spec.address.format(**names),
                opening_hours=spec.opening_hours,
                contact_post=spec.contact_post,
            )


def demo_load() -> str:
    if not Division.objects.filter(code=FUTIAN).exists():
        return ""
    counts = {"venues": 0}
    district = Division.objects.get(code=FUTIAN)
    streets = list(Division.objects.filter(parent=district, special=False).order_by("code"))
    with transaction.atomic():
        _ensure_all(counts, DISTRICT_VENUES, FUTIAN, 0)
        for index, street in enumerate(streets):
            _ensure_all(counts, STREET_VENUES, street.code, index, street=street.name)
            communities = street.children.filter(special=False, level=Level.COMMUNITY).order_by("code")
            for position, community in enumerate(communities):
                _ensure_all(
                    counts, COMMUNITY_VENUES, community.code, position, street=street.name, community=community.name
                )
        for name, street_code, lon, lat, address, hours in NURSING_ROOMS:
            first_community = (
                Division.objects.filter(parent_id=street_code, special=False)
                .order_by("code")
                .values_list("code", flat=True)
            ).first()
            _ensure(
                counts,
                type=VenueType.NURSING_ROOM,
                name=name,
                code=first_community or street_code,
                address=address,
                longitude=Decimal(lon),
                latitude=Decimal(lat),
                opening_hours=hours,
                contact_post="场所管理方",
            )
    total = Venue.objects.filter(division__code__startswith=FUTIAN).count()
    return f"阵地 {total} 处（新增 {counts['venues']}），含舒心驿站、幸福港湾、家庭教育“1+10+92+N”网络和母婴室"
