"""Past cases: a federation moving its earlier ledgers in. Each goes through the intake (the caller found or
registered, the case, its categories and parties) and is then written as it stood: closed on its closing date
with its outcome, or still being handled. No deadline, board entry or alert is raised for history."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.cases.models import Case, EventKind, Outcome, Status
from jiayuan.core.errors import ValidationFailed

from .intake import CallerInput, CaseInput, case_intake
from .timeline import event_write


def case_history_record(
    *,
    actor: Actor,
    data: CaseInput,
    caller: CallerInput | None = None,
    outcome: str = "",
    closed_at: dt.datetime | None = None,
    note: str = "",
) -> Case:
    """Record one case from an earlier ledger. `closed_at` given: closed with `outcome`; none: still in hand."""
    errors: dict[str, str] = {}
    now = timezone.now()
    received = data.received_at
    if received is None:
        errors["received_at"] = "请填写受理日期。"
    elif received > now:
        errors["received_at"] = "受理日期不能晚于今天。"
    if closed_at is not None:
        if outcome not in Outcome.values:
            errors["outcome"] = "已结案的个案请填写结案结果。"
        if closed_at > now:
            errors["closed_at"] = "结案日期不能晚于今天。"
        elif received is not None and closed_at < received:
            errors["closed_at"] = "结案日期不能早于受理日期。"
    elif outcome:
        errors["closed_at"] = "填写了结案结果，请同时填写结案日期。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        case = case_intake(actor=actor, data=replace(data, history=True, restricted=False), caller=caller).case
        case.first_contact_at = received
        case.first_contact_due = None
        if closed_at is not None:
            case.status = Status.CLOSED
            case.outcome = outcome
            case.closed_at = closed_at
            title = f"历史个案结案（结案结果：{Outcome(outcome).label}）"
        else:
            case.status = Status.IN_PROGRESS
            title = "历史个案录入时仍在办理"
        case.refresh_next_due()
        case.save()
        event_write(
            case,
            EventKind.TRANSITION,
            title,
            actor=actor,
            note=(note or "").strip()[:1000],
            data={"history": True, "status": case.status, "outcome": case.outcome},
            at=closed_at or received,
            sensitive=False,
        )
    return case
