"""Probe hook (see tests/probes): a volunteer with a team and a service record, inside the probed
community and in a community of another district (no account linked, so a volunteer's `own` scope reaches
neither)."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from jiayuan.volunteers import services
    from tests.factories import make_person, system_actor

    person = make_person(community, name=f"探针{tag}志愿者")
    volunteer = services.volunteer_register(actor=system_actor(), person=person, consent=True, availability="周末")
    team = services.team_create(
        actor=system_actor(),
        data=services.TeamInput(name=f"探针{tag}志愿服务队", type="general", division_code=community),
    )
    services.team_member_add(actor=system_actor(), team=team, person=person)
    record = services.service_record_create(
        actor=system_actor(),
        volunteer=volunteer,
        title="探针服务",
        started_at=timezone.now() - dt.timedelta(days=1),
        minutes=60,
        division_code=community,
    )
    return {"volunteer_id": volunteer.pk, "team_id": team.pk, "record_id": record.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "volunteers:detail": pair("volunteer_id"),
        "volunteers:certificate": pair("volunteer_id"),
        "volunteers:edit": pair("volunteer_id"),
        "volunteers:team_detail": pair("team_id"),
        "GET /api/volunteers/{volunteer_id}": pair("volunteer_id"),
        "GET /api/volunteers/{volunteer_id}/records": pair("volunteer_id"),
        "GET /api/volunteers/records/{record_id}": pair("record_id"),
        "GET /api/volunteers/teams/{team_id}/members": pair("team_id"),
    }
