"""Closing a high-risk case needs the approval of the level above, through the shared approval engine
(`jiayuan.workflows`, kind "cases.close_high_risk").

The case keeps `closure_pending` while the request is open; the proposed outcome is kept on a
`ClosureApproval` row (linked to the engine's request by `external_ref`). The engine's approving
decision closes the case in its own transaction (`on_approved`); a return or a rejection reopens the
handling (`on_returned` / `on_rejected`).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, district_code_of

from .models import Case, ClosureApproval, EventKind

KIND = "cases.close_high_risk"
PERMS = {
    "request": "cases.close",
    "approve": "cases.approve_closure",
    "return": "cases.approve_closure",
    "reject": "cases.approve_closure",
}
DECISIONS = {"approve": "同意结案", "return": "退回补充", "reject": "不同意结案"}


def approver_division_for(code: str) -> str:
    """The level above the case's owner (community → street → district); a district approves its own."""
    from .services import parent_code

    above = parent_code(code)
    if above and not above.endswith("00") and Division.objects.filter(code=above).exists():
        return above
    return district_code_of(code)


def register() -> None:
    """Register the approval kind with the shared engine (called from the app's ready())."""
    from jiayuan.workflows.registry import register_kind

    register_kind(
        KIND,
        levels=lambda approval: [approver_division_for(approval.division_id)],
        on_approved=_on_approved,
        on_rejected=_on_rejected,
        on_returned=_on_returned,
        perms=PERMS,
        label="高风险个案结案审批",
        url=lambda approval: reverse("cases:detail", kwargs={"case_id": approval.object_id}),
    )


def _record(approval) -> ClosureApproval | None:
    return (
        ClosureApproval.objects.select_for_update()
        .filter(external_ref=str(approval.pk), state=ClosureApproval.State.PENDING)
        .first()
    )


def _finish(approval, actor, state: str, decision: str) -> ClosureApproval | None:
    from .services import _event, _lock, _save

    record = _record(approval)
    if record is None:
        return None
    case = _lock(Case.objects.get(pk=approval.object_id))
    record.state = state
    record.decided_by = getattr(actor, "user", None)
    record.decided_at = timezone.now()
    last = approval.steps.order_by("-id").first()
    record.comment = (last.comment if last else "")[:1000]
    record.version += 1
    record.save()
    _event(
        case,
        EventKind.APPROVAL,
        f"结案审批：{DECISIONS[decision]}",
        actor=actor,
        note=record.comment,
        sensitive=False,
        data={"approval": approval.pk, "decision": decision},
    )
    case.closure_pending = False
    _save(case)
    return record


def _on_approved(approval, actor) -> None:
    from .services import CloseApprovedTransition

    record = _finish(approval, actor, ClosureApproval.State.APPROVED, "approve")
    if record is not None:
        case = Case.objects.get(pk=approval.object_id)
        CloseApprovedTransition(
            actor=actor, case=case, note=record.note, outcome=record.outcome, approved=True
        ).execute()


def _on_returned(approval, actor) -> None:
    _finish(approval, actor, ClosureApproval.State.RETURNED, "return")


def _on_rejected(approval, actor) -> None:
    _finish(approval, actor, ClosureApproval.State.REJECTED, "reject")


def closure_request(*, actor: Actor, case: Case, outcome: str, note: str = "") -> ClosureApproval:
    """Ask the level above to approve closing the case (called inside the close transition)."""
    from jiayuan.workflows.models import ApprovalStatus
    from jiayuan.workflows.services import (
        approval_request_create,
        approval_resubmit,
        open_approval_for,
    )

    from .services import _event, _save

    if case.closure_pending:
        raise WorkflowError("该个案的结案申请正在审批中，请等待审批结果。")
    if actor.is_system:
        raise WorkflowError("高风险个案须由工作人员提交结案申请。")
    existing = open_approval_for(case, KIND)
    try:
        if existing is not None and existing.status == ApprovalStatus.RETURNED:
            engine = approval_resubmit(
                actor=actor, approval=existing, comment=note or "补充后重新提交", expected_version=existing.version
            )
        else:
            engine = approval_request_create(
                actor=actor, kind=KIND, subject=case, division_code=case.division_id, category="close", note=note
            )
    except NotFound:
        raise WorkflowError("您不能为该个案提交结案申请，请由承办社区或街道的工作人员提交。") from None
    record = ClosureApproval.objects.create(
        case=case,
        outcome=outcome,
        note=(note or "")[:1000],
        approver_division_id=engine.current_division_id,
        external_ref=str(engine.pk),
        requested_by=actor.user,
    )
    case.closure_pending = True
    _save(case)
    _event(
        case,
        EventKind.APPROVAL,
        "高风险个案申请结案，待上一级审批",
        actor=actor,
        note=note,
        sensitive=False,
        data={"approval": engine.pk, "outcome": outcome, "level": engine.current_division_id},
    )
    return record


def engine_request(record: ClosureApproval):
    from jiayuan.workflows.models import ApprovalRequest

    return ApprovalRequest.objects.filter(pk=int(record.external_ref)).first() if record.external_ref else None


def may_decide(actor: Actor, record: ClosureApproval) -> bool:
    from jiayuan.workflows.services import acts_at

    engine = engine_request(record)
    if engine is None or engine.current_division_id is None or record.requested_by_id == actor.user_id:
        return False
    return acts_at(actor, PERMS["approve"], engine.current_division_id)


def closure_decide(
    *, actor: Actor, approval: ClosureApproval, decision: str, comment: str = "", expected_version: int | None = None
) -> ClosureApproval:
    """Decide on a closure request through the engine (never by the person who asked)."""
    from jiayuan.workflows.services import approval_decide

    if decision not in DECISIONS:
        raise ValidationFailed({"decision": "请选择审批意见。"})
    if approval.requested_by_id == actor.user_id:
        raise WorkflowError("不能审批自己提交的结案申请。")
    engine = engine_request(approval)
    if engine is None:
        raise NotFound("未找到该审批")
    with transaction.atomic():
        approval_decide(
            actor=actor,
            approval=engine,
            decision=decision,
            comment=comment,
            expected_version=engine.version if expected_version is None else expected_version,
        )
    approval.refresh_from_db()
    return approval


def pending_closure(case: Case) -> ClosureApproval | None:
    return case.closure_approvals.filter(state=ClosureApproval.State.PENDING).order_by("-id").first()
