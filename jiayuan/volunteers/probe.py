"""Probe hook (protocol in jiayuan/ops/probe.py): a volunteer with a team and a service record, inside the probed
community and in a community of another district (no account linked, so a volunteer's `own` scope reaches
neither)."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from jiayuan.core.testing.factories import make_person

    from . import services

    person = make_person(community, name=f"探针{tag}志愿者")
    volunteer = services.volunteer_register(actor=None, person=person, consent=True, availability="周末")
    team = services.team_create(
        actor=None, data=services.TeamInput(name=f"探针{tag}志愿服务队", type="general", division_code=community)
    )
    services.team_member_add(actor=None, team=team, person=person)
    record = services.service_record_create(
        actor=None,
        volunteer=volunteer,
        title="探针服务",
        started_at=timezone.now() - dt.timedelta(days=1),
        minutes=60,
        division_code=community,
    )
    return {"volunteer_id": volunteer.pk, "team_id": team.pk, "record_id": record.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.ops.probe import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "volunteers:detail": pair("volunteer_id"),
        "volunteers:certificate": pair("volunteer_id"),
        "volunteers:team_detail": pair("team_id"),
        "GET /api/volunteers/{volunteer_id}": pair("volunteer_id"),
        "GET /api/volunteers/{volunteer_id}/records": pair("volunteer_id"),
        "GET /api/volunteers/records/{record_id}": pair("record_id"),
        "GET /api/volunteers/teams/{team_id}/members": pair("team_id"),
    }
