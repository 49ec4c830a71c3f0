"""Writes to the people registry: validated, deduplicated by identity number, version-checked, logged."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core import crypto
from jiayuan.core.errors import ApplicationError, ValidationFailed
from jiayuan.core.validators import validate_phone, validate_resident_id
from jiayuan.divisions.models import Division, Level

from .models import Gender, IdType, Person, PersonPhone


ACCESS_REQUEST_SALT = "jiayuan.people.access-request"


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


def _clean(data: PersonInput, *, actor: Actor | None, perm: str,
           keep: str | None = None) -> tuple[PersonInput, str, Division]:
    """Validate input; `keep` is the record's current community, which a (write-granted) editor may keep."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > 64:
        errors["name"] = "姓名过长（最多 64 个字）。"
    id_number = (data.id_number or "").strip().upper()
    gender, birth = data.gender or Gender.UNKNOWN, data.birth_date
    if data.id_type not in IdType.values:
        errors["id_type"] = "证件类型不正确。"
    elif data.id_type == IdType.RESIDENT:
        try:
            rid = validate_resident_id(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
        else:
            id_number, birth = rid.number, rid.birth_date
            if gender not in (Gender.UNKNOWN, rid.gender) and data.gender:
                errors["gender"] = "性别与身份证号码不一致。"
            gender = rid.gender
    elif data.id_type == IdType.NONE:
        id_number = ""
    elif not id_number:
        errors["id_number"] = "请填写证件号码。"
    if birth and birth > timezone.localdate():
        errors["birth_date"] = "出生日期不能晚于今天。"
    division = Division.objects.filter(code=data.division_code).first()
    if division is None or division.level != Level.COMMUNITY:
        errors["division_code"] = "请选择人员所在的社区。"
    elif actor is not None and division.code != keep:
        prefix = actor.broadest_prefix(perm)
        if prefix is None or not division.code.startswith(prefix):
            errors["division_code"] = "所选社区不在您的管辖范围内。"
    if errors:
        raise ValidationFailed(errors)
    cleaned = PersonInput(
        name=name, division_code=division.code, gender=gender, birth_date=birth, id_type=data.id_type,
        id_number=id_number, address_detail=(data.address_detail or "").strip(),
        ethnicity=(data.ethnicity or "").strip(), notes=(data.notes or "").strip(),
    )
    return cleaned, (id_hash(data.id_type, id_number) if id_number else ""), division


def _raise_duplicate(actor: Actor | None, existing: Person) -> None:
    visible = existing if actor is None or policy.allows(actor, "people.view", existing) else None
    raise DuplicatePerson(person=visible, existing_id=existing.pk)


def _by(actor: Actor | None, obj):
    """Name the acting user as the author of the history row the next save writes."""
    obj._history_user = getattr(actor, "user", None)
    return obj


def person_create(*, actor: Actor | None, data: PersonInput, phones: list[str] = ()) -> Person:
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
            person = _by(actor, Person(
                name=cleaned.name, name_initials=initials(cleaned.name), gender=cleaned.gender,
                birth_date=cleaned.birth_date, id_type=cleaned.id_type, id_number=cleaned.id_number,
                id_hash=digest, division=division, address_detail=cleaned.address_detail,
                ethnicity=cleaned.ethnicity, notes=cleaned.notes,
                created_by=getattr(actor, "user", None),
            ))
            person.save(force_insert=True)
            for index, phone in enumerate(phone_values):
                _by(actor, PersonPhone(
                    person=person, number=phone.number, number_hash=phone_hash(phone.number), kind=phone.kind,
                    is_primary=index == 0, safe_to_call=True,
                )).save(force_insert=True)
    except IntegrityError:
        # Two clerks registering the same person at once: the second one is led to the first.
        existing = Person.objects.filter(id_type=cleaned.id_type, id_hash=digest).first()
        if existing is None:
            raise
        _raise_duplicate(actor, existing)
    return person


def person_update(*, actor: Actor | None, person: Person, expected_version: int, data: PersonInput) -> Person:
    """Edit a person; refused if someone else saved since `expected_version` was read."""
    if actor is not None:
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
    person._change_reason = "编辑人员信息"
    _by(actor, person)
    with transaction.atomic():
        person.save_versioned(expected_version=expected_version)
    return person


def person_phone_add(*, actor: Actor | None, person: Person, number: str, safe_to_call: bool = True,
                     safe_to_text: bool = False, safe_times: str = "") -> PersonPhone:
    if actor is not None:
        policy.require(actor, "people.edit", person)
    try:
        phone = validate_phone(number)
    except ValidationError as exc:
        raise ValidationFailed({"phone": exc.messages[0]}) from None
    digest = phone_hash(phone.number)
    if PersonPhone.objects.filter(person=person, number_hash=digest).exists():
        raise ValidationFailed({"phone": "该号码已登记。"})
    with transaction.atomic():
        item = _by(actor, PersonPhone(
            person=person, number=phone.number, number_hash=digest, kind=phone.kind,
            safe_to_call=safe_to_call, safe_to_text=safe_to_text, safe_times=safe_times,
            is_primary=not person.phones.exists(),
        ))
        item.save(force_insert=True)
        return item


def person_delete(*, actor: Actor, person: Person, reason: str) -> Person:
    """Soft delete with a reason; the record and its history stay."""
    policy.require(actor, "people.delete", person)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写删除原因。"})
    person.deleted_at = timezone.now()
    person.deleted_reason = reason.strip()[:200]
    person._change_reason = "删除"
    _by(actor, person)
    person.save_versioned(expected_version=person.version)
    return person


REVEALABLE = {"id_number": "people.reveal", "phones": "people.reveal", "address_detail": "people.reveal",
              "notes": "people.reveal"}


def person_reveal(*, actor: Actor, person: Person, field: str, request=None) -> str | list[str]:
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
        actor=actor, request=request, action=Action.REVEAL, obj=person,
        field_classes=[Person.FIELD_CLASSES[field]], detail={"field": field},
    )
    return value


def person_relation_add(*, actor: Actor | None, person: Person, relative: Person, kind: str,
                        note: str = "") -> "PersonRelation":
    """Record a family relation between two people the actor may both see (one direction, as told)."""
    from .models import PersonRelation

    if actor is not None:
        policy.require(actor, "people.edit", person)
        policy.require(actor, "people.view", relative)
    if kind not in PersonRelation.Kind.values:
        raise ValidationFailed({"kind": "请选择关系。"})
    if relative.pk == person.pk:
        raise ValidationFailed({"relative": "不能与本人建立关系。"})
    if PersonRelation.objects.filter(person=person, relative=relative, kind=kind).exists():
        raise ValidationFailed({"relative": "该关系已登记。"})
    with transaction.atomic():
        relation = _by(actor, PersonRelation(person=person, relative=relative, kind=kind,
                                             note=(note or "").strip()[:200]))
        relation.save()
    return relation
