"""Reading the child-friendly city: scoped lists and records, community coverage per place and year, councils,
and the facility map's data (points from the venues register, outlines from the shipped district data)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.divisions.models import Division, Level, subtree_q

from .models import (
    ACCEPTED_COMMUNITY,
    ActionItem,
    Assessment,
    ChildrenCouncil,
    CouncilSession,
    Project,
    Proposal,
    Standard,
    StandardVersion,
)


@dataclass(frozen=True)
class ProjectFilters:
    type: str = ""
    level: str = ""
    status: str = ""
    year: int | None = None
    division: str = ""


def project_list(*, actor: Actor, filters: ProjectFilters | None = None, perm: str = "childfriendly.view"):
    f = filters or ProjectFilters()
    qs = policy.scoped(actor, perm, Project).select_related("division")
    if f.type:
        qs = qs.filter(type=f.type)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.division:
        qs = qs.filter(subtree_q(f.division[:12]))
    return qs.order_by("-year", "division_id", "name", "id")


def project_get(*, actor: Actor, project_id, perm: str = "childfriendly.view") -> Project:
    return policy.access_by_id(actor, perm, Project.objects.select_related("division"), project_id)


def project_assessments(*, actor: Actor, project: Project) -> QuerySet[Assessment]:
    return (
        policy.scoped(actor, "childfriendly.view", Assessment)
        .filter(project=project)
        .select_related("version__standard", "assessor")
    )


def assessment_get(*, actor: Actor, assessment_id) -> Assessment:
    return policy.access_by_id(
        actor, "childfriendly.view", Assessment.objects.select_related("project", "version__standard"), assessment_id
    )


def versions_for(project: Project) -> list[StandardVersion]:
    """Versions of the standards for the project's type, current first (retired ones shown for history)."""
    return list(
        StandardVersion.objects.filter(standard__project_type=project.type)
        .select_related("standard")
        .order_by("is_retired", "standard__code", "-number")
    )


def version_get(*, version_id) -> StandardVersion:
    found = StandardVersion.objects.select_related("standard").filter(pk=_int(version_id)).first()
    if found is None:
        raise NotFound("未找到该标准版本")
    return found


def standard_list() -> QuerySet[Standard]:
    return Standard.objects.prefetch_related("versions").order_by("code")


def standard_get(*, standard_id) -> Standard:
    found = Standard.objects.filter(pk=_int(standard_id)).first()
    if found is None:
        raise NotFound("未找到该标准")
    return found


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def council_list(*, actor: Actor) -> QuerySet[ChildrenCouncil]:
    return (
        policy.scoped(actor, "childfriendly.view", ChildrenCouncil)
        .select_related("division")
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("division_id")
    )


def council_get(*, actor: Actor, council_id, perm: str = "childfriendly.view") -> ChildrenCouncil:
    return policy.access_by_id(actor, perm, ChildrenCouncil.objects.select_related("division"), council_id)


def council_sessions(*, actor: Actor, council: ChildrenCouncil) -> list[CouncilSession]:
    return list(
        policy.scoped(actor, "childfriendly.view", CouncilSession).filter(council=council).prefetch_related("proposals")
    )


def session_get(*, actor: Actor, session_id, perm: str = "childfriendly.view") -> CouncilSession:
    return policy.access_by_id(actor, perm, CouncilSession.objects.select_related("council"), session_id)


def proposal_get(*, actor: Actor, proposal_id, perm: str = "childfriendly.view") -> Proposal:
    return policy.access_by_id(actor, perm, Proposal.objects.select_related("session__council"), proposal_id)


def action_list(*, actor: Actor, year: int | None = None) -> QuerySet[ActionItem]:
    qs = policy.scoped(actor, "childfriendly.view", ActionItem).select_related("division")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "division_id", "id")


# ---------------------------------------------------------------- coverage


