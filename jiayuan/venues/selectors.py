"""Reads for venues, always scoped to the actor: lists, one venue, map points and coverage per place."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.codes import district_of
from jiayuan.divisions.models import Division, Level, subtree_q
from jiayuan.orgs.models import Organisation

from .models import Venue, VenueType


@dataclass
class VenueFilters:
    type: str = ""
    division: str = ""  # a code prefix inside the actor's scope
    active: str = "1"  # "1" in use, "0" closed, "" all
    q: str = ""


def venue_list(*, actor: Actor, filters: VenueFilters | None = None, perm: str = "venues.list") -> QuerySet[Venue]:
    f = filters or VenueFilters()
    qs = policy.scoped(actor, perm, Venue)
    if f.type:
        qs = qs.filter(type=f.type)
    if f.division:
        qs = qs.filter(subtree_q(f.division, "division"))
    if f.active in ("1", "0"):
        qs = qs.filter(is_active=f.active == "1")
    if f.q:
        qs = qs.filter(name__icontains=f.q[:50])
    return qs.select_related("division", "organisation").order_by("division_id", "type", "name", "id")


def venue_get(*, actor: Actor, venue_id, perm: str = "venues.view") -> Venue:
    return policy.access_by_id(actor, perm, Venue.objects.select_related("division", "organisation"), venue_id)


def venue_points(*, actor: Actor, type: str = VenueType.NURSING_ROOM, perm: str = "venues.list") -> list[dict]:
    """Venues of one type that have a location, for a map (WGS84 degrees as floats)."""
    qs = venue_list(actor=actor, filters=VenueFilters(type=type), perm=perm).filter(
        longitude__isnull=False, latitude__isnull=False
    )
    return [
        {
            "id": v.pk,
            "name": v.name,
            "address": v.address,
            "opening_hours": v.opening_hours,
            "division": v.division.name,
            "longitude": float(v.longitude),
            "latitude": float(v.latitude),
        }
        for v in qs
        if v.longitude is not None and v.latitude is not None
    ]


@dataclass
class CoverageRow:
    type: str
    label: str
    venues: int
    communities_covered: int
    communities: int
    streets_covered: int
    streets: int

    @property
    def community_rate(self) -> float:
        return round(100 * self.communities_covered / self.communities, 1) if self.communities else 0.0

    @property
    def street_rate(self) -> float:
        return round(100 * self.streets_covered / self.streets, 1) if self.streets else 0.0


def coverage_prefix(*, actor: Actor, division: str = "", perm: str = "venues.stats") -> str | None:
    """The place a coverage figure is read for: the chosen division if inside the actor's scope, else the
    actor's whole scope; None when the actor reaches no place."""
    prefix = policy.reach(actor, perm)
    if prefix is None:
        return None
    if division and division.startswith(prefix):
        found = Division.objects.filter(code=division).only("prefix").first()
        if found is not None:
            return found.prefix
    return prefix


def venue_coverage(*, actor: Actor, division: str = "", types=None, perm: str = "venues.stats") -> list[CoverageRow]:
    """Per venue type: communities with at least one venue in use of that type, over all communities of the
    place (e.g. "92 个社区舒心驿站全覆盖"); the same for streets (a venue in a street or one of its communities)."""
    prefix = coverage_prefix(actor=actor, division=division, perm=perm)
    if prefix is None:
        return []
    places = Division.objects.filter(subtree_q(prefix, "code"), special=False)
    communities = places.filter(level=Level.COMMUNITY).count()
    streets = places.filter(level=Level.STREET).count()
    venues = policy.scoped(actor, perm, Venue).filter(subtree_q(prefix, "division"), is_active=True)
    totals = dict(venues.values_list("type").annotate(n=Count("id")).values_list("type", "n"))
    by_community = dict(
        venues.filter(division__level=Level.COMMUNITY, division__special=False)
        .values("type")
        .annotate(n=Count("division", distinct=True))
        .values_list("type", "n")
    )
    by_street = dict(
        venues.filter(division__level__in=[Level.STREET, Level.COMMUNITY], division__special=False)
        .annotate(street=Substr("division_id", 1, 9))
        .values("type")
        .annotate(n=Count("street", distinct=True))
        .values_list("type", "n")
    )
    wanted = list(types) if types else list(VenueType.values)
    return [
        CoverageRow(
            type=code,
            label=VenueType(code).label,
            venues=totals.get(code, 0),
            communities_covered=by_community.get(code, 0),
            communities=communities,
            streets_covered=by_street.get(code, 0),
            streets=streets,
        )
        for code in wanted
    ]


def organisation_choices(*, actor: Actor, perm: str = "venues.edit") -> QuerySet[Organisation]:
    """Organisations that may run a venue in the actor's district(s)."""
    prefix = policy.reach(actor, perm)
    if prefix is None:
        return Organisation.objects.none()
    district = district_of(prefix)
    return Organisation.objects.filter(subtree_q(district, "division"), is_active=True).order_by("division_id", "name")


def place_choices(*, actor: Actor, perm: str = "venues.edit") -> QuerySet[Division]:
    """The district, streets and communities an actor may put a venue in."""
    prefix = policy.reach(actor, perm)
    if prefix is None:
        return Division.objects.none()
    return Division.objects.filter(
        subtree_q(prefix, "code"), special=False, level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY]
    ).order_by("code")
