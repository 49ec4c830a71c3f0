"""Creating users and postings, within the administrator's own level and below."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import AGENCY_ROLES, PRIVILEGED_ROLES, Role
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ValidationFailed
from jiayuan.divisions.models import Division, in_subtree
from jiayuan.orgs.models import PartnerAgency

from .models import Posting, User


def _date(value, field: str, errors: dict) -> dt.date | None:
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
    *, actor: Actor, role: str, division: Division | None, agency: PartnerAgency | None, errors: dict
) -> None:
    """An administrator may post users only within their own scope, and not to privileged roles."""
    if role not in Role.values:
        errors["role"] = "请选择角色。"
        return
    if role in AGENCY_ROLES and agency is None:
        errors["agency"] = "协作单位工作人员须选择所属协作单位。"
    if role not in AGENCY_ROLES and division is None:
        errors["division"] = "请选择岗位所在的区划。"
    if actor.is_system:
        return
    prefix = actor.broadest_prefix("accounts.manage_users")
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
    agency_id=None,
    valid_from=None,
    valid_to=None,
) -> User:
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
        user.set_password(password)
        user._history_user = author
        user.save(force_insert=True)
        posting = Posting(
            user=user,
            role=role,
            division=None if role in AGENCY_ROLES else division,
            agency=agency if role in AGENCY_ROLES else None,
            valid_from=start,
            valid_to=end,
            created_by=author,
        )
        posting._history_user = author
        posting.save(force_insert=True)
        if not actor.is_system:
            access_log_write(
                actor=actor,
                action=Action.ADMIN,
                obj=user,
                detail={"event": "user_create", "role": role, "posting": posting.pk},
            )
    return user


def posting_add(
    *,
    actor: Actor,
    user: User,
    role: str,
    division_code: str = "",
    agency_id=None,
    valid_from=None,
    valid_to=None,
    note: str = "",
) -> Posting:
    """Add a posting, e.g. a time-limited cover for an absent colleague."""
    errors: dict[str, str] = {}
    division = Division.objects.filter(code=division_code).first() if division_code else None
    agency = PartnerAgency.objects.filter(pk=agency_id).first() if agency_id else None
    start = _date(valid_from, "valid_from", errors) or timezone.localdate()
    end = _date(valid_to, "valid_to", errors)
    if end and end < start:
        errors["valid_to"] = "失效日期不能早于生效日期。"
    posting_check(actor=actor, role=role, division=division, agency=agency, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    posting = Posting(
        user=user,
        role=role,
        division=None if role in AGENCY_ROLES else division,
        agency=agency if role in AGENCY_ROLES else None,
        valid_from=start,
        valid_to=end,
        note=note,
        created_by=getattr(actor, "user", None),
    )
    posting._history_user = getattr(actor, "user", None)  # the author of the history row
    posting.save(force_insert=True)
    return posting
