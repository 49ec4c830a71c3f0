"""Cases over the API (the 12338 telephony system, mini-programs): intake, caller look-up, lists, a case.

Same scoping, masking and logging as the pages; out of scope is 404.
"""

import datetime as dt

from django.db import transaction
from ninja import Router, Schema

from jiayuan.access.fields import mask_text
from jiayuan.api.routing import operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.pagination import paginate

from . import selectors, services
from .models import Channel, PartyRole

router = Router(tags=["维权个案"])


class CallerIn(Schema):
    name: str = ""
    phone: str = ""
    id_number: str = ""
    person_id: int | None = None
    role: str = PartyRole.SEEKER


class CaseIn(Schema):
    channel: str = Channel.HOTLINE
    division_code: str
    caller: CallerIn = CallerIn()
    categories: list[str]
    account: str = ""
    consent_to_share: bool = False
    restricted: bool = False
    source: str = ""
    received_at: dt.datetime | None = None


class CaseRowOut(Schema):
    id: int
    number: str
    received_at: dt.datetime
    channel: str
    categories: list[str]
    status: str
    status_code: str
    risk: str
    risk_code: str
    urgent: bool
    division: str
    handler: str
    next_due_at: dt.datetime | None
    overdue: bool
    seeker: str


class CasePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseRowOut]


class EventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    title: str
    actor: str
    note: str
    corrects_id: int | None


class CaseOut(Schema):
    id: int
    version: int
    number: str
    channel: str
    received_at: dt.datetime
    division_code: str
    status: str
    risk_level: str
    urgent: bool
    restricted: bool
    categories: list[str]
    account: str
    first_contact_due: dt.datetime | None
    next_due_at: dt.datetime | None
    timeline: list[EventOut]


class CreatedOut(Schema):
    id: int
    number: str
    status: str
    urgent: bool
    person_id: int | None
    earlier_cases: list[CaseRowOut]


class CallerMatchOut(Schema):
    person_id: int
    name: str
    phone: str
    cases: list[CaseRowOut]


def _case_out(actor, case) -> dict:
    reveal = selectors.may_reveal(actor, case)
    timeline = selectors.case_timeline(actor=actor, case=case, reveal=reveal)
    return {
        "id": case.pk, "version": case.version, "number": case.number, "channel": case.channel,
        "received_at": case.received_at, "division_code": case.division_id, "status": case.status,
        "risk_level": case.risk_level, "urgent": case.urgent, "restricted": case.restricted,
        "categories": selectors.case_categories(case),
        "account": case.account if reveal else mask_text(case.account),
        "first_contact_due": case.first_contact_due, "next_due_at": case.next_due_at,
        "timeline": [{"id": e.id, "at": e.at, "kind": e.kind, "title": e.title, "actor": e.actor, "note": e.note,
                      "corrects_id": e.corrects_id} for e in timeline],
    }


@operation(router, "GET", "", perm="cases.list", response=CasePageOut)
def case_list(request, status: str = "", risk: str = "", category: str = "", division: str = "", page: int = 1):
    """Cases in the caller's scope, newest first; names masked."""
    filters = selectors.CaseFilters(status=status[:16], risk=risk[:8], category=category[:32],
                                    division=division[:12])
    result = paginate(selectors.case_list(actor=request.actor, filters=filters), max(page, 1))
    return {"count": result.paginator.count, "page": result.number, "pages": result.paginator.num_pages,
            "results": [row.__dict__ for row in selectors.case_rows(result.object_list)]}


@operation(router, "POST", "", perm="cases.create", response={201: CreatedOut})
def case_create(request, payload: CaseIn):
    """Intake from the telephony system: the caller is found by ID number or phone before anyone new is
    registered; earlier cases of the same person in scope come back with the new case."""
    with transaction.atomic():
        person = services.caller_resolve(
            actor=request.actor, division_code=payload.division_code, name=payload.caller.name,
            phone=payload.caller.phone, id_number=payload.caller.id_number, person_id=payload.caller.person_id)
        earlier = selectors.person_cases(actor=request.actor, person_id=person.pk) if person else []
        case = services.case_create(actor=request.actor, data=services.CaseInput(
            channel=payload.channel, division_code=payload.division_code,
            parties=[(person.pk, payload.caller.role)] if person else [],
            categories=payload.categories, account=payload.account,
            consent_to_share=payload.consent_to_share, restricted=payload.restricted,
            source=payload.source, received_at=payload.received_at))
    return 201, {"id": case.pk, "number": case.number, "status": case.status, "urgent": case.urgent,
                 "person_id": person.pk if person else None, "earlier_cases": [r.__dict__ for r in earlier]}


@operation(router, "GET", "/callers", perm="cases.intake", response=list[CallerMatchOut])
def caller_lookup(request, phone: str = "", id_number: str = ""):
    """Screen-pop for the hotline: people in scope with this number, and their earlier cases."""
    from jiayuan.people.models import IdType
    from jiayuan.people.selectors import person_find_by_identity, person_find_by_phone, person_rows

    people = []
    if id_number:
        found = person_find_by_identity(actor=request.actor, id_type=IdType.RESIDENT, id_number=id_number[:32])
        people = [found] if found else []
    if phone and not people:
        people = person_find_by_phone(actor=request.actor, number=phone[:32])
    access_log_write(actor=request.actor, request=request, action=Action.SEARCH, object_type="people.person",
                     field_classes=["personal"], detail={"kind": "caller_lookup", "results": len(people),
                                                         "channel": "api"})
    return [{"person_id": p.pk, "name": row.name, "phone": row.phone,
             "cases": [r.__dict__ for r in selectors.person_cases(actor=request.actor, person_id=p.pk)]}
            for row, p in zip(person_rows(people), people)]


@operation(router, "GET", "/{int:case_id}", perm="cases.view", response=CaseOut)
def case_detail(request, case_id: int):
    case = selectors.access_case_by_id(request.actor, case_id)
    reveal = selectors.may_reveal(request.actor, case)
    access_log_write(actor=request.actor, request=request, action=Action.VIEW, obj=case,
                     field_classes=["public", "personal"] + ([case.account_class] if reveal else []),
                     detail={"channel": "api"})
    return _case_out(request.actor, case)
