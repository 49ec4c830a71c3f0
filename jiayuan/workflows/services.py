"""The shared approval engine (审批引擎) — API for every module that needs level-by-level approval.

Register a kind once (in your app's ``ready()``)::

    from jiayuan.workflows.registry import register_kind, amount_levels, levels_up
    register_kind("cases.close_high_risk",
                  levels=lambda approval: levels_up(approval.division_id),   # community → street → district
                  on_approved=lambda approval, actor: ...,   # runs in the deciding transaction
                  on_rejected=None,                           # optional, same signature
                  perms={"request": "cases.close_request", "approve": "cases.close_approve",
                         "return": "cases.close_approve", "reject": "cases.close_approve"})

``levels(approval)`` returns division codes from the first approving level up (``amount_levels(
city_threshold=Decimal("5000"))`` adds the city above an amount). Then::

    approval = approval_request_create(actor=actor, kind="cases.close_high_risk", subject=case,
                                       division_code=case.division_id, amount=None, category="", note="")
    approval_decide(actor=actor, approval=approval, decision="approve"|"return"|"reject", comment="...",
                    expected_version=approval.version)
    approval_resubmit(actor=actor, approval=approval, comment="...", expected_version=approval.version)
    approval_withdraw(actor=actor, approval=approval, expected_version=approval.version)

Rules: the chain is computed at creation and stored; only one open request per kind and subject; the requester
never signs a level (unless the kind says ``requester_may_decide=True``); a decision needs the kind's
permission held *at* the current level's division (a posting there, or an "all" scope) — an officer of a
higher level cannot sign a lower level's step; return and reject need a comment; the row is locked and the
version compared, so a second decision on the same step (a replay or a double click) is refused with
``StaleEditError``, and a unique index on (request, round, level) backs that up. Approving the last level sets
``approved`` and calls ``on_approved`` in the same transaction (an exception there rolls the approval back). A
returned request is resubmitted by a requester and resumes at the level that returned it. Read with
``jiayuan.workflows.selectors`` (``approvals_for``, ``approvals_awaiting``, ``approval_for_subject``);
``may_decide(actor, approval)`` tells a page whether to show the decision form."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import Scope
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division

from .models import OPEN_STATUSES, ApprovalRequest, ApprovalStatus, ApprovalStep, Decision
from .registry import call_hook, kind_get

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


def covers(actor: Actor, perm: str, division_code: str) -> bool:
    """Whether the actor holds `perm` with a scope that reaches `division_code` (`policy.covers`)."""
    return policy.covers(actor, perm, division_code)


def acts_at(actor: Actor, perm: str, division_code: str) -> bool:
    """Whether the actor holds `perm` through a posting *at* `division_code` (or with an "all" scope)."""
    for scope, posting in actor.scopes(perm):
        if scope == Scope.ALL:
            return True
        if scope in (Scope.SUBTREE, Scope.LEVEL) and posting.division_id == division_code:
            return True
    return False


def may_decide(actor: Actor, approval: ApprovalRequest) -> bool:
    """Whether the actor may decide the approval's current step now (for showing the decision form)."""
    spec = kind_get(approval.kind)
    if approval.status != ApprovalStatus.PENDING or approval.current_division_id is None:
        return False
    if not spec.requester_may_decide and approval.requested_by_id == actor.user_id:
        return False
    return acts_at(actor, spec.perms["approve"], approval.current_division_id)


def approvers_at(division_code: str, perm: str) -> list[User]:
    """Users who may decide at `division_code` with `perm` (for notifications)."""
    from jiayuan.access.registry import permission_table
    from jiayuan.accounts.models import Posting, User

    roles = [role.value for role, scope in permission_table().get(perm, {}).items() if scope != Scope.OWN]
    ids = Posting.objects.active().filter(division_id=division_code, role__in=roles).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _about(approval: ApprovalRequest) -> str:
    """Which request a notice is about, without anyone's name: where it comes from and, if any, the amount."""
    place = Division.objects.filter(code=approval.division_id).values_list("name", flat=True).first() or ""
    amount = f"，金额 {approval.amount:,.2f} 元" if approval.amount is not None else ""
    return f"（{place}提交{amount}）" if place else ""


