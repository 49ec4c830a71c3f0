"""The state machine: every allowed transition works, every other is refused with a Chinese message."""

from __future__ import annotations

import pytest

from jiayuan.cases import services
from jiayuan.cases.models import Case, CaseEvent, ClosureApproval, EventKind, Status
from jiayuan.core.errors import ValidationFailed, WorkflowError
from tests.factories import actor_of, make_user

from .conftest import ALL_NO, new_case

ALLOWED = {
    "start": {Status.ASSIGNED, Status.REOPENED},
    "follow_up": {Status.IN_PROGRESS},
    "close": {Status.IN_PROGRESS, Status.FOLLOW_UP},
    "reopen": {Status.CLOSED},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_every_transition_from_every_state(world, name):
    district = actor_of(world.district)
    for state in Status.values:
        case = new_case(world)
        Case.objects.filter(pk=case.pk).update(status=state)
        case.refresh_from_db()
        if state in ALLOWED[name]:
            services.case_transition(actor=district, case=case, name=name, note="理由说明", outcome="resolved")
            case.refresh_from_db()
            assert case.status == services.TRANSITIONS[name].target
            last = CaseEvent.objects.filter(case=case).order_by("-id").first()
            assert last.kind == EventKind.TRANSITION and last.actor_id == world.district.pk
            assert last.data["from"] == state and last.note.endswith("理由说明")
        else:
            with pytest.raises(WorkflowError) as exc:
                services.case_transition(actor=district, case=case, name=name, note="理由说明", outcome="resolved")
            assert "不能" in exc.value.message
            case.refresh_from_db()
            assert case.status == state


@pytest.mark.django_db
def test_assess_and_assign_transitions_and_refusals(world):
    district = actor_of(world.district)
    case = new_case(world)
    services.risk_assess(actor=district, case=case, answers=ALL_NO)
    case.refresh_from_db()
    assert case.status == Status.ASSESSED
    services.case_assign(actor=district, case=case, to_user=world.worker)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.handler_id == world.worker.pk
    # reassessment keeps the status and every earlier assessment
    services.risk_assess(actor=district, case=case, answers=ALL_NO)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.assessments.count() == 2
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    case.refresh_from_db()
    with pytest.raises(WorkflowError):
        services.risk_assess(actor=district, case=case, answers=ALL_NO)
    with pytest.raises(WorkflowError):
        services.case_assign(actor=district, case=case, to_user=world.worker2)
    with pytest.raises(WorkflowError):
        services.case_transition(actor=district, case=case, name="no_such_step")


@pytest.mark.django_db
def test_full_path_records_every_step(world):
    district = actor_of(world.district)
    case = new_case(world, categories=["domestic_violence"])
    services.risk_assess(actor=district, case=case, answers=ALL_NO)
    services.case_assign(actor=district, case=case, to_user=world.worker)
    worker = actor_of(world.worker)
    case.refresh_from_db()
    services.case_transition(actor=worker, case=case, name="start", note="电话联系当事人")
    services.case_action_add(
        actor=worker,
        case=case,
        kind="mediation",
        success=True,
        note="双方达成协议",
        data={"participants": "双方及社工"},
    )
    services.case_transition(actor=worker, case=case, name="follow_up")
    # domestic violence: closure needs a follow-up visit first
    with pytest.raises(WorkflowError) as exc:
        services.case_transition(actor=worker, case=case, name="close", outcome="mediated")
    assert "回访" in exc.value.message
    services.case_action_add(actor=worker, case=case, kind="follow_up", satisfaction=5, note="生活恢复平静")
    with pytest.raises(ValidationFailed):
        services.case_transition(actor=worker, case=case, name="close", outcome="")
    services.case_transition(actor=worker, case=case, name="close", outcome="mediated")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == "mediated" and case.followup_due is not None
    kinds = list(case.events.order_by("id").values_list("kind", flat=True))
    assert kinds[0] == EventKind.CREATED and kinds.count(EventKind.TRANSITION) >= 5
    # a post-closure follow-up clears the follow-up deadline
    services.case_action_add(actor=worker, case=case, kind="follow_up", satisfaction=4, note="三十日回访")
    case.refresh_from_db()
    assert case.followup_due is None and case.next_due_at is None
    with pytest.raises(WorkflowError):
        services.case_action_add(actor=worker, case=case, kind="counselling", note="x")
    # reopening needs a supervisor and a reason
    from jiayuan.core.errors import NotFound

    with pytest.raises(NotFound):
        services.case_transition(actor=worker, case=case, name="reopen", note="当事人再次求助")
    with pytest.raises(ValidationFailed):
        services.case_transition(actor=actor_of(world.street), case=case, name="reopen", note="")
    services.case_transition(actor=actor_of(world.street), case=case, name="reopen", note="当事人再次求助")
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.outcome == ""


@pytest.mark.django_db
def test_closing_a_high_risk_case_needs_the_level_above(world):

    district = actor_of(world.district)
    case = new_case(world, categories=["domestic_violence"])
    services.risk_assess(actor=district, case=case, answers={**ALL_NO, "strangulation": "yes"})
    services.case_assign(actor=district, case=case, to_user=world.worker)
    worker = actor_of(world.worker)
    case.refresh_from_db()
    services.case_transition(actor=worker, case=case, name="start")
    services.case_action_add(actor=worker, case=case, kind="follow_up", satisfaction=4, note="回访")
    services.case_transition(actor=worker, case=case, name="close", outcome="resolved", note="已妥善安置")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.closure_pending
    approval = ClosureApproval.objects.get(case=case)
    assert approval.approver_division_id == case.division_id[:9]
    with pytest.raises(WorkflowError):
        services.case_transition(actor=worker, case=case, name="follow_up")
    # the requester's own level cannot approve; the street above can
    assert not services.may_decide(worker, approval)
    services.closure_decide(
        actor=actor_of(world.street), approval=approval, decision="return", comment="请补充安全计划"
    )
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.closure_pending
    services.case_transition(actor=worker, case=case, name="close", outcome="resolved")
    approval = ClosureApproval.objects.filter(case=case).order_by("-id").first()
    services.closure_decide(actor=actor_of(world.street), approval=approval, decision="approve")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == "resolved"


@pytest.mark.django_db
def test_closure_approval_through_the_shared_engine_can_be_rejected(world, client):
    from jiayuan.workflows.models import ApprovalRequest, ApprovalStatus

    district = actor_of(world.district)
    case = new_case(world, categories=["suicide_risk"], account="说过不想活了")
    assert case.is_high_risk
    services.case_assign(actor=district, case=case, to_user=world.worker)
    case.refresh_from_db()
    services.case_transition(actor=actor_of(world.worker), case=case, name="start")
    services.case_action_add(actor=actor_of(world.worker), case=case, kind="follow_up", satisfaction=3, note="回访")
    services.case_transition(actor=actor_of(world.street), case=case, name="close", outcome="resolved")
    record = services.pending_closure(case)
    engine = ApprovalRequest.objects.get(pk=record.approval_id)
    assert engine.kind == services.KIND and engine.current_division_id == case.division_id[:9]
    with pytest.raises(WorkflowError):  # the requester cannot approve their own request
        services.closure_decide(actor=actor_of(world.street), approval=record, decision="approve")
    with pytest.raises(WorkflowError):  # the district is not the approving level for a community's case
        services.closure_decide(actor=district, approval=record, decision="approve")
    other_street = make_user("street_staff", case.division_id[:9], display_name="街道二")
    client.force_login(other_street)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "提交审批" in page
    client.post(f"/cases/closures/{record.pk}/decide/", {"decision": "reject", "comment": "安全风险未消除"})
    engine.refresh_from_db()
    case.refresh_from_db()
    assert engine.status == ApprovalStatus.REJECTED
    assert case.status == Status.IN_PROGRESS and not case.closure_pending
    assert case.events.filter(kind=EventKind.APPROVAL, title__contains="不同意").exists()
