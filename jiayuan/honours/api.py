"""Honours over the API: the same scope, masking and services as the pages."""

import datetime as dt

from ninja import Router, Schema, Status

from jiayuan.api.routing import operation
from jiayuan.core.pagination import paginate

from . import selectors, services
from .exports import holder_shown

router = Router(tags=["评选表彰"])


class KindOut(Schema):
    id: int
    code: str
    name: str
    holder_type: str
    is_active: bool


class HonourOut(Schema):
    id: int
    kind: str
    kind_code: str
    level: str
    year: int
    holder_type: str
    holder_id: int | None
    holder: str
    division: str
    granted_on: dt.date | None
    granted_by: str
    nomination_id: int | None


class HonourPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[HonourOut]


class StepOut(Schema):
    at: dt.datetime
    division: str
    decision: str
    comment: str


class ObjectionOut(Schema):
    id: int
    received_on: dt.date
    content: str
    status: str
    finding: str


class NominationOut(Schema):
    id: int
    kind: str
    level: str
    year: int
    holder_type: str
    holder: str
    division: str
    origin: str
    status: str
    notice_start: dt.date | None
    notice_end: dt.date | None
    version: int
    chain: list[str]
    current_level: int | None
    steps: list[StepOut]
    objections: list[ObjectionOut]


class NominationIn(Schema):
    kind: str
    level: str
    year: int
    holder_type: str
    holder_id: int
    reason: str


class DecisionIn(Schema):
    decision: str
    comment: str = ""
    version: int


class NoticeIn(Schema):
    notice_start: dt.date
    notice_end: dt.date
    version: int


class ResubmitIn(Schema):
    comment: str = ""
    reason: str = ""
    version: int


class ObjectionIn(Schema):
    received_on: dt.date
    content: str


class ObjectionResolveIn(Schema):
    upheld: bool
    finding: str


class HonourIn(Schema):
    kind: str
    level: str
    year: int
    holder_type: str
    holder_id: int
    granted_on: dt.date | None = None
    granted_by: str = ""
    document_no: str = ""


class CountRowOut(Schema):
    kind: str
    kind_code: str
    counts: dict[str, int]
    total: int


class CountsOut(Schema):
    place: str
    year: int | None
    rows: list[CountRowOut]
    by_level: dict[str, int]
    total: int


def _honour(h) -> dict:
    return {
        "id": h.pk,
        "kind": h.kind.name,
        "kind_code": h.kind.code,
        "level": h.level,
        "year": h.year,
        "holder_type": h.holder_type,
        "holder_id": h.holder_id,
        "holder": holder_shown(h.holder_type, h.holder_name),
        "division": h.division_id,
        "granted_on": h.granted_on,
        "granted_by": h.granted_by,
        "nomination_id": h.nomination_id,
    }


def _nomination(actor, n) -> dict:
    view = selectors.nomination_view(actor=actor, nomination=n)
    return {
        "id": n.pk,
        "kind": n.kind.name,
        "level": n.level,
        "year": n.year,
        "holder_type": n.holder_type,
        "holder": holder_shown(n.holder_type, n.holder_name),
        "division": n.division_id,
        "origin": n.origin_id,
        "status": n.status,
        "notice_start": n.notice_start,
        "notice_end": n.notice_end,
        "version": n.version,
        "chain": list(n.approval.chain) if n.approval else [],
        "current_level": n.approval.current_level if n.approval else None,
        "steps": [
            {"at": s.at, "division": s.division_id, "decision": s.decision, "comment": s.comment} for s in view["steps"]
        ],
        "objections": [
            {"id": o.pk, "received_on": o.received_on, "content": o.content, "status": o.status, "finding": o.finding}
            for o in view["objections"]
        ],
    }


@operation(router, "GET", "/kinds", perm="honours.view", response=list[KindOut])
def kinds(request):
    return [
        {"id": k.pk, "code": k.code, "name": k.name, "holder_type": k.holder_type, "is_active": k.is_active}
        for k in selectors.kind_list(active_only=False)
    ]


@operation(router, "GET", "/honours", perm="honours.view", response=HonourPageOut)
def honour_list(request, kind: str = "", level: str = "", year: int | None = None, division: str = "", page: int = 1):
    filters = selectors.HonourFilters(kind=kind[:32], level=level[:16], year=year, division=division[:12])
    found = paginate(selectors.honour_list(actor=request.actor, filters=filters), page)
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "results": [_honour(h) for h in found.object_list],
    }