def _notify_level(approval: ApprovalRequest, title: str) -> None:
    from jiayuan.notifications.services import notify

    spec = kind_get(approval.kind)
    if approval.current_division_id is None:
        return
    url = spec.url(approval) if spec.url else ""
    notify(
        users=approvers_at(approval.current_division_id, spec.perms["approve"]),
        title=title + _about(approval),
        url=url or "",
    )


def _notify_requester(approval: ApprovalRequest, title: str) -> None:
    from jiayuan.notifications.services import notify

    spec = kind_get(approval.kind)
    url = spec.url(approval) if spec.url else ""
    notify(users=[approval.requested_by] if approval.requested_by_id else [], title=title, url=url or "")


def _compute_chain(approval: ApprovalRequest) -> list[str]:
    chain = [str(c) for c in kind_get(approval.kind).levels(approval)]
    if not chain:
        raise WorkflowError("无法确定审批层级。")
    found = set(Division.objects.filter(code__in=chain).values_list("code", flat=True))
    missing = [c for c in chain if c not in found]
    if missing:
        raise WorkflowError(f"审批层级中的区划不存在：{'、'.join(missing)}")
    return chain


def open_approval_for(subject: Model, kind: str) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(
        kind=kind,
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        status__in=OPEN_STATUSES,
    ).first()


def approval_request_create(
    *,
    actor: Actor,
    kind: str,
    subject: Model,
    division_code: str,
    amount: Decimal | None = None,
    category: str = "",
    note: str = "",
) -> ApprovalRequest:
    """Start an approval for `subject`, originating at `division_code`; the first level is notified."""
    spec = kind_get(kind)
    if not covers(actor, spec.perms["request"], division_code):
        raise NotFound("未找到该记录")
    if amount is not None:
        amount = Decimal(amount)
        if amount <= 0:
            raise ValidationFailed({"amount": "金额必须大于零。"})
    with transaction.atomic():
        if open_approval_for(subject, kind) is not None:
            raise WorkflowError("该事项已有进行中的审批，不能重复提交。")
        approval = ApprovalRequest(
            kind=kind,
            content_type=ContentType.objects.get_for_model(type(subject)),
            object_id=subject.pk,
            division_id=division_code,
            amount=amount,
            category=category or "",
            note=(note or "")[:2000],
            requested_by=actor.user,
            status=ApprovalStatus.PENDING,
            current_level=0,
        )
        approval.chain = _compute_chain(approval)
        approval.current_division_id = approval.chain[0]
        approval.save()
        ApprovalStep.objects.create(
            approval=approval,
            round=1,
            level=0,
            division_id=division_code,
            decision=Decision.SUBMIT,
            actor=actor.user,
            comment=(note or "")[:2000],
        )
        _notify_level(approval, f"有一项{spec.label}待您审批")
    return approval


def _lock(approval: ApprovalRequest, expected_version: int) -> ApprovalRequest:
    locked = ApprovalRequest.objects.select_for_update().filter(pk=approval.pk).first()
    if locked is None:
        raise NotFound("未找到该审批")
    if locked.version != expected_version:
        raise StaleEditError("该审批已有新的办理记录，请刷新页面后再操作。")
    return locked


def _bump(locked: ApprovalRequest, approval: ApprovalRequest | None = None) -> ApprovalRequest:
    locked.version += 1
    locked.save()
    return locked


def _sync(approval: ApprovalRequest, locked: ApprovalRequest) -> ApprovalRequest:
    """Keep the caller's object in step with the row (only once the transaction has succeeded)."""
    for f in ("version", "status", "current_level", "current_division_id", "chain", "round", "amount", "decided_at"):
        setattr(approval, f, getattr(locked, f))
    return approval


