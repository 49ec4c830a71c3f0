"""Probe hook (see tests/probes): a campaign organised at (and covering only) the probed community, with a
visit that found a hazard, and the same in a community of another district. A campaign organised higher up is
visible wherever it covers, so the probe's campaigns are organised at the community itself."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    from django.utils import timezone

    from jiayuan.access.roles import Role
    from jiayuan.screening import services
    from tests.factories import actor_of, make_person, make_user

    today = timezone.localdate()
    staff = actor_of(make_user(Role.STREET_STAFF, community[:9]))  # may manage and visit under its street
    campaign = services.campaign_create(
        actor=staff,
        name=f"探针排查（{tag}）",
        division_code=community,
        covered_codes=[community],
        starts_on=today.replace(day=1),
        ends_on=today,
    )
    visit = services.visit_record(
        actor=staff,
        campaign=campaign,
        division_code=community,
        visited_on=today,
        answers={"violence_signs": True},
        people=[make_person(community)],
        hazard_level="high",
        findings="探针发现情况",
    )
    return {"campaign_id": campaign.pk, "hazard_id": visit.hazard.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "screening:campaign_detail": pair("campaign_id"),
        "screening:hazard_detail": pair("hazard_id"),
        "GET /api/screening/hazards/{hazard_id}": pair("hazard_id"),
        "GET /api/screening/campaigns/{campaign_id}/progress": pair("campaign_id"),
    }
