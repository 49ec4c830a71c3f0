"""Cases over the API (the 12338 telephony system, mini-programs): intake, caller look-up, lists, a case.

Same scoping, masking and logging as the pages; out of scope is 404.
"""

import datetime as dt

from ninja import Field, Router, Schema, Status

from jiayuan.access.fields import mask_text
from jiayuan.api.routing import operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.pagination import paginate

from . import records, selectors, services
from .models import Channel, PartyRole

router = Router(tags=["维权个案"])


class CallerIn(Schema):
    name: str = ""
    phone: str = ""
    id_number: str = ""
    person_id: int | None = None
    role: str = PartyRole.SEEKER


class PartyIn(Schema):
    """Another person of the case, as the intake page takes them: picked by `person_id`, else found by `phone`
    in the caller's scope, else registered with the name (and the age or birth year) given."""

    role: str = Field(description="角色：respondent 被投诉人、child 涉及儿童、witness 证人、seeker 求助人")
    name: str = Field("", description="姓名（未选 person_id 且电话查不到时必填，用于新建人员）")
    relation: str = Field("", description="与求助人关系，如：丈夫、儿子（最多 32 字）")
    age: int | str | None = Field(None, description="年龄（如 8）或出生年份（如 2017）")
    phone: str = Field("", description="电话（如知道）；在范围内恰好查到一人时直接关联")
    person_id: int | None = Field(None, description="从人员库选定的人员")
    minor: bool | None = Field(None, description="是否未成年；不填时按年龄判断，未知年龄的涉及儿童视为未成年")


class CaseIn(Schema):
    """A new case. `others`: the respondent, the children, a witness (optional); a refused party refuses the whole
    intake (400 with `detail` and `errors` keyed `party_<n>`, n counted from 1 in `others`), nothing is saved."""

    channel: str = Channel.HOTLINE
    division_code: str
    caller: CallerIn = CallerIn()
    categories: list[str]
    account: str = ""
    consent_to_share: bool = False
    restricted: bool = False
    source: str = ""
    received_at: dt.datetime | None = None
    others: list[PartyIn] = Field([], max_length=20, description="其他当事人（被投诉人、涉及儿童、证人）")


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


class PartyOut(Schema):
    """A person of the case as it stands; the name masked. `party_id` and `version` are what a correction sends."""

    party_id: int
    version: int
    person_id: int
    name: str
    role: str
    role_code: str
    relation: str
    minor: bool


class SharedItemOut(Schema):
    item: str
    label: str
    value: str


class ReferralOut(Schema):
    """A referral addressed to the caller's agency, with what it shares: masked here (王*兰, 139****5678), in
    full only through `POST /api/cases/referrals/{move_id}/shared`, each reveal written to the access log."""

    id: int
    agency: str
    status: str
    status_code: str
    version: int
    referred_by: str
    referred_from: str
    reason: str
    note: str
    due_at: dt.datetime | None
    shares: list[str]
    shared: list[SharedItemOut]


class SharedOut(Schema):
    label: str
    value: str


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
    parties: list[PartyOut]
    referrals: list[ReferralOut]


class CreatedOut(Schema):
    id: int
    number: str
    status: str
    urgent: bool
    person_id: int | None
    earlier_cases: list[CaseRowOut]
    parties: list[PartyOut]


class CallerMatchOut(Schema):
    person_id: int
    name: str
    phone: str
    cases: list[CaseRowOut]


def _parties_out(case) -> list[dict]:
    return [{**p, "person_id": p["id"]} for p in selectors.case_parties(case=case)]


def _referrals_out(actor, case) -> list[dict]:
    """The referrals of the case addressed to the actor's agency (none for federation staff), as on the page."""
    if not actor.agency_ids:
        return []
    return [
        {
            "id": m.pk,
            "agency": m.to_agency.name if m.to_agency else "",
            "status": m.get_status_display(),
            "status_code": m.status,
            "version": m.version,
            "referred_by": str(m.created_by or "系统"),
            "referred_from": m.from_division.name,
            "reason": m.get_reason_display(),
            "note": m.note,
            "due_at": m.due_at,
            "shares": list(m.shares) if services.referral_shared(m) else [],
            "shared": [
                {"item": item, "label": label, "value": value}
                for item, label, value in services.referral_shared_masked(actor=actor, move=m)
            ],
        }
        for m in selectors.case_moves(actor=actor, case=case)
        if m.to_agency_id and m.to_agency_id in actor.agency_ids
    ]


