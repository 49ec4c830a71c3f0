"""Who sees which case: handlers, team members, mediators (assigned only), partner agencies (their
referrals only), restricted cases (team only) — in selectors, pages and the API (404 outside)."""

from __future__ import annotations

import pytest

from jiayuan.access import policy
from jiayuan.cases import selectors, services
from jiayuan.cases.models import CaseAction, CaseEvent, MoveKind, RiskAssessment
from tests.factories import actor_of, system_actor

from .conftest import ALL_NO, new_case


def visible(user) -> set[int]:
    return set(selectors.case_list(actor=actor_of(user)).values_list("pk", flat=True))


def pages(client, user, case) -> tuple[int, int]:
    client.force_login(user)
    return client.get(f"/cases/{case.pk}/").status_code, client.get(f"/api/cases/{case.pk}").status_code


@pytest.mark.django_db
def test_place_scope_handlers_and_mediators(world, client):
    a = new_case(world, division=world.c1)
    b = new_case(world, division=world.c2)
    c = new_case(world, division=world.c3)
    assert visible(world.worker) == {a.pk}
    assert visible(world.worker2) == {b.pk}
    assert visible(world.street) == {a.pk, b.pk}
    assert visible(world.district) >= {a.pk, b.pk, c.pk}
    assert visible(world.mediator) == set() and visible(world.police_user) == set()
    assert pages(client, world.worker, b) == (404, 404)
    assert pages(client, world.worker, a) == (200, 200)
    # a mediator reaches only the cases assigned to them
    services.case_assign(actor=actor_of(world.district), case=c, to_user=world.mediator)
    assert visible(world.mediator) == {c.pk}
    assert pages(client, world.mediator, c) == (200, 200)
    assert pages(client, world.mediator, a) == (404, 404)
    assert policy.allows(actor_of(world.mediator), "cases.handle", c)
    # reassigning takes the old handler's grant away
    services.case_assign(actor=actor_of(world.district), case=c, to_user=world.worker3)
    assert visible(world.mediator) == set()


@pytest.mark.django_db
def test_team_members_and_restricted_cases(world, client):
    secret = new_case(
        world, division=world.c1, restricted=True, categories=["sexual_assault"], account="她讲述了被侵害的经过。"
    )
    # the operator who registered it and the district rights staff (its team leads) keep access;
    # the community and the street do not
    assert secret.pk in visible(world.operator) and secret.pk in visible(world.district)
    assert pages(client, world.district, secret) == (200, 200)
    for user in (world.worker, world.street):
        assert secret.pk not in visible(user)
        assert pages(client, user, secret) == (404, 404)
    member = services.case_team_add(actor=actor_of(world.district), case=secret, user=world.worker2, role="member")
    assert secret.pk in visible(world.worker2)
    assert pages(client, world.worker2, secret) == (200, 200)
    # child records follow the case
    services.case_action_add(actor=actor_of(world.worker2), case=secret, kind="contact", note="已联系")
    assert CaseAction.objects.filter(case=secret).count() == 1
    assert policy.scoped(actor_of(world.worker2), "cases.view", CaseAction).count() == 1
    assert policy.scoped(actor_of(world.worker), "cases.view", CaseAction).count() == 0
    assert policy.scoped(actor_of(world.street), "cases.view", CaseEvent).filter(case=secret).count() == 0
    services.case_team_remove(actor=system_actor(), member=member)
    assert secret.pk not in visible(world.worker2)


@pytest.mark.django_db
def test_partner_agency_sees_only_its_referrals_and_highly_sensitive_text_is_masked(world, client):
    a = new_case(world, consent=True, categories=["sexual_assault"], account="详细经过")
    b = new_case(world, consent=True)
    services.case_move_create(
        actor=actor_of(world.worker), case=a, kind=MoveKind.REFER, reason="legal_action", to_agency=world.police
    )
    services.case_move_create(
        actor=actor_of(world.worker), case=b, kind=MoveKind.REFER, reason="legal_action", to_agency=world.court
    )
    assert visible(world.police_user) == {a.pk}
    assert visible(world.court_user) == {b.pk}
    assert policy.scoped(actor_of(world.police_user), "cases.view", RiskAssessment).count() == 0
    client.force_login(world.police_user)
    body = client.get(f"/cases/{a.pk}/").content.decode()
    assert "详细经过" not in body and "已隐藏" in body
    assert client.get(f"/api/cases/{a.pk}").json()["account"].startswith("〔已隐藏")
    # the community worker (not its handler) sees it masked; its assigned handler sees it in full
    assert not selectors.may_reveal(actor_of(world.worker), a)
    services.case_assign(actor=actor_of(world.street), case=a, to_user=world.worker)
    assert selectors.may_reveal(actor_of(world.worker), a)
    assert selectors.may_reveal(actor_of(world.street), a)
    client.force_login(world.worker)
    assert "详细经过" in client.get(f"/cases/{a.pk}/").content.decode()


@pytest.mark.django_db
def test_list_never_shows_what_cannot_be_opened(world):
    cases = [new_case(world, division=d) for d in (world.c1, world.c2, world.c3)]
    cases.append(new_case(world, restricted=True))
    services.risk_assess(actor=actor_of(world.district), case=cases[0], answers=ALL_NO)
    for user in (
        world.worker,
        world.worker2,
        world.street,
        world.district,
        world.mediator,
        world.police_user,
        world.operator,
    ):
        actor = actor_of(user)
        for case_id in selectors.case_list(actor=actor).values_list("pk", flat=True):
            assert selectors.access_case_by_id(actor, case_id).pk == case_id


@pytest.mark.django_db
def test_agency_sees_its_referral_not_the_notes_or_other_referrals(world, client):
    case = new_case(world, consent=True, account="当事人的原话")
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker)
    services.case_action_add(actor=actor_of(world.worker), case=case, kind="contact", note="内部工作记录")
    services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.REFER, reason="legal_action", to_agency=world.police
    )
    services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.REFER, reason="legal_action", to_agency=world.court
    )
    assert [m.to_agency_id for m in selectors.case_moves(actor=actor_of(world.police_user), case=case)] == [
        world.police.pk
    ]
    client.force_login(world.police_user)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "内部工作记录" not in body and "当事人的原话" not in body and world.court.name not in body
    client.force_login(world.worker)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "内部工作记录" in body and "当事人的原话" in body


@pytest.mark.django_db
def test_high_risk_board_equals_the_policy_filter(world):
    high = {**ALL_NO, "strangulation": "yes"}
    district = actor_of(world.district)
    cases = [new_case(world, division=d) for d in (world.c1, world.c2, world.c3)]
    cases.append(new_case(world, restricted=True, categories=["suicide_risk"]))
    cases.append(new_case(world, division=world.c3, categories=["suicide_risk"]))
    for case in cases[:3]:
        services.risk_assess(actor=district, case=case, answers=high)
    services.case_assign(actor=district, case=cases[2], to_user=world.mediator)
    services.case_team_add(actor=district, case=cases[3], user=world.worker2, role="member")
    for user in (world.worker, world.worker2, world.street, world.district, world.mediator, world.police_user):
        actor = actor_of(user)
        expected = {
            c.pk
            for c in selectors.case_list(actor=actor)
            if (c.risk_level in ("high", "extreme") or c.urgent) and c.status != "closed"
        }
        assert {c.pk for c in selectors.high_risk_board(actor=actor)} == expected, user
    assert cases[3].pk in {c.pk for c in selectors.high_risk_board(actor=actor_of(world.worker2))}
    assert cases[2].pk in {c.pk for c in selectors.high_risk_board(actor=actor_of(world.mediator))}