def _communities(division: Division) -> QuerySet[Division]:
    return Division.objects.filter(subtree_q(division.prefix, "code"), level=Level.COMMUNITY, special=False)


def place_coverage(*, division: Division, year: int) -> dict:
    """Child-friendly communities of a place by the end of `year` (existing before it + new in it) over all its
    communities. An aggregate without personal data; a place without communities is refused."""
    total = _communities(division).count()
    if total == 0:
        raise ValidationFailed({"division": f"{division.name}没有下辖社区，无法计算儿童友好社区覆盖率。"})
    accepted = (
        Project.objects.filter(ACCEPTED_COMMUNITY, subtree_q(division.prefix), accepted_on__lte=dt.date(year, 12, 31))
        .filter(division__level=Level.COMMUNITY, division__special=False)
        .values("division_id")
        .annotate(first=models_min("accepted_on"))
    )
    firsts = [row["first"] for row in accepted]
    covered = len(firsts)
    new = sum(1 for day in firsts if day.year == year)
    return {
        "division": division.code,
        "name": division.name,
        "year": year,
        "communities": total,
        "existing": covered - new,
        "new": new,
        "covered": covered,
        "rate": (Decimal(100) * covered / total).quantize(Decimal("0.01")),
    }


def models_min(field: str):
    from django.db.models import Min

    return Min(field)


def place_council_coverage(*, division: Division, year: int) -> dict:
    total = _communities(division).count()
    if total == 0:
        raise ValidationFailed({"division": f"{division.name}没有下辖社区，无法计算覆盖率。"})
    covered = ChildrenCouncil.objects.filter(
        subtree_q(division.prefix), founded_on__lte=dt.date(year, 12, 31), division__special=False
    ).count()
    return {
        "communities": total,
        "covered": covered,
        "rate": (Decimal(100) * covered / total).quantize(Decimal("0.01")),
    }


def _reach(actor: Actor, code: str) -> Division:
    prefix = policy.reach(actor, "childfriendly.stats")
    division = Division.objects.filter(code=(code or "")[:12]).first()
    if prefix is None or division is None or not division.prefix.startswith(prefix):
        raise NotFound("未找到该区划")
    return division


def community_coverage(*, actor: Actor, division: str = "", year: int | None = None) -> dict:
    """Coverage of one place in the actor's reach (the whole reach when none is named; a place out of reach
    answers as missing)."""
    if not division:
        prefix = policy.reach(actor, "childfriendly.stats") or ""
        division = prefix + "00" if len(prefix) == 4 else prefix
    return place_coverage(division=_reach(actor, division), year=year or timezone.localdate().year)


def coverage_table(*, actor: Actor, division: str = "", years: list[int] | None = None) -> dict:
    """Coverage per place under the chosen one (the districts of the city, the streets of a district) and per
    year; the chosen place's own row first."""
    prefix = policy.reach(actor, "childfriendly.stats")
    if prefix is None:
        raise NotFound("未找到该区划")
    code = division or (prefix + "00" if len(prefix) == 4 else prefix)
    place = _reach(actor, code)
    this_year = timezone.localdate().year
    years = years or list(range(this_year - 3, this_year + 1))
    children = list(
        Division.objects.filter(parent=place, special=False).exclude(level=Level.COMMUNITY).order_by("code")
    )
    rows = []
    for d in [place, *children]:
        try:
            rows.append({"division": d, "years": [place_coverage(division=d, year=y) for y in years]})
        except ValidationFailed:
            rows.append({"division": d, "years": [], "empty": True})
    return {"place": place, "years": years, "rows": rows}


def project_counts(*, actor: Actor, division: str = "") -> dict:
    """Projects by type and status in reach (cumulative), for the 累计建成儿童友好项目 figure."""
    qs = project_list(actor=actor, perm="childfriendly.stats", filters=ProjectFilters(division=division))
    by = {(r["type"], r["status"]): r["n"] for r in qs.values("type", "status").annotate(n=Count("id")).order_by()}
    return {"by": by, "total": sum(by.values()), "accepted": sum(n for (t, s), n in by.items() if s == "accepted")}


