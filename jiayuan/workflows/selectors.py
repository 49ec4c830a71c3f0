"""Reading approvals: scoped lists, what awaits the actor, one subject's approval."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import Scope

from .models import ApprovalRequest, ApprovalStatus
from .registry import kind_get, kinds


def approvals_for(
    *, actor: Actor, perm: str = "workflows.view", kind: str | None = None, status: str | None = None
) -> QuerySet[ApprovalRequest]:
    qs = policy.scoped(actor, perm, ApprovalRequest)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("division", "current_division", "requested_by").order_by("-id")


def approvals_awaiting(*, actor: Actor, kind: str | None = None) -> QuerySet[ApprovalRequest]:
    """Pending approvals whose current level is a division where the actor may approve."""
    condition = Q(pk__in=[])
    for name, spec in kinds().items():
        if kind and name != kind:
            continue
        codes = set()
        everywhere = False
        for scope, posting in actor.scopes(spec.perms["approve"]):
            if scope == Scope.ALL:
                everywhere = True
            elif posting.division_id and scope in (Scope.SUBTREE, Scope.LEVEL):
                codes.add(posting.division_id)
        if everywhere:
            condition |= Q(kind=name)
        elif codes:
            condition |= Q(kind=name, current_division_id__in=codes)
    qs = ApprovalRequest.objects.filter(condition, status=ApprovalStatus.PENDING)
    own_excluded = [name for name, spec in kinds().items() if not spec.requester_may_decide]
    if actor.user_id and own_excluded:
        qs = qs.exclude(kind__in=own_excluded, requested_by_id=actor.user_id)
    return qs.select_related("division", "current_division").order_by("id")


def approval_for_subject(subject: Model, kind: str) -> ApprovalRequest | None:
    """The latest approval of `kind` for `subject` (no scope: the caller has authorised the subject)."""
    return (
        ApprovalRequest.objects.filter(
            kind=kind, content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk
        )
        .order_by("-id")
        .first()
    )


def approval_steps(approval: ApprovalRequest):
    return approval.steps.select_related("division", "actor").order_by("id")


def level_label(code: str) -> str:
    return {12: "社区", 9: "街道"}.get(len(code), "市级" if code.endswith("00") else "区级")


def chain_rows(approval: ApprovalRequest) -> list[dict]:
    from jiayuan.divisions.models import Division

    names = dict(Division.objects.filter(code__in=approval.chain).values_list("code", "name"))
    rows = []
    for index, code in enumerate(approval.chain):
        if approval.status == ApprovalStatus.APPROVED or index < approval.current_level:
            state = "已同意"
        elif index == approval.current_level and approval.status == ApprovalStatus.PENDING:
            state = "待审批"
        elif index == approval.current_level:
            state = approval.get_status_display()
        else:
            state = "未到达"
        rows.append(
            {
                "index": index + 1,
                "code": code,
                "name": names.get(code, code),
                "level": level_label(code),
                "state": state,
            }
        )
    return rows


__all__ = ["approvals_for", "approvals_awaiting", "approval_for_subject", "approval_steps", "chain_rows", "kind_get"]
