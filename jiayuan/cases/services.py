"""Writes to cases: intake, risk assessment, workflow transitions, moves (assign, escalate, hand down,
transfer, refer), handling actions, team, attachments, corrections, and the deadline and move sweeps.

Each public function takes the acting user keyword-only, runs in one transaction and writes its
timeline entry (and any access grant it causes) in that same transaction.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.roles import Role
from jiayuan.access.services import grant_access, revoke_access
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, Level, district_code_of, in_subtree
from jiayuan.notifications.models import Level as NoticeLevel
from jiayuan.notifications.services import notify, supervisors_of
from jiayuan.people.models import Person

from . import rules
from .models import (
    HIGH_LEVELS,
    RISK_ORDER,
    ActionKind,
    Case,
    CaseAction,
    CaseAttachment,
    CaseCategory,
    CaseEvent,
    CaseMove,
    CaseParty,
    CaseTeamMember,
    Channel,
    EventKind,
    MoveKind,
    MoveReason,
    MoveStatus,
    Outcome,
    PartyRole,
    RiskAssessment,
    RiskLevel,
    Status,
    TeamRole,
)

# ---------------------------------------------------------------------------------------------------
# helpers


def _user(actor: Actor):
    return getattr(actor, "user", None)


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})


def _event(
    case: Case,
    kind: str,
    title: str,
    *,
    actor: Actor,
    note: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
    corrects: CaseEvent | None = None,
    sensitive: bool | None = None,
) -> CaseEvent:
    user = _user(actor)
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        title=title[:200],
        actor=user,
        actor_name=actor.display_name[:64],
        note=note or "",
        data=data or {},
        at=at or timezone.now(),
        corrects=corrects,
        sensitive=case.highly_sensitive if sensitive is None else sensitive,
    )


def _require(actor: Actor, perm: str, case: Case) -> None:
    """The system is trusted; people need `perm` on this very case (else 404)."""
    if actor.is_system:
        return
    if not actor.has_perm(perm):
        raise NotFound("未找到该记录")
    policy.require(actor, perm, case)


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock so concurrent writers queue up."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    case.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return case


def _save(case: Case, expected_version: int | None = None) -> None:
    case.refresh_next_due()
    if expected_version is not None:
        case.save_versioned(expected_version=expected_version)
    else:
        case.version += 1
        case.save()


def _codes(case: Case) -> list[str]:
    return list(case.category_rows.values_list("code", flat=True))


def _alert_high_risk(case: Case, *, actor: Actor, reason: str) -> None:
    """Tell the district rights staff at once; the case shows on the high-risk board by its level."""
    users = supervisors_of(case.division_id, roles=[Role.DISTRICT_RIGHTS])
    notify(
        users=users,
        title=f"高风险预警：个案 {case.number}",
        body=reason,
        url=case_url(case),
        level=NoticeLevel.URGENT,
        dedupe_key=f"case-high:{case.pk}:{case.risk_level or 'urgent'}",
    )
    _event(
        case,
        EventKind.ALERT,
        f"高风险预警：已通知区妇联维权部（{len(users)} 人）",
        actor=actor,
        data={"reason": reason, "notified": len(users)},
        sensitive=False,
    )


def _set_contact_deadlines(case: Case, codes: list[str], *, start: dt.datetime) -> None:
    first = rules.deadline_for(
        "first_contact", start=start, codes=codes, risk_level=case.risk_level, urgent=case.urgent
    )
    if first and not case.first_contact_at:
        if case.first_contact_due is None or first.due < case.first_contact_due:
            case.first_contact_due = first.due
    review = rules.deadline_for(
        "high_risk_review", start=start, codes=codes, risk_level=case.risk_level, urgent=case.urgent
    )
    if review:
        case.review_due = review.due


# ---------------------------------------------------------------------------------------------------
# intake


@dataclass
class CaseInput:
    channel: str
    division_code: str
    parties: list[tuple[int, str]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    account: str = ""
    consent_to_share: bool = False
    restricted: bool = False
    source: str = ""
    received_at: dt.datetime | None = None
    question_id: int | None = None


def _clean_input(actor: Actor, data: CaseInput) -> tuple[Division, list[tuple[Person, str]], list[str]]:
    errors: dict[str, str] = {}
    if data.channel not in Channel.values:
        errors["channel"] = "请选择来源渠道。"
    codes = list(dict.fromkeys(c for c in (data.categories or []) if c))
    unknown = [c for c in codes if c not in rules.categories()]
    if not codes:
        errors["categories"] = "请至少选择一个案件类别。"
    elif unknown:
        errors["categories"] = "案件类别不正确：" + "、".join(unknown)
    division = Division.objects.filter(code=(data.division_code or "").strip()).first()
    if division is None or division.level not in (Level.COMMUNITY, Level.STREET, Level.DISTRICT):
        errors["division_code"] = "请选择个案所在的社区（或街道、区）。"
    elif not actor.is_system:
        prefix = actor.broadest_prefix("cases.create")
        if prefix is None or not in_subtree(division.code, prefix):
            errors["division_code"] = "所选社区不在您的受理范围内。"
    if len(data.account or "") > 20000:
        errors["account"] = "陈述过长（最多 20000 字）。"
    parties: list[tuple[Person, str]] = []
    ids = [pid for pid, _ in data.parties or []]
    if ids:
        people = Person.objects.filter(pk__in=ids, deleted_at__isnull=True)
        if not actor.is_system:
            people = policy.scoped(actor, "people.view", people)
        found = {p.pk: p for p in people}
        for pid, role in data.parties:
            if role not in PartyRole.values:
                errors["parties"] = "当事人角色不正确。"
            elif pid not in found:
                errors["parties"] = "所选人员不存在或不在您的范围内。"
            else:
                parties.append((found[pid], role))
    if errors:
        raise ValidationFailed(errors)
    return division, parties, codes


def case_create(*, actor: Actor, data: CaseInput) -> Case:
    """Register a case from any channel (hotline, walk-in, API, screening hazard…)."""
    if not actor.is_system and not actor.has_perm("cases.create"):
        raise NotFound("未找到该页面")
    division, parties, codes = _clean_input(actor, data)
    now = timezone.now()
    received = data.received_at or now
    account = (data.account or "").strip()
    suicide_cue = rules.has_suicide_cue(account)
    urgent = rules.is_urgent_category(codes) or suicide_cue
    with transaction.atomic():
        case = Case.objects.create(
            number=f"tmp{uuid.uuid4().hex[:20]}",
            channel=data.channel,
            received_at=received,
            division=division,
            status=Status.REGISTERED,
            primary_category=codes[0],
            urgent=urgent,
            highly_sensitive=rules.is_highly_sensitive(codes) or suicide_cue,
            restricted=bool(data.restricted),
            consent_to_share=bool(data.consent_to_share),
            account=account,
            source=(data.source or "")[:200],
            created_by=_user(actor),
        )
        case.number = f"WQ{timezone.localtime(received):%Y}{case.pk:07d}"
        CaseCategory.objects.bulk_create([CaseCategory(case=case, code=c) for c in codes])
        CaseParty.objects.bulk_create([CaseParty(case=case, person=p, role=r) for p, r in parties])
        _set_contact_deadlines(case, codes, start=received)
        case.refresh_next_due()
        case.save()
        _event(
            case,
            EventKind.CREATED,
            f"登记个案（{case.get_channel_display()}）",
            actor=actor,
            note=account,
            data={
                "categories": codes,
                "parties": [[p.pk, r] for p, r in parties],
                "source": case.source,
                "restricted": case.restricted,
                "consent_to_share": case.consent_to_share,
            },
            at=received,
        )
        if data.question_id:
            _event(
                case,
                EventKind.NOTE,
                f"来自法律助手的咨询 #{int(data.question_id)}",
                actor=actor,
                data={"question_id": int(data.question_id)},
                sensitive=False,
            )
        if case.restricted:
            # A restricted case is seen by its team only: the district rights staff lead it (and form the
            # rest of the team); the person who registered it keeps access to finish the intake.
            if not actor.is_system:
                grant_access(
                    obj=case,
                    kind=GrantKind.TEAM,
                    user=actor.user,
                    write=True,
                    source_key=f"case-creator:{case.pk}",
                    reason="登记人",
                    created_by=actor.user,
                )
            for lead in supervisors_of(case.division_id, roles=[Role.DISTRICT_RIGHTS]):
                member = CaseTeamMember.objects.create(
                    case=case, user=lead, role=TeamRole.LEAD, write=True, added_by=_user(actor)
                )
                grant_access(
                    obj=case,
                    kind=GrantKind.TEAM,
                    user=lead,
                    write=True,
                    source_key=member.source_key,
                    reason=f"限制访问个案 {case.number} 主办",
                    created_by=_user(actor),
                )
        if urgent:
            reason = (
                "案件涉及自杀风险" + ("（陈述中出现轻生线索）" if suicide_cue else "") + "，须 24 小时内联系当事人。"
            )
            _alert_high_risk(case, actor=actor, reason=reason)
    return case


# ---------------------------------------------------------------------------------------------------
# workflow transitions (state rows plus transition objects)


class Transition:
    name = ""
    label = ""
    sources: tuple[str, ...] = ()
    target = ""
    perm = "cases.handle"

    def __init__(self, *, actor: Actor, case: Case, note: str = "", **kwargs):
        self.actor, self.case, self.note, self.kwargs = actor, case, (note or "").strip(), kwargs

    def check(self, actor: Actor | None = None) -> None:
        """Refuse a transition not allowed now, checked as `actor` (default: the one executing it)."""
        actor = actor or self.actor
        _require(actor, self.perm, self.case)
        if self.case.status not in self.sources:
            raise WorkflowError(f"个案当前状态为“{self.case.get_status_display()}”，不能{self.label}。")
        if self.case.closure_pending and self.name != "close_approved":
            raise WorkflowError("该个案的结案申请正在审批中，请等待审批结果。")

    def apply(self) -> None:
        """Kind-specific effects before the state changes."""

    def execute(self) -> Case:
        self.check()
        before = self.case.status
        self.apply()
        if self.target:
            self.case.status = self.target
        _save(self.case, self.kwargs.get("expected_version"))
        _event(
            self.case,
            EventKind.TRANSITION,
            f"{self.label}：{Status(before).label} → {Status(self.case.status).label}",
            actor=self.actor,
            note=self.note,
            data={"from": before, "to": self.case.status, "transition": self.name},
            sensitive=False,
        )
        return self.case


class AssessTransition(Transition):
    name, label, sources, target, perm = "assess", "完成评估", (Status.REGISTERED,), Status.ASSESSED, "cases.assess"


class AssignTransition(Transition):
    name, label, target, perm = "assign", "分派承办人", Status.ASSIGNED, "cases.move"
    sources = (Status.REGISTERED, Status.ASSESSED, Status.REOPENED)


class StartTransition(Transition):
    name, label, sources, target = "start", "开始办理", (Status.ASSIGNED, Status.REOPENED), Status.IN_PROGRESS


class FollowUpTransition(Transition):
    name, label, sources, target = "follow_up", "转入回访", (Status.IN_PROGRESS,), Status.FOLLOW_UP


class CloseTransition(Transition):
    name, label, sources, target, perm = (
        "close",
        "结案",
        (Status.IN_PROGRESS, Status.FOLLOW_UP),
        Status.CLOSED,
        "cases.close",
    )

    def check(self, actor: Actor | None = None) -> None:
        super().check(actor)
        outcome = self.kwargs.get("outcome", "")
        if outcome not in Outcome.values:
            raise ValidationFailed({"outcome": "请选择结案结果。"})
        codes = _codes(self.case)
        if (
            outcome not in (Outcome.WITHDRAWN, Outcome.UNREACHABLE)
            and rules.followup_required(codes, self.case.risk_level)
            and not self.case.actions.filter(kind=ActionKind.FOLLOW_UP).exists()
        ):
            raise WorkflowError("按规定，此类个案结案前须至少回访一次，请先记录回访。")
        if (
            outcome == Outcome.REFERRED
            and not self.case.moves.filter(
                kind=MoveKind.REFER, status__in=[MoveStatus.ACCEPTED, MoveStatus.DONE]
            ).exists()
        ):
            raise WorkflowError("没有已被接收的转介，不能以“转介并获接收”结案。")

    def execute(self) -> Case:
        self.check()
        if self.case.is_high_risk and not self.kwargs.get("approved"):
            from .closure import closure_request

            closure_request(actor=self.actor, case=self.case, outcome=self.kwargs["outcome"], note=self.note)
            return self.case
        return super().execute()

    def apply(self) -> None:
        now = timezone.now()
        self.case.outcome = self.kwargs["outcome"]
        self.case.closed_at = now
        self.case.closure_pending = False
        self.case.review_due = None
        codes = _codes(self.case)
        follow = rules.deadline_for(
            "followup_after_closure", start=now, codes=codes, risk_level=self.case.risk_level, urgent=self.case.urgent
        )
        if follow and self.case.outcome not in (Outcome.WITHDRAWN, Outcome.UNREACHABLE):
            self.case.followup_due = follow.due
        self.note = (f"结案结果：{Outcome(self.case.outcome).label}。" + self.note).strip()


class CloseApprovedTransition(CloseTransition):
    """Closing after the level above approved (the approval engine calls this; no new approval)."""

    name = "close_approved"

    def check(self, actor: Actor | None = None) -> None:
        if self.case.status not in self.sources:
            raise WorkflowError(f"个案当前状态为“{self.case.get_status_display()}”，不能结案。")
        if self.kwargs.get("outcome", "") not in Outcome.values:
            raise ValidationFailed({"outcome": "请选择结案结果。"})


class ReopenTransition(Transition):
    name, label, sources, target, perm = "reopen", "重启个案", (Status.CLOSED,), Status.REOPENED, "cases.reopen"

    def check(self, actor: Actor | None = None) -> None:
        super().check(actor)
        if len(self.note) < 4:
            raise ValidationFailed({"note": "请填写重启理由。"})

    def apply(self) -> None:
        self.case.outcome = ""
        self.case.closed_at = None
        self.case.followup_due = None


TRANSITIONS: dict[str, type[Transition]] = {
    t.name: t for t in (StartTransition, FollowUpTransition, CloseTransition, ReopenTransition)
}
ALL_TRANSITIONS: dict[str, type[Transition]] = {
    t.name: t
    for t in (
        AssessTransition,
        AssignTransition,
        StartTransition,
        FollowUpTransition,
        CloseTransition,
        ReopenTransition,
    )
}


def available_transitions(*, actor: Actor, case: Case) -> list[type[Transition]]:
    result = []
    for cls in TRANSITIONS.values():
        if case.status in cls.sources and not case.closure_pending and actor.has_perm(cls.perm):
            result.append(cls)
    return result


def case_transition(
    *,
    actor: Actor,
    case: Case,
    name: str,
    note: str = "",
    outcome: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case along its workflow; a step not allowed from the current state is refused."""
    cls = TRANSITIONS.get(name)
    if cls is None:
        raise WorkflowError("没有这个办理步骤。")
    with transaction.atomic():
        _lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleEditError()
        return cls(actor=actor, case=case, note=note, outcome=outcome).execute()


