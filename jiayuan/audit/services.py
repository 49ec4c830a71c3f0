"""Writing the access log: each row carries the hash of the one before it."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from jiayuan.core.logging import scrub

from .models import AccessLog, ChainHead

GENESIS = "0" * 64


def row_digest(row: AccessLog, prev_hash: str) -> str:
    payload = json.dumps(
        [
            prev_hash,
            row.at.isoformat(),
            row.user_id,
            row.username,
            row.posting_id,
            row.action,
            row.object_type,
            str(row.object_id),
            row.division_code,
            sorted(row.field_classes),
            row.ip,
            row.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _clean_detail(detail: dict | None) -> dict:
    if not detail:
        return {}
    # Round-trip through JSON so the stored value hashes the same as the one read back.
    text = scrub(json.dumps(detail, ensure_ascii=False, default=str))
    return json.loads(text)


def access_log_write(
    *,
    actor=None,
    user=None,
    request=None,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    division_code: str = "",
    field_classes=(),
    detail: dict | None = None,
    username: str = "",
) -> AccessLog:
    """Append one row to the chain, in the caller's transaction."""
    if actor is not None and user is None:
        user = actor.user
    if actor is not None and actor.is_system:
        # The system acting: named with its job in Chinese, the job's code kept in the detail.
        username = username or actor.display_name
        detail = {**(detail or {}), "system_job": actor.job}
    posting = actor.primary_posting if actor is not None else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        division_code = division_code or (getattr(obj, "division_id", "") or "")
    row = AccessLog(
        at=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        username=username or (getattr(user, "username", "") or ""),
        posting_id=getattr(posting, "pk", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        division_code=division_code or "",
        field_classes=sorted(set(field_classes)),
        ip=client_ip(request),
        detail=_clean_detail(detail),
    )
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
            head = ChainHead.objects.select_for_update().get(pk=1)
        row.prev_hash = head.last_hash
        row.row_hash = row_digest(row, head.last_hash)
        row.save()
        ChainHead.objects.filter(pk=1).update(last_hash=row.row_hash, last_id=row.pk)
    return row


def access_log_verify(*, batch: int = 5000) -> tuple[bool, str]:
    """Walk the chain from the start; report the first row that was changed, removed or inserted."""
    prev = GENESIS
    count = 0
    last_id = 0
    qs = AccessLog.objects.order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:batch])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return False, f"第 {row.pk} 条记录的前序哈希不符：其前一条记录被删除、插入或修改"
            if row_digest(row, prev) != row.row_hash:
                return False, f"第 {row.pk} 条记录的内容与哈希不符：该记录被篡改"
            prev = row.row_hash
            last_id = row.pk
            count += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return False, "日志末尾的记录被删除：链头哈希与最后一条记录不符"
    return True, f"访问日志完整，共 {count} 条，哈希链校验通过"
