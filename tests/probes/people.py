"""Probe hook (see tests/probes): one person inside the probed community, one in another district."""

from __future__ import annotations


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.factories import make_person
    from tests.probes import outside_community

    inside = make_person(scope_user_division, name="探针内", phone="13800138000")
    outside = make_person(outside_community(scope_user_division), name="探针外", phone="13900139000")
    pair = {"in": {"person_id": inside.pk}, "out": {"person_id": outside.pk}}
    routes = {name: dict(pair) for name in ("people:detail", "people:edit", "people:history", "people:viewers")}
    routes["GET /api/people/{person_id}"] = dict(pair)
    return routes