# ---------------------------------------------------------------------------------------------------
# risk assessment


def risk_assess(
    *,
    actor: Actor,
    case: Case,
    answers: dict[str, str],
    override_level: str = "",
    override_reason: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> RiskAssessment:
    """Score the instrument, keep every earlier assessment, lift the case's level and deadlines."""
    _require(actor, "cases.assess", case)
    spec = rules.instrument()
    codes_known = {item["code"] for item in spec["items"]}
    clean = {k: v for k, v in (answers or {}).items() if k in codes_known}
    if any(v not in rules.ANSWERS for v in clean.values()):
        raise ValidationFailed({"answers": "回答只能是“是”“否”或“不清楚”。"})
    if override_level and override_level not in RiskLevel.values:
        raise ValidationFailed({"override_level": "风险等级不正确。"})
    if override_level and len((override_reason or "").strip()) < 4:
        raise ValidationFailed({"override_reason": "调整计算等级时，请写明专业判断的理由。"})
    result = rules.score_answers(clean)
    level = override_level or result.level
    with transaction.atomic():
        _lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleEditError()
        if case.status == Status.CLOSED:
            raise WorkflowError("个案已结案，不能评估；如需继续处理，请先重启个案。")
        before = case.risk_level
        now = timezone.now()
        assessment = RiskAssessment.objects.create(
            case=case,
            instrument=spec["code"],
            instrument_version=spec["version"],
            answers={item["code"]: clean.get(item["code"], "unknown") for item in spec["items"]},
            score=result.score,
            computed_level=result.level,
            level=level,
            red_flags=result.red_flags,
            unknown_count=result.unknown_count,
            override_reason=(override_reason or "").strip()[:500],
            assessor=_user(actor),
            at=now,
        )
        case.risk_level = level
        codes = _codes(case)
        _set_contact_deadlines(case, codes, start=now)
        title = f"风险评估：{RiskLevel(level).label}（得分 {result.score}）"
        if override_level and override_level != result.level:
            title += f"，由计算等级“{RiskLevel(result.level).label}”调整"
        _event(
            case,
            EventKind.ASSESSED,
            title,
            actor=actor,
            note=note,
            sensitive=False,
            data={
                "assessment": assessment.pk,
                "score": result.score,
                "level": level,
                "computed_level": result.level,
                "red_flags": result.red_flags,
                "unknown": result.unknown_count,
                "many_unknowns": result.many_unknowns,
                "override_reason": assessment.override_reason,
            },
        )
        if case.status == Status.REGISTERED:
            AssessTransition(actor=actor, case=case).execute()
        else:
            _save(case)
        if level in HIGH_LEVELS and RISK_ORDER.get(before, 0) < RISK_ORDER[level]:
            flags = "、".join(rules.item_labels(result.red_flags)) if result.red_flags else "无"
            _alert_high_risk(
                case,
                actor=actor,
                reason=f"风险评估为“{RiskLevel(level).label}”（得分 {result.score}，"
                f"红旗项：{flags}）。请 24 小时内联系当事人，72 小时内复评。",
            )
    return assessment


# ---------------------------------------------------------------------------------------------------
# moves


def case_assign(*, actor: Actor, case: Case, to_user, reason: str = MoveReason.WORKLOAD, note: str = "") -> CaseMove:
    """Make `to_user` the handler (within the assigner's scope); the handler's access comes with it."""
    _require(actor, "cases.move", case)
    if reason not in MoveReason.values:
        raise ValidationFailed({"reason": "请选择原因。"})
    target = Actor.for_user(to_user)
    if not target.has_perm("cases.handle"):
        raise ValidationFailed({"to_user": "该用户不能承办个案。"})
    if not actor.is_system:
        prefix = actor.broadest_prefix("cases.move") or ""
        places = [p.division_id for p in target.postings if p.division_id]
        if not any(in_subtree(code, prefix) or in_subtree(case.division_id, code) for code in places):
            raise ValidationFailed({"to_user": "只能分派给本辖区的工作人员或上级调解员。"})
    with transaction.atomic():
        _lock(case)
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
            created_by=_user(actor),
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
            created_by=_user(actor),
        )
        case.handler = to_user
        _event(
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
            _save(case)
        notify(
            users=[to_user],
            title=f"您被指定为个案 {case.number} 的承办人",
            url=case_url(case),
            level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.INFO,
        )
    return move


def parent_code(code: str) -> str | None:
    from jiayuan.divisions.models import parent_code_of

    return parent_code_of(code)


def _needs_consent(case: Case, kind: str, to_division: Division | None) -> bool:
    if kind == MoveKind.REFER:
        return True  # partner agencies are outside the federation
    if kind == MoveKind.TRANSFER and to_division is not None:
        return district_code_of(to_division.code) != district_code_of(
            case.division_id
        )  # to another district's federation
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
    to_agency=None,
    note: str = "",
    consent_override_reason: str = "",
    now: dt.datetime | None = None,
) -> CaseMove:
    """Escalate, hand down, transfer or refer: a pending move answered by its addressee by a due time."""
    _require(actor, "cases.move", case)
    if kind not in (MoveKind.ESCALATE, MoveKind.HAND_DOWN, MoveKind.TRANSFER, MoveKind.REFER):
        raise ValidationFailed({"kind": "流转类型不正确。"})
    if reason not in MoveReason.values:
        raise ValidationFailed({"reason": "请选择流转原因。"})
    now = _now(now)
    with transaction.atomic():
        _lock(case)
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
            "move_answer", start=now, codes=_codes(case), risk_level=case.risk_level, urgent=case.urgent
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
            created_by=_user(actor),
        )
        if kind == MoveKind.REFER:
            grant_access(
                obj=case,
                kind=GrantKind.REFERRAL,
                agency=to_agency,
                write=False,
                source_key=move.source_key,
                reason=f"转介 {case.number}",
                created_by=_user(actor),
            )
        target = to_agency.name if to_agency is not None else to_division.name
        _event(
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
            _event(
                case,
                EventKind.NOTE,
                "未经当事人同意转出（已说明理由）",
                actor=actor,
                note=override,
                data={"move": move.pk},
                sensitive=False,
            )
        _save(case)
        notify(
            users=_receivers(move),
            title=f"有一项个案{MoveKind(kind).label}待您答复：{case.number}",
            url=reverse("cases:inbox"),
            level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.INFO,
        )
    return move


def move_may_answer(actor: Actor, move: CaseMove) -> bool:
    from .selectors import move_addressed_q

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
        case = _lock(move.case)
        move.status = MoveStatus.ACCEPTED if accept else MoveStatus.REJECTED
        move.answered_by = _user(actor)
        move.answered_at = timezone.now()
        move.answer_note = note[:1000]
        move.version += 1
        move.save()
        if accept and move.kind in (MoveKind.ESCALATE, MoveKind.HAND_DOWN, MoveKind.TRANSFER):
            previous = case.division_id
            case.division_id = move.to_division_id
            if move.kind == MoveKind.TRANSFER:
                # The new owner assigns its own handler; the old one loses the case.
                revoke_access(source_key=f"case-handler:{case.pk}")
                case.handler = None
            _event(
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
            _event(
                case,
                EventKind.MOVE_ANSWER,
                f"{move.get_kind_display()}{'已接收' if accept else '被拒绝'}（{move.to_agency or move.to_division}）",
                actor=actor,
                note=note,
                data={"move": move.pk, "accepted": accept},
                sensitive=False,
            )
        _save(case)
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
        _event(
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
        _event(
            case,
            EventKind.MOVE,
            f"撤回{move.get_kind_display()}（{move.to_agency or move.to_division}）",
            actor=actor,
            note=reason,
            data={"move": move.pk, "revoked": True, "grants_removed": removed},
            sensitive=False,
        )
    return move


# ---------------------------------------------------------------------------------------------------
# handling actions, follow-up, corrections, team, attachments


def _date(value, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed({field_name: "日期格式不正确。"}) from None


ACTION_FIELDS = {
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
    _require(actor, "cases.handle", case)
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
        _lock(case)
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
            actor=_user(actor),
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
        _event(
            case,
            EventKind.FOLLOW_UP if kind == ActionKind.FOLLOW_UP else EventKind.ACTION,
            label,
            actor=actor,
            note=note,
            data={"action": action.pk, "kind": kind, "success": success, "occurred_on": day.isoformat(), **extra},
        )
        _save(case)
    return action


def case_event_correct(*, actor: Actor, event: CaseEvent, note: str) -> CaseEvent:
    """A correction is a new entry pointing at the one it corrects; the original stays as it was."""
    case = event.case
    _require(actor, "cases.handle", case)
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationFailed({"note": "请填写更正内容。"})
    with transaction.atomic():
        return _event(
            case,
            EventKind.CORRECTION,
            f"更正 {timezone.localtime(event.at):%Y-%m-%d %H:%M} 的记录“{event.title[:60]}”",
            actor=actor,
            note=note,
            corrects=event,
            data={"corrects": event.pk},
        )


def case_team_add(*, actor: Actor, case: Case, user, role: str) -> CaseTeamMember:
    """一案一团队: a team seat opens the case to the member (writing unless the role only advises)."""
    _require(actor, "cases.team", case)
    if role not in TeamRole.values:
        raise ValidationFailed({"role": "团队角色不正确。"})
    with transaction.atomic():
        _lock(case)
        if case.team.filter(user=user, removed_at__isnull=True).exists():
            raise ValidationFailed({"user": "该用户已在团队中。"})
        write = Actor.for_user(user).has_perm("cases.handle")
        member = CaseTeamMember.objects.create(case=case, user=user, role=role, write=write, added_by=_user(actor))
        grant_access(
            obj=case,
            kind=GrantKind.TEAM,
            user=user,
            write=write,
            source_key=member.source_key,
            reason=f"个案 {case.number} 团队（{TeamRole(role).label}）",
            created_by=_user(actor),
        )
        _event(
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
    _require(actor, "cases.team", case)
    with transaction.atomic():
        if member.removed_at is not None:
            raise WorkflowError("该成员已退出团队。")
        member.removed_at = timezone.now()
        member.save(update_fields=["removed_at"])
        revoke_access(source_key=member.source_key)
        _event(
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


def case_attachment_add(*, actor: Actor, case: Case, upload) -> CaseAttachment:
    """Attach a file: PDF, image, Word or audio, checked by extension and content, size-limited."""
    _require(actor, "cases.handle", case)
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
            content_type=content_type or mimetypes.guess_type(name)[0],
            size=size,
            uploaded_by=_user(actor),
            at=timezone.now(),
        )
        attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{ext}", upload, save=False)
        attachment.save()
        _event(
            case,
            EventKind.ATTACHMENT,
            f"上传附件：{name}",
            actor=actor,
            sensitive=False,
            data={"attachment": attachment.pk, "size": size, "type": content_type},
        )
    return attachment


def case_account_reveal(*, actor: Actor, case: Case, request=None) -> str:
    """The person's account in full: highly sensitive accounts need their own permission; logged."""
    perm = "cases.reveal_highly" if case.highly_sensitive else "cases.reveal"
    _require(actor, perm, case)
    access_log_write(
        actor=actor,
        request=request,
        action=Action.REVEAL,
        obj=case,
        field_classes=[case.account_class],
        detail={"field": "account"},
    )
    return case.account


# ---------------------------------------------------------------------------------------------------
# sweeps (run by the task and by `manage.py cases_sweep`)


def moves_sweep(*, now: dt.datetime | None = None) -> int:
    """A pending move past its due time goes up a level by itself, and the level above is told."""
    system = Actor.system(job="cases_sweep")
    now = _now(now)
    count = 0
    overdue = (
        CaseMove.objects.filter(status=MoveStatus.PENDING, due_at__lt=now)
        .select_related("case", "to_agency")
        .order_by("id")
    )
    for move_id in list(overdue.values_list("id", flat=True)):
        with transaction.atomic():
            move = CaseMove.objects.select_for_update().select_related("case").get(pk=move_id)
            if move.status != MoveStatus.PENDING or move.due_at is None or move.due_at >= now:
                continue
            case = move.case
            base = move.answer_division_id or case.division_id
            above = parent_code(base)
            watchers = supervisors_of(base)
            if move.answer_division_id and above and Division.objects.filter(code=above).exists():
                move.answer_division_id = above
            move.escalation_count += 1
            move.escalated_at = now
            rule = rules.deadline_for(
                "move_answer", start=now, codes=_codes(case), risk_level=case.risk_level, urgent=case.urgent
            )
            move.due_at = rule.due if rule else now + dt.timedelta(days=1)
            move.version += 1
            move.save()
            _event(
                case,
                EventKind.ALERT,
                f"{move.get_kind_display()}逾期未答复，已自动上报（第 {move.escalation_count} 次）",
                actor=system,
                sensitive=False,
                at=now,
                data={"move": move.pk, "answer_division": move.answer_division_id, "due_at": move.due_at.isoformat()},
            )
            notify(
                users=watchers,
                title=f"个案 {case.number} 的{move.get_kind_display()}逾期未答复",
                body=f"接收方：{move.to_agency or move.to_division}；已由上一级督办。",
                url=case_url(case),
                level=NoticeLevel.WARNING,
                dedupe_key=f"move-overdue:{move.pk}:{move.escalation_count}",
            )
            count += 1
    return count


def deadlines_sweep(*, now: dt.datetime | None = None) -> int:
    """Cases past a deadline: tell the handler and the supervisors once per deadline."""
    system = Actor.system(job="cases_sweep")
    now = _now(now)
    count = 0
    ids = list(
        Case.objects.filter(next_due_at__lt=now)
        .filter(Q(overdue_notified_at__isnull=True) | Q(overdue_notified_at__lt=F("next_due_at")))
        .order_by("id")
        .values_list("id", flat=True)
    )
    for case_id in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            what = []
            if case.first_contact_due and not case.first_contact_at and case.first_contact_due < now:
                what.append("首次联系")
            if case.review_due and case.review_due < now and case.status != Status.CLOSED:
                what.append("高风险复评")
            if case.followup_due and case.followup_due < now:
                what.append("结案回访")
            if not what:
                continue
            users = supervisors_of(case.division_id) + ([case.handler] if case.handler else [])
            key = f"case-overdue:{case.pk}:{case.next_due_at:%Y%m%d%H%M}"
            notify(
                users=users,
                title=f"个案 {case.number} 已逾期：{'、'.join(what)}",
                url=case_url(case),
                level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.WARNING,
                dedupe_key=key,
            )
            _event(
                case,
                EventKind.ALERT,
                f"逾期提醒：{'、'.join(what)}",
                actor=system,
                at=now,
                sensitive=False,
                data={"overdue": what},
            )
            Case.objects.filter(pk=case.pk).update(overdue_notified_at=now)
            count += 1
    return count


# ---------------------------------------------------------------------------------------------------
# the working-day calendar


def calendar_day_set(*, actor: Actor, day: dt.date | None, is_workday: bool, name: str = "") -> None:
    """Mark a day as a holiday or a (调休) workday; a day that matches the normal week is removed."""
    from . import workdays
    from .models import CalendarDay

    if not actor.is_system and not actor.has_perm("cases.calendar"):
        raise NotFound("未找到该页面")
    if day is None:
        raise ValidationFailed({"date": "请选择日期。"})
    with transaction.atomic():
        if is_workday == (day.weekday() < 5):
            CalendarDay.objects.filter(date=day).delete()
        else:
            CalendarDay.objects.update_or_create(
                date=day, defaults={"is_workday": is_workday, "name": (name or "").strip()[:64], "source": "manual"}
            )
        transaction.on_commit(workdays.clear_cache)
    workdays.clear_cache()


# ---------------------------------------------------------------------------------------------------
# the caller at intake


def caller_resolve(
    *,
    actor: Actor,
    division_code: str,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    person_id: int | None = None,
    new_person: bool = False,
) -> Person | None:
    """The caller: the person picked, else found by ID number, else by phone (one match), else registered.

    Repeat callers are found before anyone new is created (unless the operator said the caller is not the
    person found: `new_person`); an anonymous call gives None. An ID number already registered still
    leads to that person.
    """
    from jiayuan.people.models import IdType
    from jiayuan.people.selectors import person_find_by_identity, person_find_by_phone, person_get
    from jiayuan.people.services import DuplicatePerson, PersonInput, id_hash, person_create

    if person_id:
        if actor.is_system:
            return Person.objects.get(pk=person_id)
        return person_get(actor=actor, person_id=person_id)
    id_number, phone, name = (id_number or "").strip(), (phone or "").strip(), (name or "").strip()
    if id_number:
        found = (
            person_find_by_identity(actor=actor, id_type=IdType.RESIDENT, id_number=id_number)
            if not actor.is_system
            else Person.objects.filter(
                id_type=IdType.RESIDENT, id_hash=id_hash(IdType.RESIDENT, id_number.upper())
            ).first()
        )
        if found:
            return found
    if phone and not actor.is_system and not new_person:
        found = person_find_by_phone(actor=actor, number=phone)
        if len(found) == 1:
            return found[0]
    if not name:
        return None
    data = PersonInput(
        name=name,
        division_code=division_code,
        id_type=IdType.RESIDENT if id_number else IdType.NONE,
        id_number=id_number,
    )
    try:
        return person_create(actor=actor, data=data, phones=[phone] if phone else [])
    except DuplicatePerson as exc:
        if exc.person is not None:
            return exc.person
        raise
