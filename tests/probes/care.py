"""Probe hook (see tests/probes): the same care records, built through care's services, once inside the
probed community and once in a community of another district — a register entry with a plan and a ledger line,
a pairing with an unlinked helper (so a volunteer's `own` scope reaches neither) and a relief application."""

from __future__ import annotations

from tests.factories import system_actor


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from jiayuan.access.roles import Role
    from jiayuan.care import services
    from tests.factories import actor_of, make_person, make_user

    services.care_dictionaries_ensure()
    today = timezone.localdate()
    # The community's own worker does what needs an actor (plans, pairings, relief).
    worker = actor_of(make_user(Role.COMMUNITY_WORKER, community))
    child = make_person(
        community, name=f"探针{tag}儿童", id_number=None, birth=today.replace(year=today.year - 9, day=1)
    )
    entry = services.register_entry_create(
        actor=system_actor(),
        person=child,
        type_codes=["left_behind"],
        need_codes=["companionship"],
        note="探针情况说明",
    )
    services.plan_save(actor=worker, person=child, needs_found="探针需求", goals="探针目标", review_on=None)
    services.ledger_add(actor=system_actor(), person=child, kind="visit", on=today, content="探针走访")
    helper = services.helper_create(
        actor=system_actor(),
        person=make_person(community, name=f"探针{tag}妈妈"),
        skill_codes=["companionship"],
        capacity=2,
    )
    pairing = services.pairing_create(actor=worker, helper=helper, person=child, started_on=today - dt.timedelta(1))
    fund = services.fund_create(
        actor=system_actor(), name=f"探针救助金（{tag}）", division_code=community[:6], year=today.year, budget="10000"
    )
    relief = services.relief_apply(actor=worker, fund=fund, person=child, amount="500", reason="探针申请理由")
    return {"entry_id": entry.pk, "person_id": child.pk, "pairing_id": pairing.pk, "application_id": relief.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "care:entry_detail": pair("entry_id"),
        "care:plan": pair("person_id"),
        "care:ledger": pair("person_id"),
        "care:pairing_detail": pair("pairing_id"),
        "care:relief_detail": pair("application_id"),
        "GET /api/care/register/{entry_id}": pair("entry_id"),
        "GET /api/care/people/{person_id}/ledger": pair("person_id"),
        "GET /api/care/people/{person_id}/suggestions": pair("person_id"),
        "GET /api/care/pairings/{pairing_id}": pair("pairing_id"),
        "GET /api/care/relief/{application_id}": pair("application_id"),
    }
