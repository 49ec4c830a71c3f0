"""Writes for venues: create, edit (against the version read), close and reopen."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed
from jiayuan.divisions.codes import district_of
from jiayuan.divisions.models import Division, Level
from jiayuan.orgs.models import Organisation

from .models import Venue, VenueType

PLACE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


@dataclass
class VenueInput:
    type: str = ""
    name: str = ""
    division_code: str = ""
    address: str = ""
    longitude: object = None
    latitude: object = None
    opening_hours: str = ""
    contact_post: str = ""
    contact_phone: str = ""
    organisation_id: object = None
    area_m2: object = None
    opened_on: object = None
    is_active: bool = True
    note: str = ""


def place_allowed(actor: Actor, perm: str, code: str) -> bool:
    """Whether `code` lies within one of the actor's scopes for `perm` (the system may write anywhere)."""
    return actor.is_system or policy.covers(actor, perm, code)


def _decimal(value: object, *, field: str, low: Decimal, high: Decimal, label: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip()).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[field] = f"{label}应为数字（度），如 114.055123。"
        return None
    if not low <= number <= high:
        errors[field] = f"{label}超出范围（{low} 至 {high}）。"
        return None
    return number


def _clean(data: VenueInput, *, actor: Actor, keep_division: str = "") -> dict:
    errors: dict[str, str] = {}
    if data.type not in VenueType.values:
        errors["type"] = "请选择阵地类型。"
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写阵地名称。"
    elif len(name) > 100:
        errors["name"] = "阵地名称不能超过 100 个字。"
    code = (data.division_code or "").strip()
    division = Division.objects.filter(code=code).first() if code else None
    if division is None or division.level not in PLACE_LEVELS:
        errors["division_code"] = "请选择阵地所在的区、街道或社区。"
    elif code != keep_division and not place_allowed(actor, "venues.edit", code):
        errors["division_code"] = "所选区划不在您的管辖范围内。"
    # China lies within these bounds; a swapped pair (纬度 in 经度) is the usual mistake.
    longitude = _decimal(
        data.longitude, field="longitude", low=Decimal("73"), high=Decimal("136"), label="经度", errors=errors
    )
    latitude = _decimal(
        data.latitude, field="latitude", low=Decimal("3"), high=Decimal("54"), label="纬度", errors=errors
    )
    if (longitude is None) != (latitude is None) and "longitude" not in errors and "latitude" not in errors:
        errors["longitude"] = "经度和纬度须同时填写，或同时留空。"
    organisation = None
    if data.organisation_id not in (None, ""):
        organisation = Organisation.objects.filter(pk=str(data.organisation_id).strip() or 0).first()
        if organisation is None or (
            division is not None and not code.startswith(district_of(organisation.division_id))
        ):
            errors["organisation"] = "运营组织不存在或不在该区。"
    area = None
    if data.area_m2 not in (None, ""):
        try:
            area = int(str(data.area_m2).strip())
            if not 0 < area <= 100000:
                raise ValueError
        except ValueError:
            errors["area_m2"] = "面积应为 1 至 100000 之间的整数（平方米）。"
    for key, limit, label in (
        ("address", 200, "地址"),
        ("opening_hours", 100, "开放时间"),
        ("contact_post", 64, "联系岗位"),
        ("contact_phone", 32, "联系电话"),
        ("note", 500, "备注"),
    ):
        if len((getattr(data, key) or "").strip()) > limit:
            errors[key] = f"{label}不能超过 {limit} 个字。"
    if errors:
        raise ValidationFailed(errors)
    return {
        "type": data.type,
        "name": name,
        "division": division,
        "address": (data.address or "").strip(),
        "longitude": longitude,
        "latitude": latitude,
        "opening_hours": (data.opening_hours or "").strip(),
        "contact_post": (data.contact_post or "").strip(),
        "contact_phone": (data.contact_phone or "").strip(),
        "organisation": organisation,
        "area_m2": area,
        "opened_on": data.opened_on or None,
        "is_active": bool(data.is_active),
        "note": (data.note or "").strip(),
    }


_DUPLICATE = "该区划下已有同类型、同名称的阵地。"


def venue_create(*, actor: Actor, data: VenueInput) -> Venue:
    values = _clean(data, actor=actor)
    try:
        with transaction.atomic():
            return Venue.objects.create(**values)
    except IntegrityError:
        raise ValidationFailed({"name": _DUPLICATE}) from None


def venue_update(*, actor: Actor, venue: Venue, data: VenueInput, expected_version: int) -> Venue:
    """Edit a venue the actor may edit (the caller loaded it in scope); a stale version is refused."""
    values = _clean(data, actor=actor, keep_division=venue.division_id)
    for key, value in values.items():
        setattr(venue, key, value)
    try:
        with transaction.atomic():
            venue.save_versioned(expected_version=expected_version)
    except IntegrityError:
        raise ValidationFailed({"name": _DUPLICATE}) from None
    return venue


def venue_input_from(venue: Venue) -> VenueInput:
    """A venue's current values as input (for forms and partial API updates)."""
    data = VenueInput()
    for f in fields(VenueInput):
        if f.name == "division_code":
            data.division_code = venue.division_id
        elif f.name == "organisation_id":
            data.organisation_id = venue.organisation_id
        else:
            setattr(data, f.name, getattr(venue, f.name))
    return data


def venue_bulk_create(*, actor: Actor, rows: list[VenueInput]) -> int:
    """Many venues at once (the Excel importer), each with the rules of `venue_create`, all or nothing."""
    with transaction.atomic():
        for data in rows:
            venue_create(actor=actor, data=data)
    return len(rows)
