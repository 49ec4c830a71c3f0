"""Handling a case: typed actions (contacts, visits, mediation, follow-up…), corrections of the timeline,
the team, attachments, and the logged reveal of the account.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.services import grant_access, revoke_access
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.cases.models import (
    ActionKind,
    Case,
    CaseAction,
    CaseAttachment,
    CaseEvent,
    CaseTeamMember,
    EventKind,
    Status,
    TeamRole,
)
from jiayuan.core import crypto
from jiayuan.core.errors import StaleEditError, ValidationFailed, WorkflowError
from jiayuan.notifications.services import notify

from .common import (
    case_lock,
    case_save,
    case_url,
    require_on_case,
    user_of,
)
from .timeline import event_write

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from jiayuan.accounts.models import User


def _date(value: object, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed({field_name: "日期格式不正确。"}) from None


ACTION_FIELDS: dict[str, dict[str, str]] = {
    ActionKind.MEDIATION: {"participants": "参加人员"},
    ActionKind.PROTECTION_ORDER: {"court": "受理法院", "applied_on": "申请日期", "decided_on": "裁定日期"},
    ActionKind.WARNING_LETTER: {"letter_no": "告诫书编号", "police_unit": "出具单位"},
    ActionKind.SHELTER: {"place": "庇护场所", "until": "预计至"},
    ActionKind.LEGAL_AID: {"provider": "法律援助机构或律师"},
    ActionKind.COUNSELLING: {"provider": "心理咨询机构或人员"},
    ActionKind.LITIGATION: {"procuratorate": "检察机关", "stage": "进展"},
    ActionKind.FOLLOW_UP: {"method": "回访方式"},
}


def case_action_add(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    occurred_on: dt.date | str | None = None,
    note: str = "",
    success: bool | None = None,
    satisfaction: int | None = None,
    data: dict | None = None,
    expected_version: int | None = None,
) -> CaseAction:
    """Record a handling step (mediation session, protection order, follow-up visit…).

    With `expected_version` (the case's version the caller last read) a case changed since is refused as a
    stale edit instead of being acted on blindly."""
    require_on_case(actor, "cases.handle", case)
    if kind not in ActionKind.values:
        raise ValidationFailed({"kind": "处置类型不正确。"})
    day = _date(occurred_on, "occurred_on") or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed({"occurred_on": "日期不能晚于今天。"})
    note = (note or "").strip()
    allowed = ACTION_FIELDS.get(kind, {})
    extra = {k: str(v).strip()[:200] for k, v in (data or {}).items() if k in allowed and str(v).strip()}
    errors = {}
    if kind == ActionKind.MEDIATION:
        if not extra.get("participants"):
            errors["participants"] = "请填写参加调解的人员。"
        if success is None:
            errors["success"] = "请选择是否达成调解协议。"
    if kind == ActionKind.PROTECTION_ORDER and not extra.get("court"):
        errors["court"] = "请填写受理法院。"
    if kind == ActionKind.FOLLOW_UP:
        if satisfaction is None or not 1 <= int(satisfaction) <= 5:
            errors["satisfaction"] = "请选择当事人满意度（1-5）。"
        if not note:
            errors["note"] = "请填写回访情况。"
    if kind in (ActionKind.NOTE, ActionKind.CONTACT) and not note:
        errors["note"] = "请填写记录内容。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        case_lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleEditError()
        if case.closure_pending:
            raise WorkflowError("该个案的结案申请正在审批中，请等待审批结果。")
        if case.status == Status.CLOSED and kind != ActionKind.FOLLOW_UP:
            raise WorkflowError("个案已结案，只能记录回访；如需继续处理，请先重启个案。")
        if case.status == Status.REGISTERED and kind not in (ActionKind.CONTACT, ActionKind.NOTE):
            raise WorkflowError("个案尚未评估和分派，只能记录联系情况或工作记录。")
        now = timezone.now()
        action = CaseAction.objects.create(
            case=case,
            kind=kind,
            occurred_on=day,
            success=success,
            satisfaction=int(satisfaction) if satisfaction is not None else None,
            note=note,
            data=extra,
            actor=user_of(actor),
            at=now,
        )
        if case.first_contact_at is None and kind != ActionKind.NOTE:
            case.first_contact_at = now
        if kind == ActionKind.FOLLOW_UP:
            case.followup_at = now
            if case.status == Status.CLOSED:
                case.followup_due = None
        label = ActionKind(kind).label
        if kind == ActionKind.MEDIATION:
            label += "：达成协议" if success else "：未达成协议"
        elif kind == ActionKind.PROTECTION_ORDER and success is not None:
            label += "：法院准予" if success else "：法院驳回"
        elif kind == ActionKind.FOLLOW_UP:
            label += f"：满意度 {satisfaction}/5"
        event_write(
            case,
            EventKind.FOLLOW_UP if kind == ActionKind.FOLLOW_UP else EventKind.ACTION,
            label,
            actor=actor,
            note=note,
            data={"action": action.pk, "kind": kind, "success": success, "occurred_on": day.isoformat(), **extra},
        )
        case_save(case)
    return action


def case_event_correct(*, actor: Actor, event: CaseEvent, note: str) -> CaseEvent:
    """A correction is a new entry pointing at the one it corrects; the original stays as it was."""
    case = event.case
    require_on_case(actor, "cases.handle", case)
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationFailed({"note": "请填写更正内容。"})
    with transaction.atomic():
        return event_write(
            case,
            EventKind.CORRECTION,
            f"更正 {timezone.localtime(event.at):%Y-%m-%d %H:%M} 的记录“{event.title[:60]}”",
            actor=actor,
            note=note,
            corrects=event,
            data={"corrects": event.pk},
        )


def case_team_add(*, actor: Actor, case: Case, user: User, role: str) -> CaseTeamMember:
    """一案一团队: a team seat opens the case to the member (writing unless the role only advises)."""
    require_on_case(actor, "cases.team", case)
    if role not in TeamRole.values:
        raise ValidationFailed({"role": "团队角色不正确。"})
    with transaction.atomic():
        case_lock(case)
        if case.team.filter(user=user, removed_at__isnull=True).exists():
            raise ValidationFailed({"user": "该用户已在团队中。"})
        write = Actor.for_user(user).has_perm("cases.handle")
        member = CaseTeamMember.objects.create(case=case, user=user, role=role, write=write, added_by=user_of(actor))
        grant_access(
            obj=case,
            kind=GrantKind.TEAM,
            user=user,
            write=write,
            source_key=member.source_key,
            reason=f"个案 {case.number} 团队（{TeamRole(role).label}）",
            created_by=user_of(actor),
        )
        event_write(
            case,
            EventKind.TEAM,
            f"加入团队：{user}（{TeamRole(role).label}）",
            actor=actor,
            sensitive=False,
            data={"member": member.pk, "user": user.pk, "role": role},
        )
        notify(users=[user], title=f"您已加入个案 {case.number} 的办理团队", url=case_url(case))
    return member


def case_team_remove(*, actor: Actor, member: CaseTeamMember) -> CaseTeamMember:
    case = member.case
    require_on_case(actor, "cases.team", case)
    with transaction.atomic():
        if member.removed_at is not None:
            raise WorkflowError("该成员已退出团队。")
        member.removed_at = timezone.now()
        member.save(update_fields=["removed_at"])
        revoke_access(source_key=member.source_key)
        event_write(
            case,
            EventKind.TEAM,
            f"退出团队：{member.user}",
            actor=actor,
            sensitive=False,
            data={"member": member.pk, "removed": True},
        )
    return member


ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".mp3": ("audio/mpeg", b""),
}


def case_attachment_add(*, actor: Actor, case: Case, upload: UploadedFile) -> CaseAttachment:
    """Attach a file: PDF, image, Word or audio, checked by extension and content, size-limited."""
    require_on_case(actor, "cases.handle", case)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationFailed({"file": "只能上传 PDF、JPG、PNG、Word（docx）或 MP3 文件。"})
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationFailed({"file": "文件为空。"})
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationFailed({"file": f"文件过大（最大 {settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB）。"})
    content_type, magic = ATTACHMENT_TYPES[ext]
    head = upload.read(8)
    upload.seek(0)
    if magic and not head.startswith(magic):
        raise ValidationFailed({"file": "文件内容与扩展名不符。"})
    with transaction.atomic():
        attachment = CaseAttachment(
            case=case,
            name=name,
            content_type=content_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=size,
            uploaded_by=user_of(actor),
            at=timezone.now(),
            encrypted=True,
        )
        sealed = ContentFile(crypto.encrypt_bytes(upload.read()))
        attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{ext}.enc", sealed, save=False)
        attachment.save()
        event_write(
            case,
            EventKind.ATTACHMENT,
            f"上传附件：{name}",
            actor=actor,
            sensitive=False,
            data={"attachment": attachment.pk, "size": size, "type": content_type},
        )
    return attachment


def case_account_reveal(*, actor: Actor, case: Case, request: HttpRequest | None = None) -> str:
    """The person's account in full: highly sensitive accounts need their own permission; logged."""
    perm = "cases.reveal_highly" if case.highly_sensitive else "cases.reveal"
    require_on_case(actor, perm, case)
    access_log_write(
        actor=actor,
        request=request,
        action=Action.REVEAL,
        obj=case,
        field_classes=[case.account_class],
        detail={"field": "account"},
    )
    return case.account
