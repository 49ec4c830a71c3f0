"""Screening over the API: campaign progress per community, hazards."""

import datetime as dt

from ninja import Router, Schema

from jiayuan.api.routing import operation

from . import selectors

router = Router(tags=["隐患排查"])


class ProgressOut(Schema):
    code: str
    name: str
    street: str
    visits: int
    hazards: int
    followed: int


class HazardOut(Schema):
    id: int
    campaign_id: int
    division_code: str
    level: str
    status: str
    items: list[str]
    visited_on: dt.date


@operation(router, "GET", "/campaigns/{int:campaign_id}/progress", perm="screening.view", response=list[ProgressOut])
def progress(request, campaign_id: int, division: str = ""):
    campaign = selectors.campaign_get(actor=request.actor, campaign_id=campaign_id)
    return [
        r.__dict__ for r in selectors.campaign_progress(actor=request.actor, campaign=campaign, prefix=division[:12])
    ]


@operation(router, "GET", "/hazards/{int:hazard_id}", perm="screening.view", response=HazardOut)
def hazard_detail(request, hazard_id: int):
    h = selectors.hazard_get(actor=request.actor, hazard_id=hazard_id)
    return {
        "id": h.pk,
        "campaign_id": h.campaign_id,
        "division_code": h.division_id,
        "level": h.level,
        "status": h.status,
        "items": h.items,
        "visited_on": h.visit.visited_on,
    }
