"""Creating users and postings, within the administrator's own level and below."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import AGENCY_ROLES, PRIVILEGED_ROLES, Role
from jiayuan.accounts.models import AccountChange, ChangeKind, Posting, User
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.core.models import history_user_set
from jiayuan.divisions.models import Division, in_subtree
from jiayuan.orgs.models import PartnerAgency

from . import duties

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from jiayuan.accounts.models import ApiToken


def _date(value: dt.date | str | None, field: str, errors: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "日期格式不正确，应为 年-月-日（如 2026-01-31）。"
        return None


def posting_check(
    *,
    actor: Actor,
    role: str,
    division: Division | None,
    agency: PartnerAgency | None,
    errors: dict,
    user: User | None = None,
) -> None:
    """An administrator may post users only within their own scope, and not to privileged roles."""
    if role not in Role.values:
        errors["role"] = "请选择角色。"
        return
    duties.separated_roles_check(user, role, errors)
    if role in AGENCY_ROLES and agency is None:
        errors["agency"] = "协作单位工作人员须选择所属协作单位。"
    if role not in AGENCY_ROLES and division is None:
        errors["division"] = "请选择岗位所在的区划。"
    if duties.is_system(actor):
        return
    prefix = policy.reach(actor, "accounts.manage_users")
    if prefix is None:
        errors["role"] = "您没有管理用户的权限。"
        return
    if prefix and role in PRIVILEGED_ROLES and role != Role.USER_ADMIN:
        errors["role"] = "只有系统管理员可以设置该角色。"
    place = agency.division_id if agency is not None else (division.code if division else "")
    if prefix and place and not in_subtree(place, prefix):
        errors["division"] = "只能在本级及下级范围内设置岗位。"


def user_create(
    *,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    role: str,
    division_code: str = "",
    agency_id: int | str | None = None,
    valid_from: dt.date | str | None = None,
    valid_to: dt.date | str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create an account with its first posting.

    An account whose role reaches personal data is created inactive, without a usable password, and waits
    for a security officer (`duties`); on approval it is activated with a one-time password the officer
    hands over, to be changed at first sign-in. Other accounts start at once, with the password the
    administrator set, also to be changed at first sign-in. `user.pending_change` tells which happened."""
    errors: dict[str, str] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = "请填写用户名。"
    elif User.objects.filter(username=username).exists():
        errors["username"] = "该用户名已被使用。"
    division = Division.objects.filter(code=division_code).first() if division_code else None
    agency = PartnerAgency.objects.filter(pk=agency_id).first() if agency_id else None
    start = _date(valid_from, "valid_from", errors) or timezone.localdate()
    end = _date(valid_to, "valid_to", errors)
    if end and end < start:
        errors["valid_to"] = "失效日期不能早于生效日期。"
    waits = duties.needs_approval(actor, role) if role in Role.values else False
    if not waits:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors["password"] = "；".join(exc.messages)
    posting_check(actor=actor, role=role, division=division, agency=agency, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        author = getattr(actor, "user", None)  # named in the history rows
        user = User(username=User.normalize_username(username), display_name=display_name.strip())
        if waits:
            user.set_unusable_password()
            user.is_active = False
        else:
            user.set_password(password)
            user.must_change_password = not duties.is_system(actor)
        history_user_set(user, author)
        user.save(force_insert=True)
        payload: dict[str, Any] = {
            "role": role,
            "division_code": division.code if division and role not in AGENCY_ROLES else "",
            "agency_id": agency.pk if agency and role in AGENCY_ROLES else None,
            "valid_from": start.isoformat(),
            "valid_to": end.isoformat() if end else None,
        }
        user.pending_change = None
        if waits:
            user.pending_change = duties.change_request(
                actor=actor,
                kind=ChangeKind.USER_CREATE,
                user=user,
                division_code=_place(division, agency, role),
                payload=payload,
                after={"roles": [f"{Role(role).label}@{_place(division, agency, role)}"], "active": True},
                request=request,
            )
        else:
            posting = posting_write(user=user, author=author, **payload)
            if not duties.is_system(actor):
                access_log_write(
                    actor=actor,
                    request=request,
                    action=Action.ADMIN,
                    obj=user,
                    detail={
                        "event": "user_create",
                        "role": role,
                        "posting": posting.pk,
                        "before": {},
                        "after": {"roles": [str(posting)], "active": True},
                    },
                )
    return user


def _place(division: Division | None, agency: PartnerAgency | None, role: str) -> str:
    if role in AGENCY_ROLES and agency is not None:
        return agency.division_id or ""
    return division.code if division is not None else ""


def posting_write(
    *,
    user: User,
    author: User | None,
    role: str,
    division_code: str = "",
    agency_id: int | str | None = None,
    valid_from: dt.date | str | None = None,
    valid_to: dt.date | str | None = None,
    note: str = "",
) -> Posting:
    """Write a posting already checked (and, where it reaches personal data, approved)."""
    posting = Posting(
        user=user,
        role=role,
        division_id=None if role in AGENCY_ROLES else (division_code or None),
        agency_id=agency_id if role in AGENCY_ROLES else None,
        valid_from=dt.date.fromisoformat(valid_from)
        if isinstance(valid_from, str)
        else (valid_from or timezone.localdate()),
        valid_to=dt.date.fromisoformat(valid_to) if isinstance(valid_to, str) else valid_to,
        note=note,
        created_by=author,
    )
    history_user_set(posting, author)  # the author of the history row
    posting.save(force_insert=True)
    return posting


def posting_add(
    *,
    actor: Actor,
    user: User,
    role: str,
    division_code: str = "",
    agency_id: int | str | None = None,
    valid_from: dt.date | str | None = None,
    valid_to: dt.date | str | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Posting | AccountChange:
    """Add a posting (a new role, a move, a time-limited cover for an absent colleague).

    A posting whose role reaches personal data waits for a security officer: the `AccountChange` is returned."""
    errors: dict[str, str] = {}
    division = Division.objects.filter(code=division_code).first() if division_code else None
    agency = PartnerAgency.objects.filter(pk=agency_id).first() if agency_id else None
    start = _date(valid_from, "valid_from", errors) or timezone.localdate()
    end = _date(valid_to, "valid_to", errors)
    if end and end < start:
        errors["valid_to"] = "失效日期不能早于生效日期。"
    posting_check(actor=actor, role=role, division=division, agency=agency, errors=errors, user=user)
    if errors:
        raise ValidationFailed(errors)
    payload: dict[str, Any] = {
        "role": role,
        "division_code": division.code if division and role not in AGENCY_ROLES else "",
        "agency_id": agency.pk if agency and role in AGENCY_ROLES else None,
        "valid_from": start.isoformat(),
        "valid_to": end.isoformat() if end else None,
        "note": note,
    }
    if duties.needs_approval(actor, role):
        return duties.change_request(
            actor=actor,
            kind=ChangeKind.POSTING_ADD,
            user=user,
            division_code=_place(division, agency, role),
            payload=payload,
            after={"roles": [f"{Role(role).label}@{_place(division, agency, role)}"]},
            request=request,
        )
    with transaction.atomic():
        posting = posting_write(user=user, author=getattr(actor, "user", None), **payload)
        if not duties.is_system(actor):
            access_log_write(
                actor=actor,
                request=request,
                action=Action.ADMIN,
                obj=user,
                detail={"event": "posting_add", "role": role, "posting": posting.pk, "after": str(posting)},
            )
    return posting


# --- passwords and tokens ----------------------------------------------------------------------------------


def password_change(
    *, actor: Actor, old_password: str, new_password: str, new_password2: str, request: HttpRequest | None = None
) -> None:
    """A user changes her own password (and so clears a forced change)."""
    user = actor.user
    if user is None:
        raise NotFound()  # the system has no password of its own
    errors: dict[str, str] = {}
    if not user.check_password(old_password or ""):
        errors["old_password"] = "原密码不正确。"
    if new_password != new_password2:
        errors["new_password2"] = "两次输入的新密码不一致。"
    elif new_password == old_password:
        errors["new_password"] = "新密码不能与原密码相同。"
    else:
        try:
            validate_password(new_password, user)
        except ValidationError as exc:
            errors["new_password"] = "；".join(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        history_user_set(user, user)
        user.save()
        access_log_write(
            actor=actor, request=request, action=Action.ADMIN, obj=user, detail={"event": "password_change"}
        )


def password_reset(
    *, actor: Actor, user: User, password: str = "", request: HttpRequest | None = None
) -> AccountChange | None:
    """An administrator resets a password; the user must change it at next sign-in.

    An account that reaches personal data is reset only with a security officer's approval (the administrator
    would otherwise sign in as that person): the officer receives the one-time password, never the admin."""
    if actor.user_id == user.pk:
        raise ValidationFailed({"password": "请在“修改密码”页面修改自己的密码。"})
    if not user_in_reach(actor=actor, user=user):
        from django.http import Http404

        raise Http404("未找到该用户")
    if duties.user_reaches_personal_data(user) and not duties.is_system(actor):
        return duties.change_request(
            actor=actor,
            kind=ChangeKind.PASSWORD_RESET,
            user=user,
            division_code=_user_place(user),
            payload={},
            after={"password": "重置（下次登录须修改）"},
            request=request,
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": "；".join(exc.messages)}) from None
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        history_user_set(user, actor.user)
        user.save()
        access_log_write(
            actor=actor, request=request, action=Action.ADMIN, obj=user, detail={"event": "password_reset"}
        )
    return None


def _user_place(user: User) -> str:
    today = timezone.localdate()
    postings = list(Posting.objects.filter(user=user).exclude(valid_to__lt=today).select_related("agency"))
    places = [p.agency.division_id if p.agency is not None else p.division_id for p in postings]
    found = [p for p in places if p]
    return min(found, key=len) if found else ""


def user_in_reach(*, actor: Actor, user: User) -> bool:
    from .selectors import user_list

    return user_list(actor=actor, perm="accounts.manage_users").filter(pk=user.pk).exists()


def token_issue(
    *,
    actor: Actor,
    user: User,
    purpose: str,
    days: float | None = None,
    hours: float | None = None,
    interactive: bool = True,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str] | AccountChange:
    """Issue an API token with a purpose and a short life.

    Holders mint their own (interactive, at most a day); an administrator issuing one for another account that
    reaches personal data (a machine client's account) waits for a security officer. Returns (token, raw) or
    the pending `AccountChange`."""
    from django.conf import settings

    from jiayuan.accounts.models import ApiToken

    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationFailed({"purpose": "请填写令牌用途（如：12338 热线系统对接）。"})
    max_days = float(getattr(settings, "API_TOKEN_MAX_DAYS", 90))
    if (days or 0) > max_days:
        raise ValidationFailed({"days": f"令牌有效期最长 {max_days:g} 天。"})
    if actor.user_id == user.pk:
        if (days or 0) > 1 or (hours or 0) > 24:
            raise ValidationFailed({"days": "自行签发的令牌最长有效 1 天；长期令牌须由管理员申请。"})
        token, raw = ApiToken.issue(user, days=days, hours=hours, purpose=purpose, interactive=True, issued_by=user)
        access_log_write(actor=actor, request=request, action=Action.TOKEN, obj=user, detail={"purpose": purpose[:100]})
        return token, raw
    if not user_in_reach(actor=actor, user=user):
        from django.http import Http404

        raise Http404("未找到该用户")
    payload = {"purpose": purpose, "days": days, "hours": hours, "interactive": interactive}
    if duties.user_reaches_personal_data(user) and not duties.is_system(actor):
        return duties.change_request(
            actor=actor,
            kind=ChangeKind.TOKEN,
            user=user,
            division_code=_user_place(user),
            payload=payload,
            after={"token": purpose},
            request=request,
        )
    token, raw = ApiToken.issue(
        user, days=days, hours=hours, purpose=purpose, interactive=interactive, issued_by=actor.user
    )
    access_log_write(
        actor=actor,
        request=request,
        action=Action.TOKEN,
        obj=user,
        detail={"purpose": purpose[:100], "for": user.username},
    )
    return token, raw


def token_revoke(*, actor: Actor, token: ApiToken, request: HttpRequest | None = None) -> None:
    """The holder revokes her own token; a security officer revokes any token of an account in her area."""
    from django.http import Http404

    own = token.user_id == actor.user_id
    if not own:
        if not actor.has_perm("accounts.revoke_tokens"):
            raise Http404("未找到该令牌")
        from .selectors import user_list

        if not user_list(actor=actor, perm="accounts.revoke_tokens").filter(pk=token.user_id).exists():
            raise Http404("未找到该令牌")
    if token.revoked_at is not None:
        return
    from jiayuan.accounts.models import ApiToken

    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )
    access_log_write(
        actor=actor,
        request=request,
        action=Action.ADMIN,
        obj=token.user,
        detail={"event": "token_revoke", "token": token.pk, "own": own},
    )


def grant_request(
    *, actor: Actor, user: User, obj: Model, reason: str, days: int = 7, request: HttpRequest | None = None
) -> AccountChange:
    """An administrator asks to open one record to an account: always through a security officer."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写授权理由。"})
    if not user_in_reach(actor=actor, user=user):
        from django.http import Http404

        raise Http404("未找到该用户")
    return duties.change_request(
        actor=actor,
        kind=ChangeKind.GRANT,
        user=user,
        division_code=getattr(obj, "division_id", "") or _user_place(user),
        payload={
            "model": obj._meta.label_lower,
            "object_id": obj.pk,
            "reason": reason[:500],
            "days": int(days),
        },
        after={"grant": f"{obj._meta.verbose_name} {obj.pk}"},
        request=request,
    )


def account_unlock(*, actor: Actor, username: str, request: HttpRequest | None = None) -> bool:
    """A security officer lifts a lockout (all addresses) of an account in her area; logged."""
    from axes.utils import reset

    from .selectors import user_list

    if not user_list(actor=actor, perm="accounts.unlock").filter(username=username).exists():
        return False
    count = reset(username=username)
    access_log_write(
        actor=actor,
        request=request,
        action=Action.ADMIN,
        username="",
        detail={"event": "unlock", "account": username, "attempts": count},
    )
    return True
