"""Moves: transfer changes the owner only on acceptance, referral never does, revoking takes access away,
consent is enforced unless overridden with a reason, an unanswered move escalates at its due time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from jiayuan.access import policy
from jiayuan.cases import selectors, services
from jiayuan.cases.models import Case, CaseEvent, EventKind, MoveKind, MoveStatus
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.notifications.models import Notification
from tests.factories import XIANGMIHU, actor_of, community_of

from .conftest import new_case


def can_see(user, case) -> bool:
    return policy.allows(actor_of(user), "cases.view", case)


@pytest.mark.django_db
def test_transfer_changes_owner_only_on_acceptance(world):
    case = new_case(world)
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker)
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.TRANSFER, reason="relocated", to_division_code=world.c2
    )
    case.refresh_from_db()
    assert case.division_id == world.c1 and move.status == MoveStatus.PENDING
    # the receiver sees the move in the inbox, not yet the case
    assert list(selectors.move_inbox(actor=actor_of(world.worker2))) == [move]
    assert not can_see(world.worker2, case)
    # the sender cannot answer its own move
    with pytest.raises(NotFound):
        services.case_move_answer(actor=actor_of(world.worker), move=move, accept=True)
    services.case_move_answer(actor=actor_of(world.worker2), move=move, accept=True, note="接收")
    case.refresh_from_db()
    assert case.division_id == world.c2 and case.handler_id is None
    assert can_see(world.worker2, case)
    # the worker who handed it over keeps reading it, no more
    assert can_see(world.worker, case) and not policy.allows(actor_of(world.worker), "cases.handle", case)
    assert not can_see(world.worker3, case)
    with pytest.raises(WorkflowError):
        services.case_move_answer(actor=actor_of(world.worker2), move=move, accept=False, note="再答一次")


@pytest.mark.django_db
def test_rejected_transfer_keeps_owner(world):
    case = new_case(world)
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.TRANSFER, reason="relocated", to_division_code=world.c2
    )
    with pytest.raises(ValidationFailed):
        services.case_move_answer(actor=actor_of(world.worker2), move=move, accept=False, note="")
    services.case_move_answer(actor=actor_of(world.worker2), move=move, accept=False, note="当事人不在本社区")
    case.refresh_from_db()
    assert case.division_id == world.c1


@pytest.mark.django_db
def test_referral_never_changes_owner_and_revoking_removes_agency_access(world, client):
    case = new_case(world, consent=True)
    other = new_case(world, consent=True)
    assert not can_see(world.police_user, case)
    move = services.case_move_create(
        actor=actor_of(world.worker),
        case=case,
        kind=MoveKind.REFER,
        reason="legal_action",
        to_agency=world.police,
        note="申请告诫书",
    )
    assert can_see(world.police_user, case) and not can_see(world.court_user, case)
    assert not can_see(world.police_user, other)
    client.force_login(world.police_user)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    services.case_move_answer(actor=actor_of(world.police_user), move=move, accept=True, note="已受理")
    services.case_referral_reply(actor=actor_of(world.police_user), move=move, answer="已出具告诫书")
    move.refresh_from_db()
    case.refresh_from_db()
    assert move.status == MoveStatus.DONE and case.division_id == world.c1
    # the agency cannot act on the case beyond its referral
    assert not policy.allows(actor_of(world.police_user), "cases.handle", case)
    services.case_move_revoke(actor=actor_of(world.worker), move=move, reason="当事人撤回同意")
    assert not can_see(world.police_user, case)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/cases/{case.pk}").status_code == 404


@pytest.mark.django_db
def test_consent_is_enforced_unless_overridden_with_a_reason(world):
    case = new_case(world, consent=False)
    worker, street = actor_of(world.worker), actor_of(world.street)
    with pytest.raises(ValidationFailed) as exc:
        services.case_move_create(
            actor=worker, case=case, kind=MoveKind.REFER, reason="legal_action", to_agency=world.police
        )
    assert "同意" in exc.value.message
    with pytest.raises(ValidationFailed):  # no override right
        services.case_move_create(
            actor=worker,
            case=case,
            kind=MoveKind.REFER,
            reason="legal_action",
            to_agency=world.police,
            consent_override_reason="情况紧急，当事人有生命危险需要报警",
        )
    with pytest.raises(ValidationFailed):  # reason too short
        services.case_move_create(
            actor=street,
            case=case,
            kind=MoveKind.REFER,
            reason="legal_action",
            to_agency=world.police,
            consent_override_reason="紧急",
        )
    move = services.case_move_create(
        actor=street,
        case=case,
        kind=MoveKind.REFER,
        reason="legal_action",
        to_agency=world.police,
        consent_override_reason="当事人有生命危险，须立即报警处置",
    )
    assert move.consent_override_reason.startswith("当事人有生命危险")
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE, title__contains="未经当事人同意").exists()
    # a transfer inside the district needs no consent; to another district it does
    services.case_move_revoke(actor=street, move=move, reason="改为当面处理")
    inside = services.case_move_create(
        actor=worker, case=case, kind=MoveKind.TRANSFER, reason="relocated", to_division_code=world.c3
    )
    assert inside.status == MoveStatus.PENDING
    services.case_move_revoke(actor=worker, move=inside, reason="撤回")
    nanshan = community_of("440305001")
    with pytest.raises(ValidationFailed):
        services.case_move_create(
            actor=actor_of(world.district),
            case=case,
            kind=MoveKind.TRANSFER,
            reason="relocated",
            to_division_code=nanshan,
        )


@pytest.mark.django_db
def test_unanswered_move_escalates_at_due_time(world):
    from jiayuan.access.roles import Role
    from tests.factories import make_user

    make_user(Role.DISTRICT_RIGHTS, "440304", display_name="区维权部二")
    case = new_case(world)
    start = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.ESCALATE, reason="complexity", now=start
    )
    move.refresh_from_db()
    assert move.answer_division_id == XIANGMIHU
    due = move.due_at
    assert services.moves_sweep(now=due - dt.timedelta(minutes=1)) == 0
    before = Notification.objects.filter(user=world.district).count()
    assert services.moves_sweep(now=due + dt.timedelta(minutes=1)) == 1
    move.refresh_from_db()
    assert move.status == MoveStatus.PENDING and move.escalation_count == 1 and move.answer_division_id == "440304"
    assert Notification.objects.filter(user=world.district).count() > before
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ALERT).exists()
    # the district may now answer it; sweeping again before the new due time does nothing
    assert move in list(selectors.move_inbox(actor=actor_of(world.district)))
    assert services.moves_sweep(now=due + dt.timedelta(minutes=2)) == 0
    services.case_move_answer(actor=actor_of(world.district), move=move, accept=True)
    case.refresh_from_db()
    assert case.division_id == XIANGMIHU  # the level above accepted on the street's behalf


@pytest.mark.django_db
def test_sweep_runs_as_task_and_command(world):
    from jiayuan.cases.tasks import cases_sweep_task

    case = new_case(world)
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.ESCALATE, reason="complexity"
    )
    Case.objects.filter(pk=case.pk)  # untouched
    result = cases_sweep_task.enqueue()
    assert result.return_value == {"moves": 0, "deadlines": 0, "tasks": 0}
    move.refresh_from_db()
    call_command("cases_sweep", "--now", (move.due_at + dt.timedelta(hours=1)).isoformat())
    move.refresh_from_db()
    assert move.escalation_count == 1
