"""The other people of a case: the respondent, the children involved, a witness. Added at intake or later, each
found in the registry before anyone new is created (a person picked from the chooser, else one match by phone),
else registered with what the worker knows (name, age or birth year, phone).

A party is corrected (role, relation, the minor flag) or removed by whoever may handle the case, each change a
correction entry on the timeline naming who, when, what changed and why, against the version the worker read;
a removed party stays on the record (`removed_at`, by whom, why), out of every list and share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.cases.models import Case, CaseParty, EventKind, PartyRole, Status
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.people.models import Person

from .common import require_on_case, user_of
from .timeline import event_write

# Roles added beside the person who asked for help (the caller is a party of its own at intake).
OTHER_ROLES = (PartyRole.RESPONDENT, PartyRole.CHILD, PartyRole.WITNESS, PartyRole.SEEKER)


@dataclass
class PartyInput:
    """One more person of a case, as the worker knows them (all but the role optional when picked)."""

    role: str
    name: str = ""
    relation: str = ""
    age: str = ""  # an age ("8") or a birth year ("2017")
    phone: str = ""
    person_id: int | None = None
    minor: bool | None = None  # said by the worker; else from the age, else a child is taken as a minor

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip() or self.person_id)


def _birth(age: str, field: str) -> dt.date | None:
    """An age or a birth year as an estimated birth date (1 July of the year), or None when not given."""
    text = (age or "").strip().removesuffix("岁").removesuffix("年")
    if not text:
        return None
    this_year = timezone.localdate().year
    if not text.isdigit():
        raise ValidationFailed({field: "年龄请填写数字（如 8），或填写出生年份（如 2017）。"})
    value = int(text)
    if value <= 120:
        year = this_year - value
    elif 1900 <= value <= this_year:
        year = value
    else:
        raise ValidationFailed({field: f"出生年份应在 1900 至 {this_year} 之间。"})
    return dt.date(year, 7, 1)


def party_person_resolve(*, actor: Actor, party: PartyInput, division_code: str, field: str = "parties") -> Person:
    """The registry's person for `party`: the one picked, else the one person in scope with this phone, else a
    new person (search before create, as for the caller)."""
    from jiayuan.people.selectors import person_find_by_phone, person_get
    from jiayuan.people.services import PersonInput, person_create

    if party.person_id:
        try:
            return person_get(actor=actor, person_id=party.person_id)
        except NotFound:
            raise ValidationFailed({field: "所选人员不存在或不在您的范围内。"}) from None
    birth = _birth(party.age, field)
    phone = (party.phone or "").strip()
    if phone:
        found = person_find_by_phone(actor=actor, number=phone)
        if len(found) == 1:
            return found[0]
    name = (party.name or "").strip()
    if not name:
        raise ValidationFailed({field: f"{PartyRole(party.role).label}：请填写姓名，或从人员库中选择。"})
    if len(name) > 64:
        raise ValidationFailed({field: "姓名过长。"})
    return person_create(
        actor=actor,
        data=PersonInput(name=name, division_code=division_code, birth_date=birth),
        phones=[phone] if phone else [],
    )


def party_check(party: PartyInput, field: str) -> None:
    if party.role not in [r.value for r in OTHER_ROLES]:
        raise ValidationFailed({field: "请选择当事人的角色（被投诉人、涉及儿童、证人）。"})
    if len(party.relation or "") > 32:
        raise ValidationFailed({field: "关系最多 32 字。"})


def _role_conflict(*, case: Case, person_id: int, role: str, name: str, exclude: int | None = None) -> None:
    """The same person once per role, and never both the survivor and the one she complains about."""
    current = CaseParty.objects.filter(case=case, person_id=person_id, removed_at__isnull=True)
    if exclude is not None:
        current = current.exclude(pk=exclude)
    roles = set(current.values_list("role", flat=True))
    if role in roles:
        raise ValidationFailed({"parties": f"{mask_name(name)} 已是本案的{PartyRole(role).label}。"})
    opposed = {PartyRole.SEEKER: PartyRole.RESPONDENT, PartyRole.RESPONDENT: PartyRole.SEEKER}.get(PartyRole(role))
    if opposed is not None and opposed in roles:
        raise ValidationFailed(
            {"parties": f"{mask_name(name)} 已是本案的{opposed.label}，同一人不能既是求助人又是被投诉人。"}
        )


def party_attach(*, actor: Actor, case: Case, person: Person, party: PartyInput) -> CaseParty:
    """Link a resolved person to the case in the role given (inside the caller's transaction)."""
    _role_conflict(case=case, person_id=person.pk, role=party.role, name=person.name)
    if party.minor is not None:
        minor = party.minor
    else:
        minor = person.is_minor if person.birth_date else party.role == PartyRole.CHILD
    row = CaseParty.objects.create(
        case=case, person=person, role=party.role, relation=(party.relation or "").strip()[:32], minor=minor
    )
    relation = f"，{row.relation}" if row.relation else ""
    event_write(
        case,
        EventKind.NOTE,
        f"添加当事人：{mask_name(person.name)}（{row.get_role_display()}{relation}{'，未成年' if minor else ''}）",
        actor=actor,
        data={"party": row.pk, "person": person.pk, "role": party.role},
        sensitive=False,
    )
    return row


def case_party_add(*, actor: Actor, case: Case, party: PartyInput) -> CaseParty:
    """Add the respondent, a child or a witness to a case from its page."""
    require_on_case(actor, "cases.handle", case)
    party_check(party, "parties")
    if party.empty:
        raise ValidationFailed({"parties": "请填写姓名，或从人员库中选择。"})
    seeker = (
        CaseParty.objects.filter(case=case, role=PartyRole.SEEKER, removed_at__isnull=True)
        .select_related("person")
        .first()
    )
    home = seeker.person.division_id if seeker is not None else case.division_id
    with transaction.atomic():
        person = party_person_resolve(actor=actor, party=party, division_code=home)
        return party_attach(actor=actor, case=case, person=person, party=party)


def _party_locked(*, case: Case, party: CaseParty, expected_version: int | None) -> CaseParty:
    """The party re-read under a row lock: a removed one, or one changed since the worker read it, is refused."""
    if case.status == Status.CLOSED:
        raise WorkflowError("个案已结案，不能更正当事人；如需更正，请先重启个案。")
    fresh = CaseParty.objects.select_for_update(of=("self",)).select_related("person").get(pk=party.pk)
    if fresh.removed_at is not None:
        raise WorkflowError("该当事人已被移除，请刷新页面。")
    if expected_version is not None and fresh.version != expected_version:
        raise StaleEditError("该当事人已被他人更正，请刷新页面后重新填写。您的修改未保存。")
    return fresh


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) < 2:
        raise ValidationFailed({"reason": "请填写更正或移除的理由。"})
    if len(text) > 200:
        raise ValidationFailed({"reason": "理由最多 200 字。"})
    return text


