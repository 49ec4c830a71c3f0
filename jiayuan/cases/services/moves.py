"""Moves of a case: assign, escalate, hand down, transfer and refer, with due times; answers, referral
replies and revocations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.roles import Role
from jiayuan.access.services import grant_access, revoke_access
from jiayuan.cases import rules
from jiayuan.cases.models import (
    Case,
    CaseMove,
    EventKind,
    MoveKind,
    MoveReason,
    MoveStatus,
    Status,
)
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.divisions.codes import same_district
from jiayuan.divisions.models import Division, Level
from jiayuan.notifications.models import Level as NoticeLevel
from jiayuan.notifications.services import notify

from .common import (
    case_lock,
    case_save,
    case_url,
    category_codes,
    now_or,
    parent_code,
    require_on_case,
    user_of,
)
from .timeline import event_write
from .transitions import (
    AssignTransition,
)

if TYPE_CHECKING:
    from jiayuan.accounts.models import User
    from jiayuan.orgs.models import PartnerAgency


def case_assign(
    *, actor: Actor, case: Case, to_user: User, reason: str = MoveReason.WORKLOAD, note: str = ""
) -> CaseMove:
    """Make `to_user` the handler (within the assigner's scope); the handler's access comes with it."""
    require_on_case(actor, "cases.move", case)
    if reason not in MoveReason.values:
        raise ValidationFailed({"reason": "请选择原因。"})
    target = Actor.for_user(to_user)
    if not target.has_perm("cases.handle"):
        raise ValidationFailed({"to_user": "该用户不能承办个案。"})
    if not actor.is_system:
        prefix = policy.reach(actor, "cases.move") or ""
        places = [p.division_id for p in target.postings if p.division_id]
        if not any(code.startswith(prefix) or case.division_id.startswith(code) for code in places):
            raise ValidationFailed({"to_user": "只能分派给本辖区的工作人员或上级调解员。"})
    with transaction.atomic():
        case_lock(case)
        if case.status == Status.CLOSED:
            raise WorkflowError("个案已结案，不能分派；如需继续处理，请先重启个案。")
        if case.closure_pending:
            raise WorkflowError("该个案的结案申请正在审批中，请等待审批结果。")
        move = CaseMove.objects.create(
            case=case,
            kind=MoveKind.ASSIGN,
            status=MoveStatus.DONE,
            reason=reason,
            note=(note or "")[:500],
            from_division_id=case.division_id,
            to_user=to_user,
            created_by=user_of(actor),
            answered_at=timezone.now(),
        )
        revoke_access(source_key=f"case-handler:{case.pk}")
        grant_access(
            obj=case,
            kind=GrantKind.HANDLER,
            user=to_user,
            write=True,
            source_key=f"case-handler:{case.pk}",
            reason=f"个案 {case.number} 承办人",
            created_by=user_of(actor),
        )
        case.handler = to_user
        event_write(
            case,
            EventKind.MOVE,
            f"分派承办人：{to_user}",
            actor=actor,
            note=note,
            sensitive=False,
            data={"move": move.pk, "kind": MoveKind.ASSIGN, "to_user": to_user.pk, "reason": reason},
        )
        if case.status in AssignTransition.sources:
            AssignTransition(actor=Actor.system(job="cases_auto_transition"), case=case).execute()
        else:
            case_save(case)
        notify(
            users=[to_user],
            title=f"您被指定为个案 {case.number} 的承办人",
            url=case_url(case),
            level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.INFO,
        )
    return move


def _needs_consent(case: Case, kind: str, to_division: Division | None) -> bool:
    if kind == MoveKind.REFER:
        return True  # partner agencies are outside the federation
    if kind == MoveKind.TRANSFER and to_division is not None:
        return not same_district(to_division.code, case.division_id)  # to another district's federation
    return False


def _receivers(move: CaseMove) -> list:
    from jiayuan.accounts.models import Posting, User

    if move.to_agency_id:
        ids = Posting.objects.active().filter(agency_id=move.to_agency_id).values("user_id")
    elif move.answer_division_id:
        ids = (
            Posting.objects.active()
            .filter(
                division_id=move.answer_division_id,
                role__in=[Role.COMMUNITY_WORKER, Role.STREET_STAFF, Role.DISTRICT_RIGHTS],
            )
            .values("user_id")
        )
    else:
        return []
    return list(User.objects.filter(pk__in=ids, is_active=True))


def case_move_create(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    reason: str,
    to_division_code: str = "",
    to_agency: PartnerAgency | None = None,
    note: str = "",
    consent_override_reason: str = "",
    now: dt.datetime | None = None,
) -> CaseMove:
    """Escalate, hand down, transfer or refer: a pending move answered by its addressee by a due time."""
    require_on_case(actor, "cases.move", case)
    if kind not in (MoveKind.ESCALATE, MoveKind.HAND_DOWN, MoveKind.TRANSFER, MoveKind.REFER):
        raise ValidationFailed({"kind": "流转类型不正确。"})
    if reason not in MoveReason.values:
        raise ValidationFailed({"reason": "请选择流转原因。"})
    now = now_or(now)
    with transaction.atomic():
        case_lock(case)
        if case.status == Status.CLOSED:
            raise WorkflowError("个案已结案，不能流转；如需继续处理，请先重启个案。")
        to_division = None
        if kind == MoveKind.ESCALATE:
            code = parent_code(case.division_id)
            to_division = Division.objects.filter(code=code).first() if code else None
            if to_division is None:
                raise WorkflowError("已是最高一级，不能再上报。")
        elif kind in (MoveKind.HAND_DOWN, MoveKind.TRANSFER):
            to_division = Division.objects.filter(code=(to_division_code or "").strip()).first()
            if to_division is None or to_division.level not in (Level.COMMUNITY, Level.STREET, Level.DISTRICT):
                raise ValidationFailed({"to_division": "请选择接收的社区、街道或区。"})
            inside = to_division.code.startswith(case.division_id) and to_division.code != case.division_id
            if kind == MoveKind.HAND_DOWN and not inside:
                raise ValidationFailed({"to_division": "下派只能派往本级以下的街道或社区。"})
            if kind == MoveKind.TRANSFER and (inside or case.division_id.startswith(to_division.code)):
                raise ValidationFailed({"to_division": "移交须移往其他社区或街道；上下级之间请用上报或下派。"})
        else:
            if to_agency is None:
                raise ValidationFailed({"to_agency": "请选择接收转介的协作单位。"})
        if (
            kind != MoveKind.REFER
            and case.moves.filter(
                status=MoveStatus.PENDING, kind__in=[MoveKind.ESCALATE, MoveKind.HAND_DOWN, MoveKind.TRANSFER]
            ).exists()
        ):
            raise WorkflowError("该个案已有一项待答复的上报、下派或移交，请等待答复或先撤回。")
        override = (consent_override_reason or "").strip()
        if _needs_consent(case, kind, to_division) and not case.consent_to_share:
            if not override:
                raise ValidationFailed(
                    {
                        "consent": "当事人未同意向联合会以外的单位共享信息，不能转出。"
                        "如确有必要，须由有权限的人员写明理由。"
                    }
                )
            if not actor.is_system and not (
                actor.has_perm("cases.consent_override") and policy.allows(actor, "cases.consent_override", case)
            ):
                raise ValidationFailed({"consent": "您无权在当事人未同意的情况下转出个案。"})
            if len(override) < 10:
                raise ValidationFailed({"consent_override_reason": "请具体写明未经同意转出的理由（不少于 10 个字）。"})
        elif not _needs_consent(case, kind, to_division) or case.consent_to_share:
            override = ""
        deadline = rules.deadline_for(
            "move_answer", start=now, codes=category_codes(case), risk_level=case.risk_level, urgent=case.urgent
        )
        move = CaseMove.objects.create(
            case=case,
            kind=kind,
            status=MoveStatus.PENDING,
            reason=reason,
            note=(note or "")[:500],
            from_division_id=case.division_id,
            to_division=to_division,
            to_agency=to_agency,
            answer_division=to_division,
            due_at=deadline.due if deadline else None,
            consent_override_reason=override[:500],
            created_by=user_of(actor),
        )
        if kind == MoveKind.REFER:
            grant_access(
                obj=case,
                kind=GrantKind.REFERRAL,
                agency=to_agency,
                write=False,
                source_key=move.source_key,
                reason=f"转介 {case.number}",
                created_by=user_of(actor),
            )
        target = to_agency.name if to_agency is not None else to_division.name if to_division is not None else ""
        event_write(
            case,
            EventKind.MOVE,
            f"{MoveKind(kind).label}至 {target}（{MoveReason(reason).label}）",
            actor=actor,
            note=note,
            sensitive=False,
            data={
                "move": move.pk,
                "kind": kind,
                "to": target,
                "reason": reason,
                "due_at": move.due_at.isoformat() if move.due_at else None,
                "consent_override": bool(override),
            },
        )
        if override:
            event_write(
                case,
                EventKind.NOTE,
                "未经当事人同意转出（已说明理由）",
                actor=actor,
                note=override,
                data={"move": move.pk},
                sensitive=False,
            )
        case_save(case)
        notify(
            users=_receivers(move),
            title=f"有一项个案{MoveKind(kind).label}待您答复：{case.number}",
            url=reverse("cases:inbox"),
            level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.INFO,
        )
    return move


def move_may_answer(actor: Actor, move: CaseMove) -> bool:
    from jiayuan.cases.selectors import move_addressed_q

    if not actor.has_perm("cases.answer_move"):
        return False
    q = move_addressed_q(actor, "cases.answer_move")
    return q is not None and CaseMove.objects.filter(pk=move.pk).filter(q).exists()


def case_move_answer(
    *, actor: Actor, move: CaseMove, accept: bool, note: str = "", expected_version: int | None = None
) -> CaseMove:
    """The addressee accepts or rejects. A transfer changes the owner only here, on acceptance."""
    if not actor.is_system and not move_may_answer(actor, move):
        raise NotFound("未找到该记录")
    note = (note or "").strip()
    if not accept and len(note) < 2:
        raise ValidationFailed({"note": "拒绝时请写明理由。"})
    with transaction.atomic():
        move = CaseMove.objects.select_for_update().get(pk=move.pk)
        if expected_version is not None and move.version != expected_version:
            raise StaleEditError()
        if move.status != MoveStatus.PENDING:
            raise WorkflowError(f"该流转已{move.get_status_display()}，不能再答复。")
        case = case_lock(move.case)
        move.status = MoveStatus.ACCEPTED if accept else MoveStatus.REJECTED
        move.answered_by = user_of(actor)
        move.answered_at = timezone.now()
        move.answer_note = note[:1000]
        move.version += 1
        move.save()
        if accept and move.kind in (MoveKind.ESCALATE, MoveKind.HAND_DOWN, MoveKind.TRANSFER):
            previous = case.division_id
            case.division_id = move.to_division_id or case.division_id
            if move.kind == MoveKind.TRANSFER:
                # The new owner assigns its own handler; the old one loses the case.
                revoke_access(source_key=f"case-handler:{case.pk}")
                case.handler = None
            event_write(
                case,
                EventKind.MOVE_ANSWER,
                f"{move.get_kind_display()}已接收：承办区划由 {previous} 改为 {move.to_division_id}",
                actor=actor,
                note=note,
                data={"move": move.pk, "accepted": True, "from": previous, "to": move.to_division_id},
                sensitive=False,
            )
        else:
            if not accept and move.kind == MoveKind.REFER:
                revoke_access(source_key=move.source_key)
            event_write(
                case,
                EventKind.MOVE_ANSWER,
                f"{move.get_kind_display()}{'已接收' if accept else '被拒绝'}（{move.to_agency or move.to_division}）",
                actor=actor,
                note=note,
                data={"move": move.pk, "accepted": accept},
                sensitive=False,
            )
        case_save(case)
        if move.created_by:
            notify(
                users=[move.created_by],
                title=f"个案 {case.number} 的{move.get_kind_display()}{'已被接收' if accept else '被拒绝'}",
                url=case_url(case),
            )
    return move


def case_referral_reply(*, actor: Actor, move: CaseMove, answer: str) -> CaseMove:
    """The partner agency enters its answer to an accepted referral (by its own users)."""
    if not actor.is_system and not move_may_answer(actor, move):
        raise NotFound("未找到该记录")
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise ValidationFailed({"answer": "请填写处理结果。"})
    with transaction.atomic():
        move = CaseMove.objects.select_for_update().get(pk=move.pk)
        if move.kind != MoveKind.REFER or move.status != MoveStatus.ACCEPTED:
            raise WorkflowError("只有已接收的转介才能填写处理结果。")
        move.status = MoveStatus.DONE
        move.answer_note = (move.answer_note + "\n" if move.answer_note else "") + answer[:800]
        move.version += 1
        move.save()
        case = move.case
        event_write(
            case,
            EventKind.MOVE_ANSWER,
            f"{move.to_agency} 反馈转介处理结果",
            actor=actor,
            note=answer,
            data={"move": move.pk, "done": True},
            sensitive=False,
        )
        if case.handler:
            notify(
                users=[case.handler], title=f"{move.to_agency} 已反馈个案 {case.number} 的处理结果", url=case_url(case)
            )
    return move


def case_move_revoke(*, actor: Actor, move: CaseMove, reason: str) -> CaseMove:
    """The sender (or a supervisor of the case) takes a move back; any access it granted goes with it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": "请填写撤回理由。"})
    with transaction.atomic():
        move = CaseMove.objects.select_for_update().get(pk=move.pk)
        case = move.case
        if not actor.is_system:
            is_sender = move.created_by_id == actor.user_id
            if not (actor.has_perm("cases.move") and policy.allows(actor, "cases.move", case)) and not is_sender:
                raise NotFound("未找到该记录")
        revocable = move.status == MoveStatus.PENDING or (
            move.kind == MoveKind.REFER and move.status in (MoveStatus.ACCEPTED, MoveStatus.DONE)
        )
        if not revocable:
            raise WorkflowError(f"该流转已{move.get_status_display()}，不能撤回。")
        move.status = MoveStatus.REVOKED
        move.answer_note = (move.answer_note + "\n" if move.answer_note else "") + f"撤回理由：{reason}"[:500]
        move.version += 1
        move.save()
        removed = revoke_access(source_key=move.source_key)
        event_write(
            case,
            EventKind.MOVE,
            f"撤回{move.get_kind_display()}（{move.to_agency or move.to_division}）",
            actor=actor,
            note=reason,
            data={"move": move.pk, "revoked": True, "grants_removed": removed},
            sensitive=False,
        )
    return move
