"""Moves of a case: assign, escalate, hand down, transfer and refer, with due times; answers, referral
replies and revocations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
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
    ShareItem,
    Status,
)
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.core.validators import validate_phone
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
    from django.http import HttpRequest

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
        was_awaiting = case.assign_due is not None
        case.assign_due = None
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
        if was_awaiting:
            from jiayuan.cases.records import handed_over_users

            notify(
                users=[u for u in handed_over_users(case) if u.pk != to_user.pk],
                title=f"个案 {case.number} 已指派承办人：{to_user}（{case.division.name}）",
                body="您仍可查看本案（只读）；承办人派给您的跟进任务会另行通知。",
                url=case_url(case),
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
    shares: list[str] | None = None,
    share_phone: str = "",
    now: dt.datetime | None = None,
) -> CaseMove:
    """Escalate, hand down, transfer or refer: a pending move answered by its addressee by a due time.

    A referral shares with the agency what `shares` names (`ShareItem`: name, a safe contact phone, the account,
    the address; None: the defaults for the agency's kind); `share_phone` is a safe number to give instead of the
    one on the register."""
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
            shares, share_phone = _clean_shares(to_agency, shares, share_phone)
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
            shares=shares if kind == MoveKind.REFER else [],
            share_phone=share_phone if kind == MoveKind.REFER else "",
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
                "shares": move.shares,
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


def _clean_shares(agency: PartnerAgency, shares: list[str] | None, phone: str) -> tuple[list[str], str]:
    """The items a referral shares (the agency kind's defaults when not chosen) and the safe phone, checked."""
    if shares is None:
        shares = rules.referral_share_defaults(agency.kind)
    unknown = [s for s in shares if s not in ShareItem.values]
    if unknown:
        raise ValidationFailed({"shares": "共享内容不正确。"})
    phone = (phone or "").strip()
    if phone:
        try:
            phone = validate_phone(phone).number
        except DjangoValidationError as exc:
            raise ValidationFailed({"share_phone": "安全联系电话：" + exc.messages[0]}) from None
        if ShareItem.PHONE not in shares:
            shares = [*shares, ShareItem.PHONE]
    return [s for s in ShareItem.values if s in shares], phone


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
        handed_over: list = []
        if accept and move.kind in (MoveKind.ESCALATE, MoveKind.HAND_DOWN, MoveKind.TRANSFER):
            previous = case.division_id
            previous_name = move.from_division.name
            case.division_id = move.to_division_id or case.division_id
            if move.kind in (MoveKind.ESCALATE, MoveKind.TRANSFER):
                handed_over = _hand_over(actor=actor, case=case, move=move)
            event_write(
                case,
                EventKind.MOVE_ANSWER,
                f"{move.get_kind_display()}已接收：承办单位由 {previous_name} 改为 {_place_name(move)}",
                actor=actor,
                note=note,
                data={
                    "move": move.pk,
                    "accepted": True,
                    "from": previous,
                    "to": move.to_division_id,
                    "read_access": [u.pk for u in handed_over],
                },
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
        _answer_notify(move=move, case=case, accept=accept, note=note, handed_over=handed_over)
    return move


def _hand_over(*, actor: Actor, case: Case, move: CaseMove) -> list:
    """The case leaves its place: the new owner assigns its own handler. Whoever handed it up or over (the
    sender and the handler until now) keeps reading it, through a read-only grant (the same policy query as
    every list and record check), and receives the follow-up tasks the new owner gives her."""
    people = {u.pk: u for u in (move.created_by, case.handler) if u is not None and u.is_active}
    revoke_access(source_key=f"case-handler:{case.pk}")
    case.handler = None
    now = timezone.now()
    rule = rules.deadline_for(
        "handler_assign", start=now, codes=category_codes(case), risk_level=case.risk_level, urgent=case.urgent
    )
    case.assign_due = rule.due if rule else now + dt.timedelta(days=1)
    for user in people.values():
        grant_access(
            obj=case,
            kind=GrantKind.HANDOVER,
            user=user,
            write=False,
            source_key=f"case-handover:{move.pk}",
            reason=f"个案 {case.number} {move.get_kind_display()}前经办（只读）",
            created_by=user_of(actor),
        )
    return list(people.values())


def _place_name(move: CaseMove) -> str:
    """Who a move went to, by name: the agency or the division."""
    target = move.to_agency or move.to_division
    return target.name if target is not None else ""


def _answer_notify(*, move: CaseMove, case: Case, accept: bool, note: str, handed_over: list) -> None:
    """Tell the sender (and a handler who handed the case over) what changed, linking where each can open."""
    receiver = _place_name(move)
    kind = move.get_kind_display()
    if not accept:
        notify(
            users=[move.created_by],
            title=f"个案 {case.number} 的{kind}被{receiver}拒绝",
            body=f"拒绝理由：{note}。个案仍由{move.from_division.name}承办。",
            url=case_url(case),
        )
        return
    if move.kind in (MoveKind.ESCALATE, MoveKind.TRANSFER):
        by = f"{move.answered_by}（{receiver}）" if move.answered_by else receiver
        handler = (
            f"承办人：{case.handler}。"
            if case.handler
            else f"承办人：待指派（由{receiver}指派，期限 {timezone.localtime(case.assign_due):%Y-%m-%d %H:%M}）。"
            if case.assign_due
            else f"承办人：待指派（由{receiver}指派）。"
        )
        body = (
            f"接收人：{by}。承办单位由{move.from_division.name}改为{receiver}；{handler}"
            + (f"接收意见：{note}。" if note else "")
            + "您仍可查看本案（只读），接收方派给您的跟进任务（如上门走访）会另行通知，并列在“跟进任务”页。"
        )
        title = f"个案 {case.number} 已由{by}接收" + ("" if case.handler else "，承办人待指派")
        notify(
            users=handed_over or [move.created_by],
            title=title,
            body=body,
            url=case_url(case),
        )
        return
    notify(
        users=[move.created_by],
        title=f"个案 {case.number} 的{kind}已被{receiver}接收",
        body=f"答复意见：{note}" if note else "",
        url=case_url(case),
    )


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


def referral_shared(move: CaseMove) -> bool:
    """Whether a referral still shares what it names (not refused nor taken back)."""
    return (
        move.kind == MoveKind.REFER
        and bool(move.shares)
        and move.status in (MoveStatus.PENDING, MoveStatus.ACCEPTED, MoveStatus.DONE)
    )


def _shared_values(move: CaseMove, *, reveal: bool) -> tuple[list[tuple[str, str, str]], set[str]]:
    """What a referral shares, [(item, label, value)…], masked as in every list unless `reveal`; with the field
    classes the full values open."""
    from jiayuan.access.fields import mask_name, mask_phone, mask_text
    from jiayuan.cases.models import CaseParty, PartyRole
    from jiayuan.people.models import PersonPhone

    case = move.case
    seeker = (
        CaseParty.objects.filter(case=case, role=PartyRole.SEEKER, removed_at__isnull=True)
        .select_related("person", "person__division")
        .order_by("id")
    ).first()
    person = seeker.person if seeker is not None else None
    values: list[tuple[str, str, str]] = []
    classes: set[str] = set()
    for item in move.shares:
        label = ShareItem(item).label
        if item == ShareItem.NAME:
            name = person.name if person else ""
            values.append((item, label, (name if reveal else mask_name(name)) if name else "（匿名求助）"))
            classes.add("personal")
        elif item == ShareItem.PHONE:
            phone = move.share_phone
            if not phone and person is not None:
                row = PersonPhone.objects.filter(person=person, safe_to_call=True).order_by("-is_primary", "id").first()
                phone = row.number if row else ""
            note = "（转介人提供的安全号码）" if move.share_phone else ""
            shown = phone if reveal else mask_phone(phone)
            values.append((item, label, (shown + note) if phone else "（未登记可安全来电的号码）"))
            classes.add("sensitive")
        elif item == ShareItem.ACCOUNT:
            values.append((item, label, (case.account if reveal else mask_text(case.account)) or "（未记录）"))
            classes.add(case.account_class)
        elif item == ShareItem.ADDRESS:
            detail = person.address_detail if person else ""
            place = f"{person.division.name} {detail if reveal else mask_text(detail)}".strip() if person else ""
            values.append((item, label, place or "（未登记）"))
            classes.add("sensitive")
    return values, classes


def _may_see_referral(actor: Actor, move: CaseMove) -> bool:
    return (
        move.to_agency_id in actor.agency_ids
        and referral_shared(move)
        and actor.has_perm("cases.view")
        and policy.allows(actor, "cases.view", move.case)
    )


def referral_shared_masked(*, actor: Actor, move: CaseMove) -> list[tuple[str, str, str]]:
    """What a referral shares, masked (names 王*兰, phones 139****5678, text by its length), for a user of the
    agency it went to; nothing when it shares nothing or is not hers to see (refused, revoked)."""
    if not _may_see_referral(actor, move):
        return []
    return _shared_values(move, reveal=False)[0]


def case_referral_reveal(
    *, actor: Actor, move: CaseMove, request: HttpRequest | None = None, channel: str = ""
) -> list[tuple[str, str]]:
    """What a referral shares, in full, for a user of the agency it went to: [(label, value)…]; each reveal is
    written to the access log with the field classes it opened. Refused, revoked or not addressed to the actor:
    404, the same as a missing referral."""
    from jiayuan.audit.models import Action
    from jiayuan.audit.services import access_log_write

    if not _may_see_referral(actor, move):
        raise NotFound("未找到该记录")
    values, classes = _shared_values(move, reveal=True)
    detail: dict[str, object] = {"referral": move.pk, "fields": list(move.shares)}
    if channel:
        detail["channel"] = channel
    access_log_write(
        actor=actor,
        request=request,
        action=Action.REVEAL,
        obj=move.case,
        field_classes=sorted(classes),
        detail=detail,
    )
    return [(label, value) for _item, label, value in values]


def case_referral_shares_change(
    *,
    actor: Actor,
    move: CaseMove,
    shares: list[str],
    share_phone: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> CaseMove:
    """The referring worker changes what an existing referral shares (adds or takes away items, or the safe
    phone) without revoking it: an entry on the case's timeline says what changed, by whom and why; an item taken
    away is hidden from the agency at once (every view and reveal reads the referral as it now stands); the
    agency's users are told that it changed. Against the version read: a colleague's change meanwhile is refused."""
    if not actor.is_system:
        is_sender = move.created_by_id == actor.user_id
        if not is_sender and not (actor.has_perm("cases.move") and policy.allows(actor, "cases.move", move.case)):
            raise NotFound("未找到该记录")
    if move.kind != MoveKind.REFER or move.to_agency is None:
        raise NotFound("未找到该记录")
    with transaction.atomic():
        fresh = CaseMove.objects.select_for_update(of=("self",)).select_related("to_agency", "case").get(pk=move.pk)
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEditError("该转介已被他人更改或已答复，请刷新页面后重新选择。您的修改未保存。")
        if fresh.status not in (MoveStatus.PENDING, MoveStatus.ACCEPTED, MoveStatus.DONE):
            raise WorkflowError(f"该转介已{fresh.get_status_display()}，不能更改共享内容。")
        assert fresh.to_agency is not None
        items, phone = _clean_shares(fresh.to_agency, list(shares or []), share_phone)
        added = [s for s in items if s not in fresh.shares]
        removed = [s for s in fresh.shares if s not in items]
        phone_changed = phone != (fresh.share_phone or "")
        if not (added or removed or phone_changed):
            raise ValidationFailed({"shares": "共享内容没有变化。"})
        before = list(fresh.shares)
        fresh.shares, fresh.share_phone = items, phone
        fresh.version += 1
        fresh.save(update_fields=["shares", "share_phone", "version", "updated_at"])
        parts = []
        if added:
            parts.append("增加 " + "、".join(ShareItem(s).label for s in added))
        if removed:
            parts.append("取消 " + "、".join(ShareItem(s).label for s in removed))
        if phone_changed and ShareItem.PHONE in items and ShareItem.PHONE not in added:
            parts.append("更换安全联系电话" if phone else "改为登记的安全联系电话")
        case = fresh.case
        event_write(
            case,
            EventKind.MOVE,
            f"更改转介共享内容（{fresh.to_agency.name}）：" + "；".join(parts or ["更新共享内容"]),
            actor=actor,
            note=(reason or "").strip()[:500],
            data={"move": fresh.pk, "shares_before": before, "shares": items, "added": added, "removed": removed},
            sensitive=False,
        )
        notify(
            users=_receivers(fresh),
            title=f"个案 {case.number} 的转介共享内容已更改",
            url=case_url(case) + "#referral-h",
        )
    move.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return fresh
