"""Reading users: an administrator sees the users whose postings all lie within their own scope."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import PRIVILEGED_ROLES, Role
from jiayuan.accounts.models import Posting, User
from jiayuan.divisions.models import Division, Level, subtree_q
from jiayuan.orgs.models import PartnerAgency


def user_list(*, actor: Actor, q: str = "", perm: str = "accounts.view_users"):
    prefix = policy.reach(actor, perm)
    if prefix is None:
        return User.objects.none()
    qs = User.objects.all()
    if prefix:
        # Out of reach: any posting outside the admin's subtree (or at an agency outside it).
        inside = subtree_q(prefix, "division") | subtree_q(prefix, "agency__division")
        outside = Posting.objects.filter(user=OuterRef("pk")).exclude(inside)
        qs = qs.filter(~Exists(outside), Exists(Posting.objects.filter(user=OuterRef("pk"))))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return qs.prefetch_related("postings__division", "postings__agency").order_by("username")


def assignable(*, actor: Actor) -> dict:
    """Roles and places an administrator may hand out."""
    prefix = policy.reach(actor, "accounts.manage_users")
    roles = [(r.value, r.label) for r in Role if prefix == "" or r not in PRIVILEGED_ROLES or r == Role.USER_ADMIN]
    if prefix is None:
        return {"roles": [], "divisions": [], "agencies": []}
    divisions = Division.objects.exclude(level=Level.COMMUNITY).filter(special=False)
    if prefix:
        divisions = divisions.filter(subtree_q(prefix, "code"))
    agencies = PartnerAgency.objects.all()
    if prefix:
        agencies = agencies.filter(subtree_q(prefix, "division"))
    return {"roles": roles, "divisions": list(divisions.order_by("code")), "agencies": list(agencies)}


def token_get(*, actor: Actor, token_id: int):
    """A token the actor may see: her own, or (security officer) one of an account in her area; else 404."""
    from django.http import Http404

    from jiayuan.accounts.models import ApiToken

    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None:
        raise Http404("未找到该令牌")
    if token.user_id == actor.user_id:
        return token
    if (
        actor.has_perm("accounts.revoke_tokens")
        and user_list(actor=actor, perm="accounts.revoke_tokens").filter(pk=token.user_id).exists()
    ):
        return token
    raise Http404("未找到该令牌")


def token_list(*, actor: Actor):
    """The actor's own tokens, and for a security officer those of the accounts in her area."""
    from jiayuan.accounts.models import ApiToken

    qs = ApiToken.objects.select_related("user", "issued_by", "revoked_by").order_by("-id")
    if actor.has_perm("accounts.revoke_tokens"):
        users = user_list(actor=actor, perm="accounts.revoke_tokens").values("pk")
        return qs.filter(Q(user_id=actor.user_id) | Q(user_id__in=users))[:500]
    return qs.filter(user_id=actor.user_id)[:100]


def changes_for(*, actor: Actor):
    """Account changes: those a security officer may decide (at her level) and those the actor requested."""
    from jiayuan.accounts.models import AccountChange
    from jiayuan.workflows.models import ApprovalRequest
    from jiayuan.workflows.services import may_decide

    from .duties import KIND

    approvals = {a.object_id: a for a in ApprovalRequest.objects.filter(kind=KIND).order_by("-id")[:500]}
    changes = list(AccountChange.objects.select_related("user", "requested_by").filter(pk__in=list(approvals))[:500])
    rows = []
    for change in changes:
        approval = approvals.get(change.pk)
        decide = approval is not None and may_decide(actor, approval)
        if decide or change.requested_by_id == actor.user_id or actor.has_perm("accounts.approve_privileged"):
            rows.append({"change": change, "approval": approval, "may_decide": decide})
    return rows


def user_get(*, actor: Actor, user_id: int, perm: str = "accounts.manage_users") -> User:
    from django.http import Http404

    user = user_list(actor=actor, perm=perm).filter(pk=user_id).first()
    if user is None:
        # A pending account has no posting yet: its requester may still open it.
        from jiayuan.accounts.models import AccountChange

        if AccountChange.objects.filter(user_id=user_id, requested_by_id=actor.user_id).exists():
            user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("未找到该用户")
    return user


def change_get(*, actor: Actor, change_id: int):
    """A change and its approval, for a security officer who may decide it (404 otherwise)."""
    from django.http import Http404

    from jiayuan.accounts.models import AccountChange
    from jiayuan.workflows.models import ApprovalRequest
    from jiayuan.workflows.services import covers

    from .duties import KIND

    change = AccountChange.objects.select_related("user").filter(pk=change_id).first()
    approval = (
        ApprovalRequest.objects.filter(kind=KIND, object_id=change_id).order_by("-id").first() if change else None
    )
    if change is None or approval is None or not covers(actor, "accounts.approve_privileged", approval.division_id):
        raise Http404("未找到该变更")
    return change, approval


def locked_accounts(*, actor: Actor) -> list[dict]:
    """User names locked by repeated failed sign-ins (django-axes), limited to accounts in the actor's area."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Max, Sum

    limit = settings.AXES_FAILURE_LIMIT
    # The lockout counts per account over every address (one attempt row per address): add them up.
    totals = (
        AccessAttempt.objects.values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
        .order_by("-last")[:200]
    )
    visible = set(user_list(actor=actor, perm="accounts.unlock").values_list("username", flat=True))
    return [{"username": t["username"], "at": t["last"]} for t in totals if t["username"] in visible]
