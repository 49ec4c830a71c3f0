"""Probe hook (see tests/probes): one organisation in the probed community, one in another district,
each with a committee, a seat, a duty record and a training of its place."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from jiayuan.access.roles import Role
    from jiayuan.orgs.building import services
    from jiayuan.orgs.models import Organisation, OrgKind
    from tests.factories import actor_of, make_person, make_user

    org = Organisation.objects.create(name=f"探针社区妇联（{tag}）", kind=OrgKind.COMMUNITY, division_id=community)
    street = actor_of(make_user(Role.STREET_STAFF, community[:9]))
    committee = services.committee_elect(actor=street, organisation=org, elected_on=dt.date(2024, 6, 1))
    member = services.seat_add(
        actor=street, committee=committee, person_id=make_person(community, name=f"探针{tag}主席").pk, post="chair"
    )
    duty = services.duty_record(actor=street, member=member, kind="visit", on=dt.date(2025, 3, 1), content="走访")
    training = services.training_create(
        actor=street,
        title=f"探针培训{tag}",
        division_code=community,
        held_on=dt.date(2025, 3, 2),
        hours=2,
        audience="chairs",
        member_ids=[member.pk],
    )
    return {"org_id": org.pk, "duty_id": duty.pk, "training_id": training.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "orgs:edit": pair("org_id"),
        "orgs:building_org": pair("org_id"),
        "orgs:training": pair("training_id"),
        "GET /api/orgs/organisations/{org_id}": pair("org_id"),
        "GET /api/orgs/duties/{duty_id}": pair("duty_id"),
    }
