"""Intake: registering a case from any channel, with the caller found or registered first."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.roles import Role
from jiayuan.access.services import grant_access
from jiayuan.accounts.selectors import supervisors_of
from jiayuan.cases import rules
from jiayuan.cases.models import (
    Case,
    CaseCategory,
    CaseParty,
    CaseTeamMember,
    Channel,
    EventKind,
    PartyRole,
    Status,
    TeamRole,
)
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person

from .common import (
    contact_deadlines_set,
    high_risk_alert,
    user_of,
)
from .parties import PartyInput, party_attach, party_check, party_person_resolve
from .timeline import event_write


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
    # More people of the case as the worker typed them (respondent, children, witness), found or registered.
    others: list[PartyInput] = field(default_factory=list)
    # A case from an earlier ledger (importing past records): no contact deadlines and no high-risk alert are
    # raised for it; `case_history_record` then writes how it stood (closed with its outcome, or still open).
    history: bool = False


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
    elif not policy.place_allowed(actor, "cases.create", division.code):
        errors["division_code"] = "所选社区不在您的受理范围内。"
    if len(data.account or "") > 20000:
        errors["account"] = "陈述过长（最多 20000 字）。"
    parties: list[tuple[Person, str]] = []
    ids = [pid for pid, _ in data.parties or []]
    if ids:
        people: QuerySet[Person] = Person.objects.filter(pk__in=ids, deleted_at__isnull=True)
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
    if errors or division is None:
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
    cue_reasons = rules.emergency_reasons(account)  # a threat to kill, a weapon, strangling… (as in the chat)
    urgent = rules.is_urgent_category(codes) or suicide_cue or bool(cue_reasons)
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
            created_by=user_of(actor),
        )
        case.number = f"WQ{timezone.localtime(received):%Y}{case.pk:07d}"
        CaseCategory.objects.bulk_create([CaseCategory(case=case, code=c) for c in codes])
        CaseParty.objects.bulk_create([CaseParty(case=case, person=p, role=r) for p, r in parties])
        if not data.history:
            contact_deadlines_set(case, codes, start=received)
        case.refresh_next_due()
        case.save()
        event_write(
            case,
            EventKind.CREATED,
            f"{'录入历史个案' if data.history else '登记个案'}（{case.get_channel_display()}）",
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
        if cue_reasons:
            event_write(
                case,
                EventKind.NOTE,
                "陈述中出现紧急线索：" + "、".join(cue_reasons) + "。登记时已标为紧急（尚未做风险评估）",
                actor=actor,
                data={"emergency_cues": cue_reasons},
                sensitive=False,
            )
        if data.question_id:
            event_write(
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
                    case=case, user=lead, role=TeamRole.LEAD, write=True, added_by=user_of(actor)
                )
                grant_access(
                    obj=case,
                    kind=GrantKind.TEAM,
                    user=lead,
                    write=True,
                    source_key=member.source_key,
                    reason=f"限制访问个案 {case.number} 主办",
                    created_by=user_of(actor),
                )
        if urgent and not data.history:
            reason = (
                ("陈述中出现紧急线索（" + "、".join(cue_reasons) + "）" if cue_reasons else "案件涉及自杀风险")
                + ("（陈述中出现轻生线索）" if suicide_cue and not cue_reasons else "")
                + "，须 24 小时内联系当事人。"
            )
            high_risk_alert(case, actor=actor, reason=reason)
    return case


@dataclass
class CallerInput:
    """Who called: a person picked from the look-up, or what the operator typed (all optional)."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    person_id: int | None = None
    new_person: bool = False  # the operator said the caller is not the person the phone number finds
    role: str = PartyRole.SEEKER


@dataclass
class Intake:
    case: Case
    person: Person | None
    earlier_cases: list = field(default_factory=list)  # the caller's earlier cases within the actor's scope


def case_intake(*, actor: Actor, data: CaseInput, caller: CallerInput | None = None) -> Intake:
    """The whole intake in one transaction: the caller found or registered (a repeat caller is found before
    anyone new is created), the case registered with the caller as a party, its grants and alerts. The intake
    page, the API and any importer call this and nothing else."""
    from jiayuan.cases.selectors import person_cases
    from jiayuan.people.services import person_find_or_register

    with transaction.atomic():
        person = None
        if caller is not None:
            person = person_find_or_register(
                actor=actor,
                division_code=data.division_code,
                name=caller.name,
                phone=caller.phone,
                id_number=caller.id_number,
                person_id=caller.person_id,
                new_person=caller.new_person,
            )
        earlier = person_cases(actor=actor, person_id=person.pk) if person and not actor.is_system else []
        parties = list(data.parties or []) + ([(person.pk, caller.role)] if person and caller else [])
        others = [p for p in data.others or [] if not p.empty]
        for n, party in enumerate(others, start=1):
            party_check(party, f"party_{n}")
        case = case_create(actor=actor, data=replace(data, parties=parties, others=[]))
        for n, party in enumerate(others, start=1):
            other = party_person_resolve(actor=actor, party=party, division_code=data.division_code, field=f"party_{n}")
            party_attach(actor=actor, case=case, person=other, party=party)
    return Intake(case=case, person=person, earlier_cases=earlier)
