"""Probe hook (protocol in jiayuan/ops/probe.py): one venue inside the probed community, one in another district."""

from __future__ import annotations


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.ops.probe import outside_community

    from .models import VenueType
    from .services import VenueInput, venue_create

    def build(code: str, tag: str) -> int:
        venue = venue_create(
            actor=None,
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
