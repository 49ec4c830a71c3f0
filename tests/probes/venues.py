"""Probe hook (see tests/probes): one venue inside the probed community, one in another district."""

from __future__ import annotations

from tests.factories import system_actor


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.venues.models import VenueType
    from jiayuan.venues.services import VenueInput, venue_create
    from tests.probes import outside_community

    def build(code: str, tag: str) -> int:
        venue = venue_create(
            actor=system_actor(),
            data=VenueInput(type=VenueType.COMFORT_STATION, name=f"探针{tag}舒心驿站", division_code=code),
        )
        return venue.pk

    inside = {"venue_id": build(scope_user_division, "内")}
    outside = {"venue_id": build(outside_community(scope_user_division), "外")}
    pair = {"in": inside, "out": outside}
    return {
        "venues:detail": pair,
        "venues:edit": pair,
        "GET /api/venues/{venue_id}": pair,
    }