def _case_out(actor, case) -> dict:
    reveal = selectors.may_reveal(actor, case)
    timeline = selectors.case_timeline(actor=actor, case=case, reveal=reveal)
    return {
        "id": case.pk,
        "version": case.version,
        "number": case.number,
        "channel": case.channel,
        "received_at": case.received_at,
        "division_code": case.division_id,
        "status": case.status,
        "risk_level": case.risk_level,
        "urgent": case.urgent,
        "restricted": case.restricted,
        "categories": selectors.case_categories(case),
        "account": case.account if reveal else mask_text(case.account),
        "first_contact_due": case.first_contact_due,
        "next_due_at": case.next_due_at,
        "timeline": [
            {
                "id": e.id,
                "at": e.at,
                "kind": e.kind,
                "title": e.title,
                "actor": e.actor,
                "note": e.note,
                "corrects_id": e.corrects_id,
            }
            for e in timeline
        ],
        "parties": _parties_out(case),
        "referrals": _referrals_out(actor, case),
    }


@operation(router, "GET", "", perm="cases.list", response=CasePageOut)
def case_list(request, status: str = "", risk: str = "", category: str = "", division: str = "", page: int = 1):
    """Cases in the caller's scope, newest first; names masked."""
    filters = selectors.CaseFilters(status=status[:16], risk=risk[:8], category=category[:32], division=division[:12])
    result = paginate(selectors.case_list(actor=request.actor, filters=filters), max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [row.__dict__ for row in selectors.case_rows(result.object_list)],
    }


@operation(router, "POST", "", perm="cases.create", response={201: CreatedOut})
def case_create(request, payload: CaseIn):
    """Intake from the telephony system: the caller is found by ID number or phone before anyone new is
    registered; earlier cases of the same person in scope come back with the new case. The other people of the
    case (`others`) are taken as on the intake page, through the same service, in the same transaction."""
    for n, p in enumerate(payload.others, start=1):
        if not (p.name.strip() or p.phone.strip() or p.person_id):
            raise ValidationFailed({f"party_{n}": f"其他当事人第 {n} 位：请填写姓名或电话，或选择人员库中的人员。"})
    try:
        intake = _intake(request, payload)
    except ValidationFailed as exc:
        # Say which of `others` was refused: the page shows it beside the row, the API in `detail`.
        parties = {k: v for k, v in exc.errors.items() if k.startswith("party_") and k[6:].isdigit()}
        if not parties:
            raise
        raise ValidationFailed(
            {k: (f"其他当事人第 {k[6:]} 位：{v}" if k in parties else v) for k, v in exc.errors.items()}
        ) from None
    case, person = intake.case, intake.person
    return Status(
        201,
        {
            "id": case.pk,
            "number": case.number,
            "status": case.status,
            "urgent": case.urgent,
            "person_id": person.pk if person else None,
            "earlier_cases": [r.__dict__ for r in intake.earlier_cases],
            "parties": _parties_out(case),
        },
    )


def _intake(request, payload: CaseIn) -> services.Intake:
    return services.case_intake(
        actor=request.actor,
        data=services.CaseInput(
            channel=payload.channel,
            division_code=payload.division_code,
            categories=payload.categories,
            account=payload.account,
            consent_to_share=payload.consent_to_share,
            restricted=payload.restricted,
            source=payload.source,
            received_at=payload.received_at,
            others=[
                services.PartyInput(
                    role=p.role[:16],
                    name=p.name[:65],
                    relation=p.relation[:33],
                    age="" if p.age is None else str(p.age)[:8],
                    phone=p.phone[:32],
                    person_id=p.person_id,
                    minor=p.minor,
                )
                for p in payload.others
            ],
        ),
        caller=services.CallerInput(
            name=payload.caller.name,
            phone=payload.caller.phone,
            id_number=payload.caller.id_number,
            person_id=payload.caller.person_id,
            role=payload.caller.role,
        ),
    )


class CallerLookupIn(Schema):
    phone: str = ""
    id_number: str = ""


@operation(router, "POST", "/callers", perm="cases.intake", response=list[CallerMatchOut])
def caller_lookup(request, payload: CallerLookupIn):
    """Screen-pop for the hotline: people in scope with this number, and their earlier cases.

    A POST with the numbers in the body, never in the URL (where proxies and access logs keep them)."""
    from jiayuan.people.models import IdType

    phone, id_number = payload.phone.strip(), payload.id_number.strip()
    from jiayuan.people.selectors import person_find_by_identity, person_find_by_phone, person_rows

    people = []
    if id_number:
        found = person_find_by_identity(actor=request.actor, id_type=IdType.RESIDENT, id_number=id_number[:32])
        people = [found] if found else []
    if phone and not people:
        people = person_find_by_phone(actor=request.actor, number=phone[:32])
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.SEARCH,
        object_type="people.person",
        field_classes=["personal"],
        detail={"kind": "caller_lookup", "results": len(people), "channel": "api"},
    )
    return [
        {
            "person_id": p.pk,
            "name": row.name,
            "phone": row.phone,
            "cases": [r.__dict__ for r in selectors.person_cases(actor=request.actor, person_id=p.pk)],
        }
        for row, p in zip(person_rows(people), people)
    ]


