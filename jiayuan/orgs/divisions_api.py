"""Divisions over the API (`/api/divisions`): the tree by parent, one division by code. Served by the orgs app,
which sits above the API routing (the division tree itself imports nothing above the framework)."""

from ninja import Router, Schema

from jiayuan.api.routing import operation
from jiayuan.divisions.models import Division
from jiayuan.divisions.selectors import division_children, division_get

router = Router(tags=["行政区划"])


class DivisionOut(Schema):
    code: str
    name: str
    official_name: str
    level: str
    parent_code: str | None


def _out(d: Division) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "official_name": d.official_name,
        "level": d.level,
        "parent_code": d.parent_id,
    }


@operation(router, "GET", "", perm="divisions.view", response=list[DivisionOut])
def division_list(request, parent: str = ""):
    """Children of `parent` (the cities when empty)."""
    parent_division = division_get(parent) if parent else None
    return [_out(d) for d in division_children(parent_division, include_special=True)]


@operation(router, "GET", "/{code}", perm="divisions.view", response=DivisionOut)
def division_detail(request, code: str):
    return _out(division_get(code[:12]))
