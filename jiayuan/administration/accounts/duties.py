"""Separation of duties (三员分立): no account reaches personal data without a security officer's approval.

An administrator (system administrator or a unit's user administrator) manages accounts and configuration, but
any change that would let an account reach people, cases, care, screening or the audit log — a new account, a
posting or role, a grant on a record, an API token for someone else, a password reset of such an account —
is filed as an `AccountChange` and waits in the approval engine (`workflows`) for a security officer at the
change's level or above. The account's supervisors are told; before and after are written to the access log,
which the auditor reads. The system itself (demo data, migrations: `actor` None or a system actor) is trusted.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.registry import permission_table
from jiayuan.access.roles import SENSITIVE_APPS, SEPARATED_ROLES, Role, touches_personal_data
from jiayuan.accounts.models import AccountChange, ChangeKind, ChangeStatus, Posting, User
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core import crypto
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.models import history_user_set

KIND = "accounts.privileged_change"
LABEL = "账号权限变更（三员分立）"


# Permissions of those apps that show nothing of a person or a case (the chain check answers "intact" or not).
NOT_REACHING = frozenset({"audit.verify"})


def role_reaches_personal_data(role: str) -> bool:
    """Whether a role holds any permission on people, cases, care, screening or the audit log."""
    for perm, grants in permission_table().items():
        if (
            perm.split(".", 1)[0] in SENSITIVE_APPS
            and touches_personal_data(perm)
            and perm not in NOT_REACHING
            and Role(role) in grants
        ):
            return True
    return False


def user_reaches_personal_data(user: User) -> bool:
    today = timezone.localdate()
    roles = Posting.objects.filter(user=user).exclude(valid_to__lt=today).values_list("role", flat=True)
    return any(role_reaches_personal_data(r) for r in roles)


def is_system(actor: Actor | None) -> bool:
    return actor is None or bool(getattr(actor, "is_system", False))


def needs_approval(actor: Actor | None, role: str) -> bool:
    return not is_system(actor) and role_reaches_personal_data(role)


def separated_roles_check(user: User | None, role: str, errors: dict) -> None:
    """Nobody holds two of the system administrator, the security officer and the auditor."""
    if user is None or user.pk is None or role not in SEPARATED_ROLES:
        return
    today = timezone.localdate()
    others = (
        Posting.objects.filter(user=user, role__in=[r.value for r in SEPARATED_ROLES])
        .exclude(role=role)
        .exclude(valid_to__lt=today)
    )
    if others.exists():
        errors["role"] = "三员分立：同一账号不能同时担任系统管理员、安全管理员和审计员中的两个角色。"


def approval_division(code: str) -> str:
    """Where the change is approved: the nearest level at or above `code` that has a security officer."""
    from jiayuan.divisions.models import Division

    candidates = [c for c in (code, code[:9], code[:6], code[:4] + "00") if c and len(c) in (6, 9, 12)]
    seen: list[str] = []
    for c in candidates:
        if c not in seen:
            seen.append(c)
    officers = set(
        Posting.objects.active()
        .filter(role=Role.SECURITY_OFFICER, division_id__in=seen)
        .values_list("division_id", flat=True)
    )
    for c in seen:
        if c in officers:
            return c
    existing = [c for c in reversed(seen) if Division.objects.filter(code=c).exists()]
    return existing[0] if existing else code


def _roles_of(user: User) -> list[str]:
    today = timezone.localdate()
    return sorted(
        f"{p.get_role_display()}@{p.agency_id or p.division_id}"
        for p in Posting.objects.filter(user=user).exclude(valid_to__lt=today)
    )


def change_request(
    *,
    actor: Actor,
    kind: str,
    user: User,
    division_code: str,
    payload: dict,
    after: dict,
    request=None,
) -> AccountChange:
    """File a change for a security officer's approval; the account's supervisors are told."""
    from jiayuan.accounts.selectors import supervisors_of
    from jiayuan.notifications.services import notify
    from jiayuan.workflows.services import approval_request_create

    with transaction.atomic():
        change = AccountChange.objects.create(
            kind=kind,
            user=user,
            division_code=division_code or approval_division(division_code),
            payload=payload,
            before={"roles": _roles_of(user), "active": user.is_active},
            after=after,
            requested_by=actor.user,
        )
        approval_request_create(
            actor=actor,
            kind=KIND,
            subject=change,
            division_code=change.division_code,
            note=f"{change.get_kind_display()}：{user.username}",
        )
        access_log_write(
            actor=actor,
            request=request,
            action=Action.ADMIN,
            obj=change,
            division_code=division_code[:12],
            detail={
                "event": "privileged_change_requested",
                "kind": kind,
                "account": user.username,
                "before": change.before,
                "after": after,
            },
        )
        notify(
            users=[u for u in supervisors_of(division_code) if u.pk != user.pk],
            title=f"您辖区的账号 {user.username} 申请{change.get_kind_display()}，待安全管理员审批",
            url="",
        )
    return change


def _levels(approval) -> list[str]:
    """One level: the nearest at or above the change's place that has a security officer (else the city's,
    which waits until one is appointed: fail-closed)."""
    return [approval_division(approval.division_id)]


def _apply(approval, actor: Actor) -> None:
    """Runs in the approving transaction: carry the change out and log before and after."""
    from jiayuan.accounts.selectors import supervisors_of
    from jiayuan.notifications.services import notify

    from . import services

    change = AccountChange.objects.select_for_update().get(pk=approval.object_id)
    if change.status != ChangeStatus.PENDING:
        return
    user = change.user
    payload = change.payload
    secret = ""
    if change.kind in (ChangeKind.USER_CREATE, ChangeKind.POSTING_ADD):
        errors: dict[str, str] = {}
        separated_roles_check(user, payload["role"], errors)
        if errors:
            raise ValidationFailed(errors)
        services.posting_write(user=user, author=change.requested_by, **payload)
        if change.kind == ChangeKind.USER_CREATE:
            secret = secrets.token_urlsafe(9)
            user.set_password(secret)
            user.is_active = True
            user.must_change_password = True
            history_user_set(user, actor.user)
            user.save()
    elif change.kind == ChangeKind.PASSWORD_RESET:
        secret = secrets.token_urlsafe(9)
        user.set_password(secret)
        user.must_change_password = True
        history_user_set(user, actor.user)
        user.save()
    elif change.kind == ChangeKind.TOKEN:
        from jiayuan.accounts.models import ApiToken

        _, secret = ApiToken.issue(
            user,
            days=payload.get("days") or None,
            hours=payload.get("hours") or None,
            purpose=payload.get("purpose", ""),
            interactive=payload.get("interactive", False),
            issued_by=change.requested_by,
        )
    elif change.kind == ChangeKind.GRANT:
        from django.apps import apps

        from jiayuan.access.models import GrantKind
        from jiayuan.access.services import grant_access

        model = apps.get_model(payload["model"])
        obj = model._default_manager.get(pk=payload["object_id"])
        until = timezone.now() + dt.timedelta(days=int(payload.get("days") or 7))
        grant_access(
            obj=obj,
            kind=GrantKind.OTHER,
            user=user,
            reason=payload.get("reason", ""),
            until=until,
            created_by=change.requested_by,
        )
    change.status = ChangeStatus.APPLIED
    change.decided_at = timezone.now()
    change.secret = crypto.encrypt(secret) if secret else ""
    change.save()
    access_log_write(
        actor=actor,
        action=Action.ADMIN,
        obj=change,
        division_code=change.division_code,
        detail={
            "event": "privileged_change_approved",
            "kind": change.kind,
            "account": user.username,
            "before": change.before,
            "after": {"roles": _roles_of(user), "active": user.is_active},
        },
    )
    notify(
        users=[u for u in supervisors_of(change.division_code) if u.pk != user.pk]
        + ([change.requested_by] if change.requested_by_id else []),
        title=f"账号 {user.username} 的{change.get_kind_display()}已由安全管理员批准生效",
        url="",
    )


def _refuse(approval, actor: Actor) -> None:
    change = AccountChange.objects.select_for_update().get(pk=approval.object_id)
    if change.status != ChangeStatus.PENDING:
        return
    change.status = ChangeStatus.REJECTED
    change.decided_at = timezone.now()
    change.save()
    access_log_write(
        actor=actor,
        action=Action.ADMIN,
        obj=change,
        division_code=change.division_code,
        detail={"event": "privileged_change_rejected", "kind": change.kind, "account": change.user.username},
    )


def register() -> None:
    from jiayuan.workflows.registry import register_kind

    register_kind(
        KIND,
        levels=_levels,
        on_approved=_apply,
        on_rejected=_refuse,
        perms={
            "request": "accounts.manage_users",
            "approve": "accounts.approve_privileged",
            "return": "accounts.approve_privileged",
            "reject": "accounts.approve_privileged",
        },
        label=LABEL,
        url=lambda approval: "/accounts/changes/",
    )


def change_secret_take(*, actor: Actor, change: AccountChange) -> str:
    """The one-time secret of an approved change, for the officer who approved it: shown once, then erased."""
    with transaction.atomic():
        locked = AccountChange.objects.select_for_update().get(pk=change.pk)
        if not locked.secret:
            return ""
        value = crypto.decrypt(locked.secret)
        locked.secret = ""
        locked.save(update_fields=["secret"])
        access_log_write(
            actor=actor,
            action=Action.ADMIN,
            obj=locked,
            detail={"event": "one_time_secret_shown", "account": locked.user.username},
        )
    return value
