"""Writing the access log: each row carries a keyed MAC over itself and the MAC of the row before it.

The MAC key (`AUDIT_CHAIN_KEY`, from the environment) lives outside the database: whoever can write the
database but not read the key cannot rewrite a row and re-chain the rows after it. The chain head is
checkpointed outside the database on a schedule (`access_log_checkpoint`, a signed file the auditor keeps);
`access_log_verify` checks the chain and every checkpoint, so a rewritten or truncated log is detected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from jiayuan.core.logging import scrub

from .models import AccessLog, Action, ChainHead

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from jiayuan.access.actor import Actor
    from jiayuan.accounts.models import User

_R = TypeVar("_R")

GENESIS = "0" * 64


@dataclass
class RequestLog:
    """One request that reads (or tries to read) personal or case data: it must leave at least one row."""

    written: int = 0
    # Rows that must outlive the view's transaction (e.g. an existence check whose write is rolled back).
    pending: list = field(default_factory=list)


_REQUEST: ContextVar[RequestLog | None] = ContextVar("jiayuan_access_request", default=None)

# Query parameters whose values may be personal (what a user typed): only their length is logged.
FREE_TEXT_PARAMS = {"q", "name", "phone", "id_number", "search", "keyword", "text", "account", "note"}


def _asked(request: HttpRequest, kwargs: dict) -> dict:
    """What the request asked for, without personal values: the page, the record ids, the filters."""
    detail: dict = {"method": request.method}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        detail["page"] = match.view_name
    else:
        detail["path"] = scrub(request.path)[:200]
    if kwargs:
        detail["args"] = {k: str(v)[:40] for k, v in kwargs.items()}
    params = {}
    for key in list(request.GET.keys())[:20]:
        value = request.GET.get(key, "")
        params[key[:40]] = f"({len(value)} 字)" if key in FREE_TEXT_PARAMS else scrub(value)[:40]
    if params:
        detail["params"] = params
    return detail


def request_log_run(request: HttpRequest, actor: Actor | None, perm: str, call: Callable[[], _R], kwargs: dict) -> _R:
    """Run a view or an API operation that touches personal or case data, so it leaves one access-log row.

    The view's own rows (a record viewed, a search, an export) count; a view that writes none gets a row for
    the list or page it served; a refusal (404 from the scope check, 401/404 from a missing permission) gets a
    "拒绝访问" row. Never the values: only the page, the ids in the URL and the filter names (and short values).
    """
    state = RequestLog()
    token = _REQUEST.set(state)
    try:
        response = call()
    except Exception as exc:
        _REQUEST.reset(token)
        _write_pending(state)
        if _is_refusal(exc):
            _write_request_row(request, actor, perm, kwargs, Action.REFUSED, status=404)
        elif (
            not state.written
            and settings.ACCESS_LOG_LISTS
            and 400 <= (status := getattr(exc, "status_code", 500)) < 500
        ):
            # Asked and answered with a message (a bad parameter, a stale edit, nothing registered yet).
            _write_request_row(request, actor, perm, kwargs, _fallback_action(request, kwargs), status=status)
        raise
    _REQUEST.reset(token)
    _write_pending(state)
    status = getattr(response, "status_code", 200)
    if status == 404:
        _write_request_row(request, actor, perm, kwargs, Action.REFUSED, status=404)
    elif not state.written and settings.ACCESS_LOG_LISTS:
        _write_request_row(request, actor, perm, kwargs, _fallback_action(request, kwargs), status=status)
    return response


def _fallback_action(request: HttpRequest, kwargs: dict) -> str:
    if request.method in ("GET", "HEAD"):
        return Action.OPEN if kwargs else Action.LIST
    return Action.ACT


def _write_pending(state: RequestLog) -> None:
    for row in state.pending:
        access_log_write(**row)
        state.written += 1


def access_log_write_lasting(**row: Any) -> None:
    """Write a row that must stay even if the caller's transaction rolls back (the request writes it at its
    end, outside the view's transaction); outside a request, at once."""
    current = _REQUEST.get()
    if current is not None:
        current.pending.append(row)
    else:
        access_log_write(**row)


def _is_refusal(exc: Exception) -> bool:
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
    from django.http import Http404

    if isinstance(exc, (Http404, PermissionDenied, ObjectDoesNotExist)):
        return True
    if exc.__class__.__name__ == "NotFound":
        return True
    return getattr(exc, "status_code", None) in (401, 403, 404)


def _write_request_row(
    request: HttpRequest, actor: Actor | None, perm: str, kwargs: dict, action: str, *, status: int
) -> None:
    detail = _asked(request, kwargs)
    detail["perm"] = perm
    detail["status"] = status
    if request.path.startswith("/api/"):
        detail["channel"] = "api"
    user = getattr(actor, "user", None) if actor is not None else None
    access_log_write(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        user=user,
        request=request,
        action=action,
        object_type=perm.split(".", 1)[0],
        object_id=str(next(iter(kwargs.values()), ""))[:64] if kwargs else "",
        detail=detail,
    )


def _chain_key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if not key:
        raise ImproperlyConfigured("JIAYUAN_AUDIT_KEY is not set")
    return key.encode("utf-8")


def _payload(row: AccessLog, prev_hash: str) -> bytes:
    return json.dumps(
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
    ).encode("utf-8")


def row_digest(row: AccessLog, prev_hash: str) -> str:
    """The keyed MAC (HMAC-SHA256) that chains `row` to the row before it."""
    return hmac.new(_chain_key(), _payload(row, prev_hash), hashlib.sha256).hexdigest()


