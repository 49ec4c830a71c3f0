"""Care over the API: the same scoping, masking and services as the pages."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from jiayuan.access.fields import mask_name
from jiayuan.api.routing import operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.pagination import paginate

from . import selectors, services

router = Router(tags=["困境关爱"])


class EntryRowOut(Schema):
    id: int
    person_id: int
    name: str
    age: int | None
    division: str
    types: list[str]
    level: str
    worker: str
    next_review_on: dt.date
    review_due: bool
    paired: bool
    status: str


class EntryPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[EntryRowOut]


class LedgerOut(Schema):
    id: int
    kind: str
    on: dt.date
    content: str
    amount: Decimal | None


class SuggestionOut(Schema):
    helper_id: int
    name: str
    kind: str
    community: str
    distance: int
    remaining: int
    skills_matched: list[str]
    reasons: list[str]


class PairingOut(Schema):
    id: int
    name: str
    age: int | None
    community: str
    status: str
    started_on: dt.date
    last_contact_on: dt.date | None


class ReliefOut(Schema):
    id: int
    fund: str
    amount: Decimal
    status: str
    chain: list[str]
    current_level: int
    approval_version: int | None


class ReliefIn(Schema):
    fund_id: int
    person_id: int
    amount: Decimal
    reason: str = ""


class DecisionIn(Schema):
    decision: str
    comment: str = ""
    version: int


def _row(r):
    return {**r.__dict__, "level": r.level}


@operation(router, "GET", "/register", perm="care.list", response=EntryPageOut)
def register_list(
    request, type: str = "", level: str = "", division: str = "", due: bool = False, paired: str = "", page: int = 1
):
    filters = selectors.RegisterFilters(
        type=type[:48], level=level[:16], division=division[:12], due=due, paired=paired
    )
    result = paginate(selectors.register_list(actor=request.actor, filters=filters), max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [_row(r) for r in selectors.register_rows(result.object_list)],
    }


@operation(router, "GET", "/register/{int:entry_id}", perm="care.view", response=EntryRowOut)
def entry_detail(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=entry,
        field_classes=["personal"],
        detail={"channel": "api"},
    )
    return _row(selectors.register_rows([entry])[0])


@operation(router, "GET", "/people/{int:person_id}/ledger", perm="care.view", response=list[LedgerOut])
def ledger(request, person_id: int, page: int = 1):
    person = selectors.person_for_care(actor=request.actor, person_id=person_id)
    result = paginate(selectors.person_ledger(actor=request.actor, person=person), max(page, 1))
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=person,
        field_classes=["sensitive"],
        detail={"channel": "api", "page": "care_ledger"},
    )
    return [
        {"id": line.pk, "kind": line.kind, "on": line.on, "content": line.content, "amount": line.amount}
        for line in result.object_list
    ]


@operation(router, "GET", "/people/{int:person_id}/suggestions", perm="care.pairing_edit", response=list[SuggestionOut])
def suggestions(request, person_id: int, limit: int = 10):
    person = selectors.person_for_care(actor=request.actor, person_id=person_id, perm="care.pairing_edit")
    return [
        s.__dict__
        for s in selectors.match_suggestions(actor=request.actor, person=person, limit=min(max(limit, 1), 50))
    ]


@operation(router, "GET", "/pairings/{int:pairing_id}", perm="care.pairing_view", response=PairingOut)
def pairing_detail(request, pairing_id: int):
    p = selectors.pairing_get(actor=request.actor, pairing_id=pairing_id)
    return {
        "id": p.pk,
        "name": mask_name(p.person.name),
        "age": p.person.age,
        "community": p.division.name,
        "status": p.status,
        "started_on": p.started_on,
        "last_contact_on": p.last_contact_on,
    }


def _relief_out(app):
    approval = app.approval
    return {
        "id": app.pk,
        "fund": app.fund.name,
        "amount": app.amount,
        "status": app.status,
        "chain": approval.chain if approval else [],
        "current_level": approval.current_level if approval else 0,
        "approval_version": approval.version if approval else None,
    }


@operation(router, "GET", "/relief/{int:application_id}", perm="care.view", response=ReliefOut)
def relief_detail(request, application_id: int):
    return _relief_out(selectors.relief_get(actor=request.actor, application_id=application_id))


@operation(router, "POST", "/relief", perm="care.relief_request", response={201: ReliefOut})
def relief_apply(request, payload: ReliefIn):
    person = selectors.person_for_care(actor=request.actor, person_id=payload.person_id, perm="care.edit")
    fund = selectors.fund_get(actor=request.actor, fund_id=payload.fund_id)
    app = services.relief_apply(
        actor=request.actor, fund=fund, person=person, amount=payload.amount, reason=payload.reason
    )
    return Status(201, _relief_out(selectors.relief_get(actor=request.actor, application_id=app.pk)))


@operation(router, "POST", "/relief/{int:application_id}/decide", perm="care.relief_approve", response=ReliefOut)
def relief_decide(request, application_id: int, payload: DecisionIn):
    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    services.relief_decide(
        actor=request.actor,
        application=app,
        decision=payload.decision,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return _relief_out(selectors.relief_get(actor=request.actor, application_id=app.pk))
