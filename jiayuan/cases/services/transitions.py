"""Workflow transitions (state rows plus transition objects with `check()` and `execute()`), and the
closure of a high-risk case, which needs the approval of the level above through the shared approval engine
(`jiayuan.workflows`, kind "cases.close_high_risk").

The case keeps `closure_pending` while the request is open; the proposed outcome is kept on a
`ClosureApproval` row (linked to the engine's request). The engine's approving decision closes the case in
its own transaction (`on_approved`); a return or a rejection reopens the handling (`on_returned` /
`on_rejected`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.cases import rules
from jiayuan.cases.models import (
    ActionKind,
    Case,
    ClosureApproval,
    EventKind,
    MoveKind,
    MoveStatus,
    Outcome,
    Status,
)
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.divisions.codes import district_of
from jiayuan.divisions.models import Division

from .common import case_lock, case_save, category_codes, parent_code, require_on_case
from .timeline import event_write

if TYPE_CHECKING:
    from jiayuan.workflows.models import ApprovalRequest


class Transition:
    name = ""
    label = ""
    sources: tuple[str, ...] = ()
    target = ""
    perm = "cases.handle"

    def __init__(self, *, actor: Actor, case: Case, note: str = "", **kwargs: Any) -> None:
        self.actor, self.case, self.note, self.kwargs = actor, case, (note or "").strip(), kwargs

    def check(self, actor: Actor | None = None) -> None:
        """Refuse a transition not allowed now, checked as `actor` (default: the one executing it)."""
        actor = actor or self.actor
        require_on_case(actor, self.perm, self.case)
        if self.case.status not in self.sources:
            raise WorkflowError(f"个案当前状态为“{self.case.get_status_display()}”，不能{self.label}。")
        if self.case.closure_pending and self.name != "close_approved":
            raise WorkflowError("该个案的结案申请正在审批中，请等待审批结果。")

    def apply(self) -> None:
        """Kind-specific effects before the state changes."""

    def execute(self) -> Case:
        self.check()
        before = self.case.status
        self.apply()
        if self.target:
            self.case.status = self.target
        case_save(self.case, self.kwargs.get("expected_version"))
        event_write(
            self.case,
            EventKind.TRANSITION,
            f"{self.label}：{Status(before).label} → {Status(self.case.status).label}",
            actor=self.actor,
            note=self.note,
            data={"from": before, "to": self.case.status, "transition": self.name},
            sensitive=False,
        )
        return self.case


class AssessTransition(Transition):
    name, label, sources, target, perm = "assess", "完成评估", (Status.REGISTERED,), Status.ASSESSED, "cases.assess"


class AssignTransition(Transition):
    name, label, target, perm = "assign", "分派承办人", Status.ASSIGNED, "cases.move"
    sources = (Status.REGISTERED, Status.ASSESSED, Status.REOPENED)


class StartTransition(Transition):
    name, label, sources, target = "start", "开始办理", (Status.ASSIGNED, Status.REOPENED), Status.IN_PROGRESS


class FollowUpTransition(Transition):
    name, label, sources, target = "follow_up", "转入回访", (Status.IN_PROGRESS,), Status.FOLLOW_UP


class CloseTransition(Transition):
    name, label, sources, target, perm = (
        "close",
        "结案",
        (Status.IN_PROGRESS, Status.FOLLOW_UP),
        Status.CLOSED,
        "cases.close",
    )

    def check(self, actor: Actor | None = None) -> None:
        super().check(actor)
        outcome = self.kwargs.get("outcome", "")
        if outcome not in Outcome.values:
            raise ValidationFailed({"outcome": "请选择结案结果。"})
        codes = category_codes(self.case)
        if (
            outcome not in (Outcome.WITHDRAWN, Outcome.UNREACHABLE)
            and rules.followup_required(codes, self.case.risk_level)
            and not self.case.actions.filter(kind=ActionKind.FOLLOW_UP).exists()
        ):
            raise WorkflowError("按规定，此类个案结案前须至少回访一次，请先记录回访。")
        if (
            outcome == Outcome.REFERRED
            and not self.case.moves.filter(
                kind=MoveKind.REFER, status__in=[MoveStatus.ACCEPTED, MoveStatus.DONE]
            ).exists()
        ):
            raise WorkflowError("没有已被接收的转介，不能以“转介并获接收”结案。")

    def execute(self) -> Case:
        self.check()
        if self.case.is_high_risk and not self.kwargs.get("approved"):
            closure_request(actor=self.actor, case=self.case, outcome=self.kwargs["outcome"], note=self.note)
            return self.case
        return super().execute()

    def apply(self) -> None:
        now = timezone.now()
        self.case.outcome = self.kwargs["outcome"]
        self.case.closed_at = now
        self.case.closure_pending = False
        self.case.review_due = None
        codes = category_codes(self.case)
        follow = rules.deadline_for(
            "followup_after_closure", start=now, codes=codes, risk_level=self.case.risk_level, urgent=self.case.urgent
        )
        if follow and self.case.outcome not in (Outcome.WITHDRAWN, Outcome.UNREACHABLE):
            self.case.followup_due = follow.due
        self.note = (f"结案结果：{Outcome(self.case.outcome).label}。" + self.note).strip()


class CloseApprovedTransition(CloseTransition):
    """Closing after the level above approved (the approval engine calls this; no new approval)."""

    name = "close_approved"

    def check(self, actor: Actor | None = None) -> None:
        if self.case.status not in self.sources:
            raise WorkflowError(f"个案当前状态为“{self.case.get_status_display()}”，不能结案。")
        if self.kwargs.get("outcome", "") not in Outcome.values:
            raise ValidationFailed({"outcome": "请选择结案结果。"})


class ReopenTransition(Transition):
    name, label, sources, target, perm = "reopen", "重启个案", (Status.CLOSED,), Status.REOPENED, "cases.reopen"

    def check(self, actor: Actor | None = None) -> None:
        super().check(actor)
        if len(self.note) < 4:
            raise ValidationFailed({"note": "请填写重启理由。"})

    def apply(self) -> None:
        self.case.outcome = ""
        self.case.closed_at = None
        self.case.followup_due = None


TRANSITIONS: dict[str, type[Transition]] = {
    t.name: t for t in (StartTransition, FollowUpTransition, CloseTransition, ReopenTransition)
}


ALL_TRANSITIONS: dict[str, type[Transition]] = {
    t.name: t
    for t in (
        AssessTransition,
        AssignTransition,
        StartTransition,
        FollowUpTransition,
        CloseTransition,
        ReopenTransition,
    )
}


def available_transitions(*, actor: Actor, case: Case) -> list[type[Transition]]:
    result = []
    for cls in TRANSITIONS.values():
        if case.status in cls.sources and not case.closure_pending and actor.has_perm(cls.perm):
            result.append(cls)
    return result


def case_transition(
    *,
    actor: Actor,
    case: Case,
    name: str,
    note: str = "",
    outcome: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case along its workflow; a step not allowed from the current state is refused."""
    cls = TRANSITIONS.get(name)
    if cls is None:
        raise WorkflowError("没有这个办理步骤。")
    with transaction.atomic():
        case_lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleEditError()
        return cls(actor=actor, case=case, note=note, outcome=outcome).execute()


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

    above = parent_code(code)
    if above and not above.endswith("00") and Division.objects.filter(code=above).exists():
        return above
    return district_of(code)