def _describe(party: CaseParty) -> str:
    relation = f"，{party.relation}" if party.relation else ""
    return f"{party.get_role_display()}{relation}{'，未成年' if party.minor else ''}"


def case_party_edit(
    *,
    actor: Actor,
    party: CaseParty,
    role: str,
    relation: str,
    minor: bool,
    reason: str,
    expected_version: int | None,
) -> CaseParty:
    """Correct a party's role, relation or minor flag: a correction entry names what changed and why; an edit
    made against an older version (a colleague corrected it meanwhile) is refused."""
    case = party.case
    require_on_case(actor, "cases.handle", case)
    field = "parties"
    if role not in PartyRole.values:
        raise ValidationFailed({field: "请选择当事人的角色。"})
    if len(relation or "") > 32:
        raise ValidationFailed({field: "关系最多 32 字。"})
    why = _reason(reason)
    relation = (relation or "").strip()
    with transaction.atomic():
        fresh = _party_locked(case=case, party=party, expected_version=expected_version)
        before = {"role": fresh.role, "relation": fresh.relation, "minor": fresh.minor}
        after = {"role": role, "relation": relation, "minor": bool(minor)}
        if before == after:
            raise ValidationFailed({field: "没有需要更正的内容。"})
        if role != fresh.role:
            _role_conflict(case=case, person_id=fresh.person_id, role=role, name=fresh.person.name, exclude=fresh.pk)
        old = _describe(fresh)
        fresh.role, fresh.relation, fresh.minor = role, relation, bool(minor)
        fresh.version += 1
        fresh.save(update_fields=["role", "relation", "minor", "version"])
        event_write(
            case,
            EventKind.CORRECTION,
            f"更正当事人 {mask_name(fresh.person.name)}：{old} → {_describe(fresh)}",
            actor=actor,
            note=why,
            data={"party": fresh.pk, "person": fresh.person_id, "before": before, "after": after},
            sensitive=False,
        )
    party.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return fresh


def case_party_remove(*, actor: Actor, party: CaseParty, reason: str, expected_version: int | None) -> CaseParty:
    """Take a party entered by mistake off the case: kept on the record with who removed it, when and why (a
    correction entry on the timeline), out of the case's people, the person's cases and what a referral shares."""
    case = party.case
    require_on_case(actor, "cases.handle", case)
    why = _reason(reason)
    with transaction.atomic():
        fresh = _party_locked(case=case, party=party, expected_version=expected_version)
        fresh.removed_at = timezone.now()
        fresh.removed_by = user_of(actor)
        fresh.removed_reason = why
        fresh.version += 1
        fresh.save(update_fields=["removed_at", "removed_by", "removed_reason", "version"])
        event_write(
            case,
            EventKind.CORRECTION,
            f"移除当事人 {mask_name(fresh.person.name)}（{_describe(fresh)}）",
            actor=actor,
            note=why,
            data={"party": fresh.pk, "person": fresh.person_id, "removed": True, "role": fresh.role},
            sensitive=False,
        )
    return fresh
