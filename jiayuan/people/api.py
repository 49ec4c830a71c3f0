"""People over the API, with the same scoping, masking and logging as the pages."""

import datetime as dt

from ninja import Router, Schema, Status

from jiayuan.access.fields import mask_phone
from jiayuan.api.routing import operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError, BadParameter
from jiayuan.core.pagination import paginate

from . import selectors, services
from .models import IdType, Person

router = Router(tags=["人员"])


class PersonRowOut(Schema):
    id: int
    name: str
    gender: str
    age: int | None
    is_minor: bool
    id_number: str
    phone: str
    division: str


class PersonPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[PersonRowOut]


class PhoneOut(Schema):
    id: int
    number: str
    kind: str
    safe_to_call: bool
    safe_to_text: bool


class PersonOut(Schema):
    id: int
    version: int
    name: str
    gender: str
    birth_year: int | None
    is_minor: bool
    id_type: str
    id_number: str
    division_code: str
    division: str
    phones: list[PhoneOut]


class PersonIn(Schema):
    name: str
    division_code: str
    id_type: str = IdType.NONE
    id_number: str = ""
    gender: str = "U"
    birth_date: dt.date | None = None
    phone: str = ""
    address_detail: str = ""


class PersonUpdateIn(Schema):
    name: str
    division_code: str
    id_type: str = IdType.NONE
    gender: str = "U"
    birth_date: dt.date | None = None
    phone: str = ""
    version: int
    # Omitted (null) protected fields keep their stored value; send "" to clear one.
    id_number: str | None = None
    address_detail: str | None = None
    ethnicity: str | None = None
    notes: str | None = None


class RevealIn(Schema):
    field: str


class RevealOut(Schema):
    field: str
    value: str | list[str]


class DuplicateOut(Schema):
    detail: str
    existing_id: int | None


def _person_out(person: Person) -> dict:
    row = selectors.person_rows([person], with_phones=False)[0]
    return {
        "id": person.pk,
        "version": person.version,
        "name": row.name,
        "gender": person.gender,
        "birth_year": person.birth_date.year if person.birth_date else None,
        "is_minor": person.is_minor,
        "id_type": person.id_type,
        "id_number": row.id_number,
        "division_code": person.division_id,
        "division": person.division.name,
        "phones": [
            {
                "id": p.pk,
                "number": mask_phone(p.number),
                "kind": p.kind,
                "safe_to_call": p.safe_to_call,
                "safe_to_text": p.safe_to_text,
            }
            for p in person.phones.all()
        ],
    }


def _person_page(request, q: str, division: str, page: int) -> dict:
    filters = selectors.PersonFilters(q=q[:64], division=division[:12])
    result = paginate(selectors.person_list(actor=request.actor, filters=filters), max(page, 1))
    if q:
        access_log_write(
            actor=request.actor,
            request=request,
            action=Action.SEARCH,
            object_type="people.person",
            field_classes=["personal"],
            detail={"kind": selectors.classify_query(q), "results": result.paginator.count, "channel": "api"},
        )
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [row.__dict__ for row in selectors.person_rows(result.object_list)],
    }


@operation(router, "GET", "", perm="people.view", response=PersonPageOut)
def person_list(request, q: str = "", division: str = "", page: int = 1):
    """People in the caller's scope; names, ID numbers and phones masked. An ID number or a phone number is
    refused here (400): search for them with `POST /api/people/search`, so they never appear in a URL."""
    if q and selectors.classify_query(q) in ("id_number", "phone"):
        raise BadParameter("身份证号、电话等个人信息不能放在网址中，请使用 POST /api/people/search 查询。")
    return _person_page(request, q, division, page)


class PersonSearchIn(Schema):
    q: str = ""
    division: str = ""
    page: int = 1


@operation(router, "POST", "/search", perm="people.view", response=PersonPageOut)
def person_search(request, payload: PersonSearchIn):
    """Search people in scope by name, initials, ID number or phone, sent in the body; results masked."""
    return _person_page(request, payload.q, payload.division, payload.page)


@operation(router, "GET", "/{int:person_id}", perm="people.view", response=PersonOut)
def person_detail(request, person_id: int):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=person,
        field_classes=["public", "personal"],
        detail={"channel": "api"},
    )
    return _person_out(person)


@operation(router, "POST", "", perm="people.create", response={201: PersonOut, 409: DuplicateOut})
def person_create(request, payload: PersonIn):
    data = services.PersonInput(
        name=payload.name,
        division_code=payload.division_code,
        gender=payload.gender,
        birth_date=payload.birth_date,
        id_type=payload.id_type,
        id_number=payload.id_number,
        address_detail=payload.address_detail,
    )
    try:
        person = services.person_create(actor=request.actor, data=data, phones=[payload.phone] if payload.phone else [])
    except services.DuplicatePerson as exc:
        return Status(409, {"detail": exc.message, "existing_id": exc.person.pk if exc.person else None})
    person = selectors.person_get(actor=request.actor, person_id=person.pk)
    return Status(201, _person_out(person))


@operation(router, "PUT", "/{int:person_id}", perm="people.edit", response={200: PersonOut, 409: DuplicateOut})
def person_update(request, person_id: int, payload: PersonUpdateIn):
    person = selectors.person_access(actor=request.actor, person_id=person_id, perm="people.edit")

    def keep(value, current):
        return current if value is None else value

    same_type = payload.id_type == person.id_type
    data = services.PersonInput(
        name=payload.name,
        division_code=payload.division_code,
        gender=payload.gender,
        birth_date=payload.birth_date,
        id_type=payload.id_type,
        id_number=keep(payload.id_number, person.id_number if same_type else ""),
        address_detail=keep(payload.address_detail, person.address_detail),
        ethnicity=keep(payload.ethnicity, person.ethnicity),
        notes=keep(payload.notes, person.notes),
    )
    try:
        services.person_update(actor=request.actor, person=person, expected_version=payload.version, data=data)
    except services.DuplicatePerson as exc:
        return Status(409, {"detail": exc.message, "existing_id": exc.person.pk if exc.person else None})
    return Status(200, _person_out(selectors.person_get(actor=request.actor, person_id=person.pk)))


@operation(router, "POST", "/{int:person_id}/reveal", perm="people.reveal", response=RevealOut)
def person_reveal(request, person_id: int, payload: RevealIn):
    """The full value of one protected field; written to the access log."""
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    if payload.field not in services.REVEALABLE:
        raise ApplicationError("该字段不支持查看完整信息。")
    value = services.person_reveal(actor=request.actor, person=person, field=payload.field, request=request)
    return {"field": payload.field, "value": value}
