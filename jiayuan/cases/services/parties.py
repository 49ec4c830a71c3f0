"""The other people of a case: the respondent, the children involved, a witness. Added at intake or later, each
found in the registry before anyone new is created (a person picked from the chooser, else one match by phone),
else registered with what the worker knows (name, age or birth year, phone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.cases.models import Case, CaseParty, EventKind, PartyRole
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.people.models import Person

from .common import require_on_case
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


def party_attach(*, actor: Actor, case: Case, person: Person, party: PartyInput) -> CaseParty:
    """Link a resolved person to the case in the role given (inside the caller's transaction)."""
    if CaseParty.objects.filter(case=case, person=person, role=party.role).exists():
        raise ValidationFailed({"parties": f"{mask_name(person.name)} 已是本案的{PartyRole(party.role).label}。"})
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
    seeker = CaseParty.objects.filter(case=case, role=PartyRole.SEEKER).select_related("person").first()
    home = seeker.person.division_id if seeker is not None else case.division_id
    with transaction.atomic():
        person = party_person_resolve(actor=actor, party=party, division_code=home)
        return party_attach(actor=actor, case=case, person=person, party=party)
