"""Granting and revoking access to single records; emergency (break-glass) reads; access requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError, NotFound, ValidationFailed

from . import policy
from .actor import Actor
from .models import AccessGrant, AccessRequest, GrantKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from jiayuan.accounts.models import User
    from jiayuan.orgs.models import PartnerAgency

# What a duplicate-person notice seals with the existing record's id, so that the page may carry a reference to an
# access request without showing the id itself.
ACCESS_REQUEST_SALT = "jiayuan.people.access-request"


def grant_access(
    *,
    obj: Model,
    kind: str,
    user: User | None = None,
    agency: PartnerAgency | None = None,
    write: bool = False,
    reason: str = "",
    until: dt.datetime | None = None,
    source_key: str = "",
    created_by: User | None = None,
) -> AccessGrant:
    """Open one record to a user or an agency; call it in the transaction of what causes it."""
    spec = policy.registered_spec(type(obj))
    if spec is not None and not spec.grants:
        raise ValueError(f"{type(obj).__name__} is registered as a register no grant reaches")
    policy.grants_changed()
    return AccessGrant.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        user=user,
        agency=agency,
        kind=kind,
        write=write,
        reason=reason[:500],
        valid_until=until,
        source_key=source_key,
        created_by=created_by,
    )


def revoke_access(
    *,
    source_key: str = "",
    obj: Model | None = None,
    user: User | None = None,
    agency: PartnerAgency | None = None,
    kind: str | None = None,
) -> int:
    """Take grants away (by their source, or by record and grantee); returns how many were active."""
    qs = AccessGrant.objects.active()
    if source_key:
        qs = qs.filter(source_key=source_key)
    if obj is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
    if user is not None:
        qs = qs.filter(user=user)
    if agency is not None:
        qs = qs.filter(agency=agency)
    if kind:
        qs = qs.filter(kind=kind)
    if not (source_key or obj is not None):
        raise ValueError("revoke_access needs a source or a record")
    policy.grants_changed()
    return qs.update(revoked_at=timezone.now())


@dataclass(frozen=True)
class BreakGlassTarget:
    model: type[Model]
    perm: str  # the read permission the grant extends
    url: Callable[[int], str]


_BREAK_GLASS_TARGETS: dict[str, BreakGlassTarget] = {}


def register_break_glass_target(label: str, target: BreakGlassTarget) -> None:
    _BREAK_GLASS_TARGETS[label] = target


def break_glass_target(label: str) -> BreakGlassTarget:
    try:
        return _BREAK_GLASS_TARGETS[label]
    except KeyError:
        raise NotFound("未找到该记录") from None


MIN_REASON = 10


def break_glass_open(
    *, actor: Actor, label: str, object_id: int, reason: str, request: HttpRequest | None = None
) -> AccessGrant:
    """An emergency read outside one's scope: a typed reason, a time limit, the supervisor told."""
    from jiayuan.accounts.selectors import supervisors_of
    from jiayuan.notifications.models import Level
    from jiayuan.notifications.services import notify

    if not actor.has_perm("access.breakglass"):
        raise NotFound("未找到该记录")
    target = break_glass_target(label)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationFailed({"reason": f"请具体说明紧急查阅的理由（不少于 {MIN_REASON} 个字）。"})
    record = policy.unscoped(target.model).filter(pk=object_id).first()
    if record is None:
        raise NotFound("未找到该记录")
    until = timezone.now() + dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES)
    with transaction.atomic():
        grant = grant_access(
            obj=record,
            kind=GrantKind.BREAK_GLASS,
            user=actor.user,
            reason=reason,
            until=until,
            source_key=f"breakglass:{actor.user_id}:{label}:{record.pk}",
            created_by=actor.user,
        )
        division = getattr(record, "division_id", "") or ""
        access_log_write(
            actor=actor,
            request=request,
            action=Action.BREAK_GLASS,
            obj=record,
            field_classes=["personal"],
            detail={"reason_length": len(reason), "until": until.isoformat()},
        )
        notify(
            users=supervisors_of(division) if division else [],
            title=f"紧急查阅提醒：{actor.user} 查阅了本辖区的一条记录",
            body=f"记录类型：{target.model._meta.verbose_name}；编号：{record.pk}；事由：{reason}；有效至 "
            f"{timezone.localtime(until):%Y-%m-%d %H:%M}",
            url=target.url(record.pk),
            level=Level.URGENT,
        )
    return grant


def access_request_create(
    *, actor: Actor, label: str, object_id: int, reason: str, request: HttpRequest | None = None
) -> AccessRequest:
    """Ask the record's jurisdiction for access; the requester learns nothing more until it is granted."""
    from jiayuan.accounts.selectors import supervisors_of
    from jiayuan.notifications.services import notify

    target = break_glass_target(label)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed({"reason": "请填写查阅事由。"})
    record = policy.unscoped(target.model).filter(pk=object_id).first()
    requester = actor.user
    if record is None or requester is None:
        raise NotFound("未找到该记录")
    with transaction.atomic():
        item = AccessRequest.objects.create(
            content_type=ContentType.objects.get_for_model(target.model),
            object_id=record.pk,
            division_id=record.division_id,
            requester=requester,
            reason=reason[:500],
        )
        access_log_write(
            actor=actor,
            request=request,
            action=Action.ACCESS_REQUEST,
            object_type=label,
            object_id=str(record.pk),
            division_code=record.division_id,
        )
        notify(
            users=supervisors_of(record.division_id),
            title="有一条跨辖区查阅申请待审批",
            body=f"申请人：{actor.user}；事由：{reason}",
            url="/access/requests/",
        )
    return item


def access_request_decide(*, actor: Actor, access_request: AccessRequest, approve: bool) -> AccessRequest:
    from jiayuan.notifications.services import notify

    if not actor.is_system and not policy.allows(actor, "access.decide_request", access_request):
        raise NotFound("未找到该申请")
    if access_request.status != AccessRequest.Status.PENDING:
        raise ApplicationError("该申请已处理。")
    with transaction.atomic():
        access_request.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
        access_request.decided_by = actor.user
        access_request.decided_at = timezone.now()
        access_request.save()
        if approve:
            record = access_request.content_type.get_object_for_this_type(pk=access_request.object_id)
            grant_access(
                obj=record,
                kind=GrantKind.REQUEST,
                user=access_request.requester,
                reason=access_request.reason,
                until=timezone.now() + dt.timedelta(days=30),
                source_key=f"request:{access_request.pk}",
                created_by=actor.user,
            )
        notify(users=[access_request.requester], title="您的查阅申请已" + ("同意" if approve else "拒绝"), url="/")
    return access_request