def closure_kind_register() -> None:
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


def _record(approval: ApprovalRequest) -> ClosureApproval | None:
    return (
        ClosureApproval.objects.select_for_update()
        .filter(approval=approval, state=ClosureApproval.State.PENDING)
        .first()
    )


def _finish(approval: ApprovalRequest, actor: Actor, state: str, decision: str) -> ClosureApproval | None:

    record = _record(approval)
    if record is None:
        return None
    case = case_lock(Case.objects.get(pk=approval.object_id))
    record.state = state
    record.decided_by = getattr(actor, "user", None)
    record.decided_at = timezone.now()
    last = approval.steps.order_by("-id").first()
    record.comment = (last.comment if last else "")[:1000]
    record.version += 1
    record.save()
    event_write(
        case,
        EventKind.APPROVAL,
        f"结案审批：{DECISIONS[decision]}",
        actor=actor,
        note=record.comment,
        sensitive=False,
        data={"approval": approval.pk, "decision": decision},
    )
    case.closure_pending = False
    case_save(case)
    return record


def _on_approved(approval: ApprovalRequest, actor: Actor) -> None:

    record = _finish(approval, actor, ClosureApproval.State.APPROVED, "approve")
    if record is not None:
        case = Case.objects.get(pk=approval.object_id)
        CloseApprovedTransition(
            actor=actor, case=case, note=record.note, outcome=record.outcome, approved=True
        ).execute()


def _on_returned(approval: ApprovalRequest, actor: Actor) -> None:
    _finish(approval, actor, ClosureApproval.State.RETURNED, "return")


def _on_rejected(approval: ApprovalRequest, actor: Actor) -> None:
    _finish(approval, actor, ClosureApproval.State.REJECTED, "reject")


def closure_request(*, actor: Actor, case: Case, outcome: str, note: str = "") -> ClosureApproval:
    """Ask the level above to approve closing the case (called inside the close transition)."""
    from jiayuan.workflows.models import ApprovalStatus
    from jiayuan.workflows.services import (
        approval_request_create,
        approval_resubmit,
        open_approval_for,
    )

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
        approver_division_id=engine.current_division_id or approver_division_for(case.division_id),
        approval=engine,
        requested_by=actor.user,
    )
    case.closure_pending = True
    case_save(case)
    event_write(
        case,
        EventKind.APPROVAL,
        "高风险个案申请结案，待上一级审批",
        actor=actor,
        note=note,
        sensitive=False,
        data={"approval": engine.pk, "outcome": outcome, "level": engine.current_division_id},
    )
    return record


def engine_request(record: ClosureApproval) -> ApprovalRequest | None:
    from jiayuan.workflows.models import ApprovalRequest

    return ApprovalRequest.objects.filter(pk=record.approval_id).first() if record.approval_id else None


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