@operation(router, "GET", "/{int:case_id}", perm="cases.view", response=CaseOut)
def case_detail(request, case_id: int):
    case = selectors.access_case_by_id(request.actor, case_id)
    reveal = selectors.may_reveal(request.actor, case)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=case,
        field_classes=["public", "personal"] + ([case.account_class] if reveal else []),
        detail={"channel": "api"},
    )
    return _case_out(request.actor, case)


# --- updates: handling steps, assessments and workflow steps, each against the version the caller read ---


class ActionIn(Schema):
    kind: str
    occurred_on: dt.date | None = None
    note: str = ""
    success: bool | None = None
    satisfaction: int | None = None
    data: dict[str, str] = {}
    version: int | None = None


class ActionOut(Schema):
    id: int
    case_id: int
    kind: str
    occurred_on: dt.date
    case_version: int
    case_status: str


class AssessmentIn(Schema):
    answers: dict[str, str]
    override_level: str = ""
    override_reason: str = ""
    note: str = ""
    version: int | None = None


class AssessmentOut(Schema):
    id: int
    case_id: int
    score: int
    computed_level: str
    level: str
    red_flags: list[str]
    case_version: int
    case_status: str


class TransitionIn(Schema):
    name: str
    note: str = ""
    outcome: str = ""
    version: int | None = None


class CaseStateOut(Schema):
    id: int
    version: int
    status: str
    risk_level: str
    next_due_at: dt.datetime | None


@operation(router, "POST", "/{int:case_id}/actions", perm="cases.handle", response={201: ActionOut})
def case_action_create(request, case_id: int, payload: ActionIn):
    """Record a handling step (contact, mediation, follow-up…). With `version`, a case changed since it was
    read is refused (409) rather than acted on blindly."""
    case = selectors.access_case_by_id(request.actor, case_id, perm="cases.handle")
    action = services.case_action_add(
        actor=request.actor,
        case=case,
        kind=payload.kind[:32],
        occurred_on=payload.occurred_on,
        note=payload.note,
        success=payload.success,
        satisfaction=payload.satisfaction,
        data=payload.data,
        expected_version=payload.version,
    )
    return Status(
        201,
        {
            "id": action.pk,
            "case_id": case.pk,
            "kind": action.kind,
            "occurred_on": action.occurred_on,
            "case_version": case.version,
            "case_status": case.status,
        },
    )


@operation(router, "POST", "/{int:case_id}/assessments", perm="cases.assess", response={201: AssessmentOut})
def case_assessment_create(request, case_id: int, payload: AssessmentIn):
    """Assess (or reassess) the case's risk with the built-in instrument; earlier assessments are kept."""
    case = selectors.access_case_by_id(request.actor, case_id, perm="cases.assess")
    assessment = services.risk_assess(
        actor=request.actor,
        case=case,
        answers=payload.answers,
        override_level=payload.override_level[:16],
        override_reason=payload.override_reason,
        note=payload.note,
        expected_version=payload.version,
    )
    return Status(
        201,
        {
            "id": assessment.pk,
            "case_id": case.pk,
            "score": assessment.score,
            "computed_level": assessment.computed_level,
            "level": assessment.level,
            "red_flags": list(assessment.red_flags),
            "case_version": case.version,
            "case_status": case.status,
        },
    )


@operation(router, "POST", "/{int:case_id}/transitions", perm="cases.handle", response=CaseStateOut)
def case_transition_create(request, case_id: int, payload: TransitionIn):
    """Move the case along its workflow (start, follow-up, close, reopen); every step needs the case in the
    caller's handling scope, then its own permission (closing, reopening); a step not allowed from the current
    state is refused with the reason."""
    case = selectors.access_case_by_id(request.actor, case_id, perm="cases.handle")
    case = services.case_transition(
        actor=request.actor,
        case=case,
        name=payload.name[:32],
        note=payload.note,
        outcome=payload.outcome[:32],
        expected_version=payload.version,
    )
    return {
        "id": case.pk,
        "version": case.version,
        "status": case.status,
        "risk_level": case.risk_level,
        "next_due_at": case.next_due_at,
    }


