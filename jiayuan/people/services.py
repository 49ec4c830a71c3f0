"""Writes to the people registry: validated, deduplicated by identity number, version-checked, logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.services import ACCESS_REQUEST_SALT
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write, access_log_write_lasting
from jiayuan.core import crypto, ratelimit
from jiayuan.core.errors import ApplicationError, ValidationFailed
from jiayuan.core.models import change_reason_set, history_user_set
from jiayuan.core.validators import validate_phone, validate_resident_id
from jiayuan.divisions.models import Division, Level

from .models import Gender, IdType, Person, PersonPhone, PersonRelation

if TYPE_CHECKING:
    from django.http import HttpRequest


class DuplicatePerson(ApplicationError):
    """The identity number is already registered. `person` is set only when the actor may open it."""

    status_code = 409

    def __init__(self, *, person: Person | None, existing_id: int):
        self.person = person
        self.existing_id = existing_id
        # What the page may carry to an access request: a signed reference, not the record's id.
        self.request_token = crypto.seal(f"{ACCESS_REQUEST_SALT}:{existing_id}")
        if person is not None:
            message = "该证件号码已登记，已为您打开已有的人员档案。"
        else:
            message = "该人员已在其他辖区登记。如确需查阅，请提交查阅申请，经对方辖区同意后方可查看。"
        super().__init__(message, field="id_number")


def initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def id_hash(id_type: str, number: str) -> str:
    return crypto.blind_index(number, purpose=f"id:{id_type}")


def phone_hash(number: str) -> str:
    return crypto.blind_index(number, purpose="phone")


@dataclass
class PersonInput:
    name: str
    division_code: str
    gender: str = Gender.UNKNOWN
    birth_date: dt.date | None = None
    id_type: str = IdType.NONE
    id_number: str = ""
    address_detail: str = ""
    ethnicity: str = ""
    notes: str = ""


@dataclass
class Identity:
    """A person's identity fields after the registry's rules: the number normalised, and gender and birth
    date taken from a resident ID."""

    id_type: str
    id_number: str
    gender: str
    birth_date: dt.date | None


def person_identity_clean(
    *, id_type: str, id_number: str, gender: str = "", birth_date: dt.date | None = None, today: dt.date | None = None
) -> tuple[Identity, dict[str, str]]:
    """The registry's identity rules, in one place for the form, the API and the Excel import.

    Returns the cleaned fields and the problems found, one message per field (`id_type`, `id_number`,
    `gender`, `birth_date`); every check runs, so an import reports all of a row's problems at once.
    """
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    number = (id_number or "").strip().upper()
    gender = gender or Gender.UNKNOWN
    if id_type not in IdType.values:
        errors["id_type"] = "证件类型不正确。"
    elif id_type == IdType.RESIDENT:
        try:
            rid = validate_resident_id(number, today=today)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
        else:
            number = rid.number
            if gender not in (Gender.UNKNOWN, rid.gender):
                errors["gender"] = "性别与身份证号码不一致。"
            if birth_date and birth_date != rid.birth_date:
                errors["birth_date"] = "出生日期与身份证号码不一致。"
            gender, birth_date = rid.gender, rid.birth_date
    elif id_type == IdType.NONE:
        if number:
            errors["id_number"] = "证件类型为“无/未提供”时请不要填写证件号码。"
        number = ""
    elif not number:
        errors["id_number"] = "请填写证件号码。"
    elif len(number) > 32:
        errors["id_number"] = "证件号码过长。"
    if birth_date and birth_date > today and "birth_date" not in errors:
        errors["birth_date"] = "出生日期不能晚于今天。"
    return Identity(id_type=id_type, id_number=number, gender=gender, birth_date=birth_date), errors


def _clean(data: PersonInput, *, actor: Actor, perm: str, keep: str | None = None) -> tuple[PersonInput, str, Division]:
    """Validate input; `keep` is the record's current community, which a (write-granted) editor may keep."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > 64:
        errors["name"] = "姓名过长（最多 64 个字）。"
    identity, problems = person_identity_clean(
        id_type=data.id_type, id_number=data.id_number, gender=data.gender, birth_date=data.birth_date
    )
    errors.update(problems)
    division = Division.objects.filter(code=data.division_code).first()
    if division is None or division.level != Level.COMMUNITY:
        errors["division_code"] = "请选择人员所在的社区。"
    elif division.code != keep and not policy.place_allowed(actor, perm, division.code):
        errors["division_code"] = "所选社区不在您的管辖范围内。"
    if errors or division is None:
        raise ValidationFailed(errors)
    cleaned = PersonInput(
        name=name,
        division_code=division.code,
        gender=identity.gender,
        birth_date=identity.birth_date,
        id_type=identity.id_type,
        id_number=identity.id_number,
        address_detail=(data.address_detail or "").strip(),
        ethnicity=(data.ethnicity or "").strip(),
        notes=(data.notes or "").strip(),
    )
    digest = id_hash(identity.id_type, identity.id_number) if identity.id_number else ""
    return cleaned, digest, division