def approval_decide(
    *, actor: Actor, approval: ApprovalRequest, decision: str, comment: str, expected_version: int
) -> ApprovalRequest:
    """Approve, return or reject at the current level (the actor must sit at that level)."""
    if decision not in (Decision.APPROVE, Decision.RETURN, Decision.REJECT):
        raise ValidationFailed({"decision": "请选择同意、退回补充或不同意。"})
    spec = kind_get(approval.kind)
    comment = (comment or "").strip()
    if decision in (Decision.RETURN, Decision.REJECT) and not comment:
        raise ValidationFailed({"comment": "退回或不同意时请填写意见。"})
    perm = spec.perms[str(decision)]
    with transaction.atomic():
        locked = _lock(approval, expected_version)
        if locked.status != ApprovalStatus.PENDING:
            raise WorkflowError("该审批当前不在审批中，不能办理。")
        level_code = locked.chain[locked.current_level]
        if not acts_at(actor, perm, level_code):
            if covers(actor, spec.perms["approve"], locked.division_id) or covers(
                actor, "workflows.view", locked.division_id
            ):
                raise WorkflowError("当前审批层级不是您所在的层级，不能越级或代为审批。")
            raise NotFound("未找到该审批")
        if not spec.requester_may_decide and locked.requested_by_id == actor.user_id:
            raise WorkflowError("不能审批自己提交的申请，请由本级其他工作人员审批。")
        try:
            with transaction.atomic():
                ApprovalStep.objects.create(
                    approval=locked,
                    round=locked.round,
                    level=locked.current_level,
                    division_id=level_code,
                    decision=decision,
                    actor=actor.user,
                    comment=comment[:2000],
                )
        except IntegrityError:
            raise StaleEditError("该层级已办理，不能重复审批。") from None
        if decision == Decision.APPROVE:
            if locked.is_last_level:
                locked.status = ApprovalStatus.APPROVED
                locked.decided_at = timezone.now()
                _bump(locked, approval)
                call_hook(spec.on_approved, locked, actor)
                _notify_requester(locked, f"您提交的{spec.label}已批准")
            else:
                locked.current_level += 1
                locked.current_division_id = locked.chain[locked.current_level]
                _bump(locked, approval)
                _notify_level(locked, f"有一项{spec.label}待您审批")
        elif decision == Decision.RETURN:
            locked.status = ApprovalStatus.RETURNED
            _bump(locked, approval)
            call_hook(spec.on_returned, locked, actor)
            _notify_requester(locked, f"您提交的{spec.label}被退回补充材料")
        else:
            locked.status = ApprovalStatus.REJECTED
            locked.decided_at = timezone.now()
            _bump(locked, approval)
            call_hook(spec.on_rejected, locked, actor)
            _notify_requester(locked, f"您提交的{spec.label}未获批准")
    return _sync(approval, locked)


def approval_resubmit(
    *, actor: Actor, approval: ApprovalRequest, comment: str, expected_version: int, amount: Decimal | None = None
) -> ApprovalRequest:
    """Send a returned request up again: it resumes at the level that returned it.

    If the amount changes, the chain is computed anew and the request starts again from the first level.
    """
    spec = kind_get(approval.kind)
    if not covers(actor, spec.perms["request"], approval.division_id):
        raise NotFound("未找到该审批")
    with transaction.atomic():
        locked = _lock(approval, expected_version)
        if locked.status != ApprovalStatus.RETURNED:
            raise WorkflowError("只有被退回的申请才能重新提交。")
        locked.round += 1
        locked.status = ApprovalStatus.PENDING
        if amount is not None and Decimal(amount) != locked.amount:
            if Decimal(amount) <= 0:
                raise ValidationFailed({"amount": "金额必须大于零。"})
            locked.amount = Decimal(amount)
            locked.chain = _compute_chain(locked)
            locked.current_level = 0
        locked.current_division_id = locked.chain[locked.current_level]
        ApprovalStep.objects.create(
            approval=locked,
            round=locked.round,
            level=locked.current_level,
            division_id=locked.division_id,
            decision=Decision.RESUBMIT,
            actor=actor.user,
            comment=(comment or "").strip()[:2000],
        )
        _bump(locked, approval)
        _notify_level(locked, f"有一项{spec.label}重新提交，待您审批")
    return _sync(approval, locked)


def approval_withdraw(
    *, actor: Actor, approval: ApprovalRequest, expected_version: int, comment: str = ""
) -> ApprovalRequest:
    spec = kind_get(approval.kind)
    if not covers(actor, spec.perms["request"], approval.division_id):
        raise NotFound("未找到该审批")
    with transaction.atomic():
        locked = _lock(approval, expected_version)
        if locked.status not in OPEN_STATUSES:
            raise WorkflowError("该审批已办结，不能撤回。")
        locked.status = ApprovalStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        ApprovalStep.objects.create(
            approval=locked,
            round=locked.round,
            level=locked.current_level,
            division_id=locked.division_id,
            decision=Decision.WITHDRAW,
            actor=actor.user,
            comment=(comment or "").strip()[:2000],
        )
        _bump(locked, approval)
        call_hook(spec.on_rejected, locked, actor)
    return _sync(approval, locked)