@operation(router, "GET", "/honours/{honour_id}", perm="honours.view", response=HonourOut)
def honour_get(request, honour_id: int):
    return _honour(selectors.honour_get(actor=request.actor, honour_id=honour_id))


@operation(router, "POST", "/honours", perm="honours.record", response={201: HonourOut})
def honour_record(request, payload: HonourIn):
    honour = services.honour_record(actor=request.actor, kind_id=payload.kind, **payload.dict(exclude={"kind"}))
    return Status(201, _honour(selectors.honour_get(actor=request.actor, honour_id=honour.pk)))


@operation(router, "GET", "/counts", perm="honours.stats", response=CountsOut)
def counts(request, year: int | None = None, division: str = ""):
    c = selectors.honour_counts(actor=request.actor, year=year, division=division[:12])
    return {
        "place": c["place"],
        "year": c["year"],
        "rows": [
            {
                "kind": r["kind"].name,
                "kind_code": r["kind"].code,
                "counts": dict(zip(c["level_codes"], r["counts"], strict=True)),
                "total": r["total"],
            }
            for r in c["rows"]
        ],
        "by_level": dict(zip(c["level_codes"], c["by_level"], strict=True)),
        "total": c["total"],
    }


@operation(router, "GET", "/nominations", perm="honours.view", response=list[NominationOut])
def nomination_list(request, status: str = "", year: int | None = None, page: int = 1):
    filters = selectors.HonourFilters(year=year)
    found = paginate(selectors.nomination_list(actor=request.actor, filters=filters, status=status[:16]), page)
    return [_nomination(request.actor, n) for n in found.object_list]


@operation(router, "GET", "/nominations/{nomination_id}", perm="honours.view", response=NominationOut)
def nomination_get(request, nomination_id: int):
    return _nomination(request.actor, selectors.nomination_get(actor=request.actor, nomination_id=nomination_id))


@operation(router, "POST", "/nominations", perm="honours.nominate", response={201: NominationOut})
def nomination_create(request, payload: NominationIn):
    n = services.nomination_create(actor=request.actor, kind_id=payload.kind, **payload.dict(exclude={"kind"}))
    return Status(201, _nomination(request.actor, selectors.nomination_get(actor=request.actor, nomination_id=n.pk)))


def _act(request, nomination_id: int, load_perm: str, service, payload: Schema, **rename: str) -> dict:
    """One step on a nomination in the actor's reach (404 otherwise): the payload's fields are the service's
    arguments (`version` is the version read; `rename` maps a field to its argument); answers the nomination."""
    n = selectors.nomination_get(actor=request.actor, nomination_id=nomination_id, perm=load_perm)
    values = payload.dict()
    if "version" in values:
        values["expected_version"] = values.pop("version")
    for field, argument in rename.items():
        values[argument] = values.pop(field)
    service(actor=request.actor, nomination=n, **values)
    return _nomination(request.actor, selectors.nomination_get(actor=request.actor, nomination_id=nomination_id))


@operation(router, "POST", "/nominations/{nomination_id}/decision", perm="honours.approve", response=NominationOut)
def nomination_decide(request, nomination_id: int, payload: DecisionIn):
    return _act(request, nomination_id, "honours.view", services.nomination_decide, payload)


@operation(router, "POST", "/nominations/{nomination_id}/notice", perm="honours.approve", response=NominationOut)
def nomination_notice(request, nomination_id: int, payload: NoticeIn):
    return _act(
        request,
        nomination_id,
        "honours.view",
        services.nomination_notice_open,
        payload,
        notice_start="start",
        notice_end="end",
    )


@operation(router, "POST", "/nominations/{nomination_id}/resubmit", perm="honours.nominate", response=NominationOut)
def nomination_resubmit(request, nomination_id: int, payload: ResubmitIn):
    return _act(request, nomination_id, "honours.nominate", services.nomination_resubmit, payload)


@operation(router, "POST", "/nominations/{nomination_id}/objections", perm="honours.record", response=NominationOut)
def objection_add(request, nomination_id: int, payload: ObjectionIn):
    return _act(request, nomination_id, "honours.record", services.objection_record, payload)


@operation(router, "POST", "/objections/{objection_id}/resolve", perm="honours.record", response=NominationOut)
def objection_resolve(request, objection_id: int, payload: ObjectionResolveIn):
    objection = selectors.objection_get(actor=request.actor, objection_id=objection_id)
    services.objection_resolve(actor=request.actor, objection=objection, upheld=payload.upheld, finding=payload.finding)
    n = selectors.nomination_get(actor=request.actor, nomination_id=objection.nomination_id)
    return _nomination(request.actor, n)