# ---------------------------------------------------------------- the facility map


GEO_FILE = Path(settings.BASE_DIR) / "data" / "geo" / "shenzhen-districts.geojson"


@lru_cache(maxsize=1)
def _districts_geo() -> dict:
    return json.loads(GEO_FILE.read_text(encoding="utf-8"))


def district_outline(code: str) -> dict | None:
    """One district's outline as a GeoJSON FeatureCollection (GCJ-02, as shipped)."""
    for feature in _districts_geo()["features"]:
        if feature["properties"]["code"] == code:
            return {"type": "FeatureCollection", "features": [feature]}
    return None


def map_districts(*, actor: Actor) -> list[Division]:
    prefix = policy.reach(actor, "venues.list")
    if prefix is None:
        return []
    codes = {f["properties"]["code"] for f in _districts_geo()["features"]}
    qs = Division.objects.filter(code__in=codes).order_by("code")
    return [d for d in qs if d.code.startswith(prefix) or prefix.startswith(d.code)]


def facility_map(*, actor: Actor, district: str, type: str) -> dict:
    """The outline of a district and the facilities of one type in the actor's reach, placed on it.

    The venues register keeps WGS84 points and the outline is GCJ-02 (as published by its source), so every
    point is shifted to GCJ-02 before drawing."""
    from jiayuan.venues.selectors import VenueFilters, venue_list

    allowed = {d.code for d in map_districts(actor=actor)}
    outline = district_outline(district) if district in allowed else None
    if outline is None:
        raise NotFound("未找到该区划")
    venues = list(venue_list(actor=actor, filters=VenueFilters(type=type, division=district)))
    points, unplaced = [], []
    for v in venues:
        if v.longitude is None or v.latitude is None:
            unplaced.append(v)
            continue
        lng, lat = wgs84_to_gcj02(float(v.longitude), float(v.latitude))
        points.append({"name": v.name, "value": [round(lng, 6), round(lat, 6)], "address": v.address, "id": v.pk})
    return {
        "district": Division.objects.get(code=district),
        "outline": outline,
        "points": points,
        "venues": venues,
        "unplaced": unplaced,
    }


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """The published GCJ-02 offset (the public "eviltransform" formulas), applied inside mainland China."""
    import math

    a, ee = 6378245.0, 0.00669342162296594323

    def t_lat(x: float, y: float) -> float:
        r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
        r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
        return r

    def t_lng(x: float, y: float) -> float:
        r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
        r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
        return r

    if not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lng, lat
    d_lat = t_lat(lng - 105.0, lat - 35.0)
    d_lng = t_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((a * (1 - ee)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (a / sqrt_magic * math.cos(rad) * math.pi)
    return lng + d_lng, lat + d_lat


def projects_for_figures(*, actor: Actor, prefix: str, end: dt.date, community_only: bool = False):
    """Projects built (accepted) by the period's end in the place, as the reports count them."""
    qs = policy.scoped(actor, "childfriendly.view", Project.objects.filter(subtree_q(prefix)))
    qs = qs.filter(ACCEPTED_COMMUNITY if community_only else Q(status="accepted"), accepted_on__lte=end)
    if community_only:
        qs = qs.filter(division__level=Level.COMMUNITY, division__special=False)
    return qs


def communities_for_figures(*, prefix: str) -> QuerySet[Division]:
    """All communities of the place (the base of the coverage figures; divisions are open to all staff)."""
    return Division.objects.filter(subtree_q(prefix, "code"), level=Level.COMMUNITY, special=False)


def projects_first_day(prefix: str) -> dt.date | None:
    from django.db.models import Min

    first = Project.objects.filter(subtree_q(prefix)).aggregate(first=Min("created_at"))["first"]
    return first.date() if first else None