def legacy_digest(row: AccessLog, prev_hash: str) -> str:
    """The unkeyed hash of rows written before the chain was keyed (accepted only before the first keyed row)."""
    return hashlib.sha256(_payload(row, prev_hash)).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (REMOTE_ADDR, already resolved through trusted proxies by core.middleware)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _without_nul(value: Any) -> Any:
    """The value with NUL characters taken out of every string (PostgreSQL's JSON refuses them; a request may carry
    them in a parameter's name or value)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(str(k)): _without_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nul(v) for v in value]
    return value


def _clean_detail(detail: dict | None) -> dict:
    if not detail:
        return {}
    # Round-trip through JSON so the stored value hashes the same as the one read back.
    text = scrub(json.dumps(_without_nul(detail), ensure_ascii=False, default=str))
    return json.loads(text)


def access_log_write(
    *,
    actor: Actor | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    division_code: str = "",
    field_classes: Iterable[str] = (),
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
    current = _REQUEST.get()
    if current is not None:
        current.written += 1
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


def access_log_verify(*, batch: int = 5000, checkpoint_dir: str | Path | None = None) -> tuple[bool, str]:
    """Walk the chain from the start; report the first row that was changed, removed or inserted.

    Rows written before the chain was keyed carry a plain SHA-256; they are accepted only before the first
    keyed row, whose MAC covers the last of them, so none of them can be rewritten afterwards either. Then
    every checkpoint file is checked against the rows: a rewritten or truncated chain no longer holds the
    hash a checkpoint recorded at its row."""
    prev = GENESIS
    count = 0
    last_id = 0
    keyed = last_keyed = False
    hashes_at: dict[int, str] = {}
    checkpoints, problems = checkpoints_read(checkpoint_dir)
    wanted = {c["last_id"] for c in checkpoints}
    qs = AccessLog.objects.order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:batch])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return False, f"第 {row.pk} 条记录的前序哈希不符：其前一条记录被删除、插入或修改"
            last_keyed = hmac.compare_digest(row_digest(row, prev), row.row_hash)
            if last_keyed:
                keyed = True
            elif keyed or legacy_digest(row, prev) != row.row_hash:
                return False, f"第 {row.pk} 条记录的内容与校验码不符：该记录被篡改"
            if row.pk in wanted:
                hashes_at[row.pk] = row.row_hash
            prev = row.row_hash
            last_id = row.pk
            count += 1
    if count and not last_keyed:
        # Only rows anyone could have computed: a keyed chain was replaced (or never started).
        return False, "访问日志中没有一条带密钥校验码的记录：日志被整体改写，或尚未启用密钥校验"
    if problems:
        return False, problems[0]
    for checkpoint in checkpoints:
        at = checkpoint["last_id"]
        if at > last_id:
            return False, (
                f"检查点（{checkpoint['at']}）记录日志已写到第 {at} 条，现在只有到第 {last_id} 条：日志末尾被删除"
            )
        if at and hashes_at.get(at) != checkpoint["last_hash"]:
            return False, f"第 {at} 条记录与检查点（{checkpoint['at']}）不符：检查点之前的日志被改写"
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return False, "日志末尾的记录被删除：链头哈希与最后一条记录不符"
    suffix = f"，与 {len(checkpoints)} 个检查点一致" if checkpoints else ""
    return True, f"访问日志完整，共 {count} 条，密钥校验链校验通过{suffix}"


# --- checkpoints outside the database ----------------------------------------------------------------------


def checkpoint_dir() -> Path:
    return Path(getattr(settings, "AUDIT_CHECKPOINT_DIR", "") or Path(settings.VAR_DIR) / "audit-checkpoints")


def _checkpoint_mac(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(_chain_key(), b"checkpoint:" + text.encode("utf-8"), hashlib.sha256).hexdigest()


def access_log_checkpoint(*, directory: str | Path | None = None) -> Path:
    """Write the chain head (last row id, its MAC, the row count) to a signed file outside the database.

    Scheduled by the operations jobs (e.g. hourly); the files are kept by the auditor (copied off the host).
    Files are only ever added: one per checkpoint, named by time and row."""
    target = Path(directory) if directory else checkpoint_dir()
    target.mkdir(parents=True, exist_ok=True)
    last = AccessLog.objects.order_by("-id").values("id", "row_hash").first()
    body = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "last_id": last["id"] if last else 0,
        "last_hash": last["row_hash"] if last else GENESIS,
        "count": AccessLog.objects.count(),
    }
    body["mac"] = _checkpoint_mac({k: v for k, v in body.items() if k != "mac"})
    name = f"checkpoint-{timezone.now():%Y%m%dT%H%M%S%f}-{body['last_id']}.json"
    path = target / name
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chmod(tmp, 0o440)
    tmp.replace(path)
    return path


def checkpoints_read(directory: str | Path | None = None) -> tuple[list[dict], list[str]]:
    """Every checkpoint file with a valid signature, and the problems found (a forged or damaged file)."""
    target = Path(directory) if directory else checkpoint_dir()
    if not target.is_dir():
        return [], []
    found, problems = [], []
    for path in sorted(target.glob("checkpoint-*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            mac = body.pop("mac")
            valid = hmac.compare_digest(_checkpoint_mac(body), mac)
        except (ValueError, KeyError, TypeError, OSError):
            valid = False
        if not valid:
            problems.append(f"检查点文件 {path.name} 的签名无效：文件被修改或伪造")
            continue
        found.append(body)
    return found, problems