def _raise_duplicate(actor: Actor, existing: Person) -> None:
    visible = existing if actor.is_system or policy.allows(actor, "people.view", existing) else None
    if visible is None:
        # "Registered elsewhere" confirms that a number exists outside the actor's area: an existence check
        # anyone with a login could repeat. Each one is logged (kept even though the write is rolled back)
        # and they are rate-limited per user.
        access_log_write_lasting(
            actor=actor,
            action=Action.EXISTS_ELSEWHERE,
            obj=existing,
            field_classes=["personal"],
            detail={"event": "exists_elsewhere"},
        )
        wait = ratelimit.check_key("exists_elsewhere", f"user:{actor.user_id}")
        if wait is not None:
            raise ratelimit.RateLimited(wait)
    raise DuplicatePerson(person=visible, existing_id=existing.pk)


M = TypeVar("M", bound=Model)


def _by(actor: Actor, obj: M) -> M:
    """Name the acting user as the author of the history row the next save writes."""
    history_user_set(obj, actor.user)
    return obj


def person_create(*, actor: Actor, data: PersonInput, phones: Sequence[str] = ()) -> Person:
    """Register a person; an identity number already on file leads to that record instead."""
    cleaned, digest, division = _clean(data, actor=actor, perm="people.create")
    try:
        phone_values = [validate_phone(p) for p in phones if p and p.strip()] if phones else []
    except ValidationError as exc:  # a Chinese message for the form, never a server error
        raise ValidationFailed({"phone": exc.messages[0]}) from None
    if digest:
        existing = Person.objects.filter(id_type=cleaned.id_type, id_hash=digest).first()
        if existing is not None:
            _raise_duplicate(actor, existing)
    try:
        with transaction.atomic():
            person = _by(
                actor,
                Person(
                    name=cleaned.name,
                    name_initials=initials(cleaned.name),
                    gender=cleaned.gender,
                    birth_date=cleaned.birth_date,
                    id_type=cleaned.id_type,
                    id_number=cleaned.id_number,
                    id_hash=digest,
                    division=division,
                    address_detail=cleaned.address_detail,
                    ethnicity=cleaned.ethnicity,
                    notes=cleaned.notes,
                    created_by=getattr(actor, "user", None),
                ),
            )
            person.save(force_insert=True)
            for index, phone in enumerate(phone_values):
                _by(
                    actor,
                    PersonPhone(
                        person=person,
                        number=phone.number,
                        number_hash=phone_hash(phone.number),
                        kind=phone.kind,
                        is_primary=index == 0,
                        safe_to_call=True,
                    ),
                ).save(force_insert=True)
    except IntegrityError:
        # Two clerks registering the same person at once: the second one is led to the first.
        existing = Person.objects.filter(id_type=cleaned.id_type, id_hash=digest).first()
        if existing is None:
            raise
        _raise_duplicate(actor, existing)
    return person


def person_update(*, actor: Actor, person: Person, expected_version: int, data: PersonInput) -> Person:
    """Edit a person; refused if someone else saved since `expected_version` was read."""
    if not actor.is_system:
        policy.require(actor, "people.edit", person)
    cleaned, digest, division = _clean(data, actor=actor, perm="people.edit", keep=person.division_id)
    if digest and digest != person.id_hash:
        existing = Person.objects.filter(id_type=cleaned.id_type, id_hash=digest).exclude(pk=person.pk).first()
        if existing is not None:
            _raise_duplicate(actor, existing)
    person.name = cleaned.name
    person.name_initials = initials(cleaned.name)
    person.gender = cleaned.gender
    person.birth_date = cleaned.birth_date
    person.id_type = cleaned.id_type
    person.id_number = cleaned.id_number
    person.id_hash = digest
    person.division = division
    person.address_detail = cleaned.address_detail
    person.ethnicity = cleaned.ethnicity
    person.notes = cleaned.notes
    change_reason_set(person, "编辑人员信息")
    _by(actor, person)
    with transaction.atomic():
        person.save_versioned(expected_version=expected_version)
    return person


