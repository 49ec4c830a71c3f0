"""Probe hook (see tests/probes): an honour, a nomination and an objection inside the probed community
and in a community of another district, made through the services by each place's own staff."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from jiayuan.access.roles import Role
    from jiayuan.honours import services
    from jiayuan.honours.models import AwardLevel, HolderType, HonourKind
    from tests.factories import actor_of, make_person, make_user

    services.honour_kinds_ensure()
    worker = actor_of(make_user(Role.COMMUNITY_WORKER, community))
    street = actor_of(make_user(Role.STREET_STAFF, community[:9]))
    district = actor_of(make_user(Role.DISTRICT_RIGHTS, community[:6]))
    person = make_person(community, name=f"探针{tag}获奖人")
    kind = HonourKind.objects.get(code="sanba_hongqishou")
    honour = services.honour_record(
        actor=district,
        kind_id=kind.pk,
        level=AwardLevel.DISTRICT,
        year=2024,
        holder_type=HolderType.PERSON,
        holder_id=person.pk,
    )
    nominee = make_person(community, name=f"探针{tag}被推荐人")
    nomination = services.nomination_create(
        actor=worker,
        kind_id=kind.pk,
        level=AwardLevel.STREET,
        year=2025,
        holder_type=HolderType.PERSON,
        holder_id=nominee.pk,
        reason="探针事迹",
    )
    today = timezone.localdate()
    services.nomination_notice_open(
        actor=street,
        nomination=nomination,
        start=today,
        end=today + dt.timedelta(days=6),
        expected_version=nomination.version,
    )
    objection = services.objection_record(actor=street, nomination=nomination, received_on=today, content="探针异议")
    return {
        "honour_id": honour.pk,
        "nomination_id": nomination.pk,
        "objection_id": objection.pk,
        "person_id": person.pk,
    }


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str, **extra) -> dict:
        return {"in": {key: inside[key], **extra}, "out": {key: outside[key], **extra}}

    holder_in = {"holder_type": "person", "holder_id": inside["person_id"]}
    holder_out = {"holder_type": "person", "holder_id": outside["person_id"]}
    return {
        "honours:detail": pair("honour_id"),
        "honours:nomination_detail": pair("nomination_id"),
        "honours:holder": {"in": holder_in, "out": holder_out},
        "GET /api/honours/honours/{honour_id}": pair("honour_id"),
        "GET /api/honours/nominations/{nomination_id}": pair("nomination_id"),
    }
