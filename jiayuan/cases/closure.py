"""Closing a high-risk case needs the approval of the level above.

Used through `closure_request` / `closure_decide`; the case keeps `closure_pending` while the request
is open and is closed by the approving decision (never by the requester).
"""
from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division
from jiayuan.notifications.services import notify, supervisors_of

from .models import Case, ClosureApproval, EventKind

DECISIONS = {"approve": "同意结案", "return": "退回补充", "reject": "不同意结案"}


def approver_division_for(case: Case) -> str:
    from .services import parent_code

    above = parent_code(case.division_id)
    if above and Division.objects.filter(code=above).exists() and not above.endswith("00"):
        return above
    return case.division_id


def closure_request(*, actor: Actor | None, case: Case, outcome: str, note: str = "") -> ClosureApproval:
    """Ask the level above to approve closing the case (called inside the close transition)."""
    from .services import _event, _save, case_url

    if case.closure_pending:
        raise WorkflowError("该个案的结案申请正在审批中，请等待审批结果。")
    approval = ClosureApproval.objects.create(
        case=case, outcome=outcome, note=(note or "")[:1000], approver_division_id=approver_division_for(case),
        requested_by=getattr(actor, "user", None),
    )
    case.closure_pending = True
    _save(case)
    _event(case, EventKind.APPROVAL, "高风险个案申请结案，待上一级审批", actor=actor, note=note, sensitive=False,
           data={"approval": approval.pk, "outcome": outcome, "level": approval.approver_division_id})
    notify(users=supervisors_of(case.division_id), title=f"高风险个案 {case.number} 申请结案，请审批",
           url=case_url(case))
    return approval


def may_decide(actor: Actor, approval: ClosureApproval) -> bool:
    if not actor.has_perm("cases.approve_closure") or approval.requested_by_id == actor.user_id:
        return False
    prefix = actor.broadest_prefix("cases.approve_closure")
    return prefix is not None and approval.approver_division_id.startswith(prefix)


def closure_decide(*, actor: Actor, approval: ClosureApproval, decision: str, comment: str = "",
                   expected_version: int | None = None) -> ClosureApproval:
    from .services import CloseApprovedTransition, _event, _lock, _save, case_url

    if decision not in DECISIONS:
        raise ValidationFailed({"decision": "请选择审批意见。"})
    if not may_decide(actor, approval):
        raise Http404("未找到该记录")
    comment = (comment or "").strip()
    if decision != "approve" and len(comment) < 2:
        raise ValidationFailed({"comment": "退回或不同意时，请写明意见。"})
    with transaction.atomic():
        approval = ClosureApproval.objects.select_for_update().select_related("case").get(pk=approval.pk)
        if expected_version is not None and approval.version != expected_version:
            from jiayuan.core.errors import StaleEditError

            raise StaleEditError()
        if approval.state != ClosureApproval.State.PENDING:
            raise WorkflowError("该结案申请已处理。")
        case = _lock(approval.case)
        approval.state = {"approve": ClosureApproval.State.APPROVED, "return": ClosureApproval.State.RETURNED,
                          "reject": ClosureApproval.State.REJECTED}[decision]
        approval.decided_by = actor.user
        approval.decided_at = timezone.now()
        approval.comment = comment[:1000]
        approval.version += 1
        approval.save()
        _event(case, EventKind.APPROVAL, f"结案审批：{DECISIONS[decision]}", actor=actor, note=comment,
               sensitive=False, data={"approval": approval.pk, "decision": decision})
        case.closure_pending = False
        if decision == "approve":
            CloseApprovedTransition(actor=actor, case=case, note=approval.note, outcome=approval.outcome,
                                    approved=True).execute()
        else:
            _save(case)
        if approval.requested_by:
            notify(users=[approval.requested_by], title=f"个案 {case.number} 的结案申请：{DECISIONS[decision]}",
                   url=case_url(case))
    return approval


def pending_closure(case: Case) -> ClosureApproval | None:
    return case.closure_approvals.filter(state=ClosureApproval.State.PENDING).order_by("-id").first()
