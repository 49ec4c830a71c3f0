"""Venues over the API: the same scope, permissions and services as the pages."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from jiayuan.api.routing import operation
from jiayuan.core.pagination import paginate

from . import selectors, services

router = Router(tags=["阵地"])


class VenueOut(Schema):
    id: int
    type: str
    type_label: str
    name: str
    division_code: str
    division: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    opening_hours: str
    contact_post: str
    contact_phone: str
    organisation_id: int | None
    organisation: str
    area_m2: int | None
    opened_on: dt.date | None
    is_active: bool
    note: str
    version: int


class VenuePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[VenueOut]


class VenueIn(Schema):
    type: str
    name: str
    division_code: str
    address: str = ""
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    opening_hours: str = ""
    contact_post: str = ""
    contact_phone: str = ""
    organisation_id: int | None = None
    area_m2: int | None = None
    opened_on: dt.date | None = None
    is_active: bool = True
    note: str = ""


class VenuePatch(Schema):
    version: int
    type: str | None = None
    name: str | None = None
    division_code: str | None = None
    address: str | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    opening_hours: str | None = None
    contact_post: str | None = None
    contact_phone: str | None = None
    organisation_id: int | None = None
    area_m2: int | None = None
    opened_on: dt.date | None = None
    is_active: bool | None = None
    note: str | None = None


class PointOut(Schema):
    id: int
    name: str
    address: str
    opening_hours: str
    division: str
    longitude: float
    latitude: float


class CoverageOut(Schema):
    type: str
    label: str
    venues: int
    communities_covered: int
    communities: int
    community_rate: float
    streets_covered: int
    streets: int
    street_rate: float


def _out(v) -> dict:
    return {
        "id": v.pk,
        "type": v.type,
        "type_label": v.get_type_display(),
        "name": v.name,
        "division_code": v.division_id,
        "division": v.division.name,
        "address": v.address,
        "longitude": v.longitude,
        "latitude": v.latitude,
        "opening_hours": v.opening_hours,
        "contact_post": v.contact_post,
        "contact_phone": v.contact_phone,
        "organisation_id": v.organisation_id,
        "organisation": v.organisation.name if v.organisation_id else "",
        "area_m2": v.area_m2,
        "opened_on": v.opened_on,
        "is_active": v.is_active,
        "note": v.note,
        "version": v.version,
    }


@operation(router, "GET", "", perm="venues.list", response=VenuePageOut, summary="阵地列表")
def venue_list(request, type: str = "", division: str = "", active: str = "1", q: str = "", page: int = 1):
    filters = selectors.VenueFilters(type=type[:32], division=division[:12], active=active[:1], q=q[:50])
    result = paginate(selectors.venue_list(actor=request.actor, filters=filters), max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [_out(v) for v in result.object_list],
    }


@operation(router, "GET", "/points", perm="venues.list", response=list[PointOut], summary="有位置的阵地（地图用）")
def venue_points(request, type: str = "nursing_room"):
    return selectors.venue_points(actor=request.actor, type=type[:32])


@operation(router, "GET", "/coverage", perm="venues.stats", response=list[CoverageOut], summary="阵地覆盖率")
def venue_coverage(request, division: str = ""):
    return [
        {**row.__dict__, "community_rate": row.community_rate, "street_rate": row.street_rate}
        for row in selectors.venue_coverage(actor=request.actor, division=division[:12])
    ]


@operation(router, "GET", "/{int:venue_id}", perm="venues.view", response=VenueOut, summary="阵地详情")
def venue_detail(request, venue_id: int):
    return _out(selectors.venue_get(actor=request.actor, venue_id=venue_id))


@operation(router, "POST", "", perm="venues.edit", response={201: VenueOut}, summary="登记阵地")
def venue_create(request, payload: VenueIn):
    venue = services.venue_create(actor=request.actor, data=services.VenueInput(**payload.dict()))
    return Status(201, _out(selectors.venue_get(actor=request.actor, venue_id=venue.pk)))


@operation(router, "PATCH", "/{int:venue_id}", perm="venues.edit", response=VenueOut, summary="修改阵地")
def venue_update(request, venue_id: int, payload: VenuePatch):
    venue = selectors.venue_get(actor=request.actor, venue_id=venue_id, perm="venues.edit")
    data = services.venue_input_from(venue)
    for key, value in payload.dict(exclude_unset=True).items():
        if key != "version":
            setattr(data, key, value)
    services.venue_update(actor=request.actor, venue=venue, data=data, expected_version=payload.version)
    return _out(selectors.venue_get(actor=request.actor, venue_id=venue.pk))