def person_phone_add(
    *,
    actor: Actor,
    person: Person,
    number: str,
    safe_to_call: bool = True,
    safe_to_text: bool = False,
    safe_times: str = "",
) -> PersonPhone:
    if not actor.is_system:
        policy.require(actor, "people.edit", person)
    try:
        phone = validate_phone(number)
    except ValidationError as exc:
        raise ValidationFailed({"phone": exc.messages[0]}) from None
    digest = phone_hash(phone.number)
    if PersonPhone.objects.filter(person=person, number_hash=digest).exists():
        raise ValidationFailed({"phone": "该号码已登记。"})
    with transaction.atomic():
        item = _by(
            actor,
            PersonPhone(
                person=person,
                number=phone.number,
                number_hash=digest,
                kind=phone.kind,
                safe_to_call=safe_to_call,
                safe_to_text=safe_to_text,
                safe_times=safe_times,
                is_primary=not person.phones.exists(),
            ),
        )
        item.save(force_insert=True)
        return item


def person_delete(*, actor: Actor, person: Person, reason: str) -> Person:
    """Soft delete with a reason; the record and its history stay."""
    policy.require(actor, "people.delete", person)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写删除原因。"})
    person.deleted_at = timezone.now()
    person.deleted_reason = reason.strip()[:200]
    change_reason_set(person, "删除")
    _by(actor, person)
    person.save_versioned(expected_version=person.version)
    return person


REVEALABLE = {
    "id_number": "people.reveal",
    "phones": "people.reveal",
    "address_detail": "people.reveal",
    "notes": "people.reveal",
}


def person_reveal(*, actor: Actor, person: Person, field: str, request: HttpRequest | None = None) -> str | list[str]:
    """The full value of a protected field: a permission of its own, and every reveal is logged."""
    perm = REVEALABLE.get(field)
    if perm is None:
        raise ApplicationError("该字段不支持查看完整信息。")
    policy.require(actor, perm, person)
    if field == "phones":
        value: str | list[str] = [p.number for p in person.phones.all()]
    else:
        value = getattr(person, field) or ""
    access_log_write(
        actor=actor,
        request=request,
        action=Action.REVEAL,
        obj=person,
        field_classes=[Person.FIELD_CLASSES[field]],
        detail={"field": field},
    )
    return value


def person_relation_add(*, actor: Actor, person: Person, relative: Person, kind: str, note: str = "") -> PersonRelation:
    """Record a family relation between two people the actor may both see (one direction, as told)."""

    if not actor.is_system:
        policy.require(actor, "people.edit", person)
        policy.require(actor, "people.view", relative)
    if kind not in PersonRelation.Kind.values:
        raise ValidationFailed({"kind": "请选择关系。"})
    if relative.pk == person.pk:
        raise ValidationFailed({"relative": "不能与本人建立关系。"})
    if PersonRelation.objects.filter(person=person, relative=relative, kind=kind).exists():
        raise ValidationFailed({"relative": "该关系已登记。"})
    with transaction.atomic():
        relation = _by(
            actor, PersonRelation(person=person, relative=relative, kind=kind, note=(note or "").strip()[:200])
        )
        relation.save()
    return relation


def person_find_or_register(
    *,
    actor: Actor,
    division_code: str,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    person_id: int | None = None,
    new_person: bool = False,
) -> Person | None:
    """A person met at intake (a caller, a visitor): the one picked, else found by ID number, else by phone
    (one match), else registered.

    Repeat callers are found before anyone new is created (unless the operator said the caller is not the
    person found: `new_person`); nothing to go on (an anonymous call) gives None. An ID number already
    registered still leads to that person.
    """
    from .selectors import person_find_by_identity, person_find_by_phone, person_get

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
        by_phone = person_find_by_phone(actor=actor, number=phone)
        if len(by_phone) == 1:
            return by_phone[0]
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


from .bulk import _bulk_insert, person_bulk_create  # noqa: E402, F401 - re-exported (bulk needs the names above)