@operation(router, "POST", "/referrals/{int:move_id}/shared", perm="cases.view", response=list[SharedOut])
def referral_shared_reveal(request, move_id: int):
    """What a referral to the caller's agency shares, in full (name, safe phone, account, address as the
    referring worker chose); each call is a reveal in the access log. A referral refused, revoked, sharing
    nothing or addressed to another agency: 404."""
    move = records.move_get(actor=request.actor, move_id=move_id)
    values = services.case_referral_reveal(actor=request.actor, move=move, request=request, channel="api")
    return [{"label": label, "value": value} for label, value in values]


# --- corrections: the people of a case and what a referral shares, each against the version read ---


class PartyEditIn(Schema):
    """A correction of a party: its role, relation and minor flag as they should be, why, and the `version` read
    (a party corrected meanwhile by someone else is refused with 409)."""

    role: str = Field(
        description="角色：seeker 求助人、respondent 被投诉人、child 涉及儿童、witness 证人、caller 来电人"
    )
    relation: str = ""
    minor: bool = False
    reason: str = Field(description="更正理由（写入办理记录）")
    version: int | None = None


class PartyRemoveIn(Schema):
    """A party entered by mistake, taken off the case; it stays on the record with who, when and why."""

    reason: str = Field(description="移除理由（写入办理记录）")
    version: int | None = None


class SharesIn(Schema):
    """What a live referral shares from now on (an item left out is hidden from the agency at once)."""

    shares: list[str] = Field(
        description="共享内容：name 求助人姓名、phone 安全联系电话、account 当事人陈述、address 住址"
    )
    share_phone: str = Field("", description="安全联系电话（不填则用登记的可安全来电号码）")
    reason: str = ""
    version: int | None = None


class SharesOut(Schema):
    id: int
    version: int
    shares: list[str]


@operation(router, "POST", "/{int:case_id}/parties", perm="cases.handle", response={201: PartyOut})
def case_party_create(request, case_id: int, payload: PartyIn):
    """Add the respondent, a child or a witness, found in the registry before anyone is created (as on the page)."""
    case = selectors.access_case_by_id(request.actor, case_id, perm="cases.handle")
    party = services.case_party_add(
        actor=request.actor,
        case=case,
        party=services.PartyInput(
            role=payload.role[:16],
            name=payload.name[:65],
            relation=payload.relation[:33],
            age="" if payload.age is None else str(payload.age)[:8],
            phone=payload.phone[:32],
            person_id=payload.person_id,
            minor=payload.minor,
        ),
    )
    return Status(201, next(p for p in _parties_out(case) if p["party_id"] == party.pk))


@operation(router, "POST", "/{int:case_id}/parties/{int:party_id}", perm="cases.handle", response=PartyOut)
def case_party_update(request, case_id: int, party_id: int, payload: PartyEditIn):
    """Correct a party: a correction entry on the timeline names what changed and why."""
    case = selectors.access_case_by_id(request.actor, case_id, perm="cases.handle")
    party = records.party_get(actor=request.actor, case=case, party_id=party_id)
    services.case_party_edit(
        actor=request.actor,
        party=party,
        role=payload.role[:16],
        relation=payload.relation[:33],
        minor=payload.minor,
        reason=payload.reason[:400],
        expected_version=payload.version,
    )
    return next(p for p in _parties_out(case) if p["party_id"] == party.pk)


@operation(router, "POST", "/{int:case_id}/parties/{int:party_id}/remove", perm="cases.handle", response=PartyOut)
def case_party_delete(request, case_id: int, party_id: int, payload: PartyRemoveIn):
    """Take a party entered by mistake off the case (kept on the record); answers the party as it was."""
    case = selectors.access_case_by_id(request.actor, case_id, perm="cases.handle")
    party = records.party_get(actor=request.actor, case=case, party_id=party_id)
    shown = next(p for p in _parties_out(case) if p["party_id"] == party.pk)
    removed = services.case_party_remove(
        actor=request.actor, party=party, reason=payload.reason[:400], expected_version=payload.version
    )
    return {**shown, "version": removed.version}


@operation(router, "POST", "/referrals/{int:move_id}/shares", perm="cases.move", response=SharesOut)
def referral_shares_update(request, move_id: int, payload: SharesIn):
    """Change what a live referral shares with the agency, without revoking it; the change is on the case's
    timeline and the agency's users are told."""
    move = records.move_get(actor=request.actor, move_id=move_id)
    move = services.case_referral_shares_change(
        actor=request.actor,
        move=move,
        shares=[s[:16] for s in payload.shares[:10]],
        share_phone=payload.share_phone[:32],
        reason=payload.reason[:500],
        expected_version=payload.version,
    )
    return {"id": move.pk, "version": move.version, "shares": list(move.shares)}
