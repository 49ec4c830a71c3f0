"""Past cases: a federation moving its earlier ledgers in. Each goes through the intake (the caller found or
registered, the case, its categories and parties) and is then written as it stood: closed on its closing date
with its outcome, or still being handled. No deadline, board entry or alert is raised for history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.cases.models import ActionKind, Case, CaseAction, EventKind, Outcome, Status
from jiayuan.core.errors import ValidationFailed

from .common import user_of
from .intake import CallerInput, CaseInput, case_intake
from .timeline import event_write

# The handling steps an earlier ledger records beside a case: whether a mediation was held (and succeeded) and
# when the case was followed up after closing.
HISTORY_ACTIONS = (ActionKind.MEDIATION, ActionKind.FOLLOW_UP)


@dataclass(frozen=True)
class HistoryAction:
    """One handling step from the ledger, on the day it took place."""

    kind: str
    occurred_on: dt.date
    success: bool | None = None


def _actions_check(
    actions: Sequence[HistoryAction], received: dt.datetime | None, closed_at: dt.datetime | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for action in actions:
        field = "mediation" if action.kind == ActionKind.MEDIATION else "follow_up"
        if action.kind not in HISTORY_ACTIONS:
            errors[field] = "历史台账只能记载调解和回访。"
        elif action.occurred_on > today:
            errors[field] = "日期不能晚于今天。"
        elif received is not None and action.occurred_on < timezone.localtime(received).date():
            errors[field] = "日期不能早于受理日期。"
        elif action.kind == ActionKind.FOLLOW_UP and closed_at is None:
            errors[field] = "未结案的个案不能填写回访日期。"
        elif action.kind == ActionKind.FOLLOW_UP and action.occurred_on < timezone.localtime(closed_at).date():
            errors[field] = "回访日期不能早于结案日期。"
    return errors


def case_history_record(
    *,
    actor: Actor,
    data: CaseInput,
    caller: CallerInput | None = None,
    outcome: str = "",
    closed_at: dt.datetime | None = None,
    note: str = "",
    actions: Sequence[HistoryAction] = (),
) -> Case:
    """Record one case from an earlier ledger. `closed_at` given: closed with `outcome`; none: still in hand.
    The other parties come in `data.others`; `actions` are the mediation and follow-up the ledger records."""
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
    errors |= _actions_check(actions, received, closed_at)
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
        followed = [a.occurred_on for a in actions if a.kind == ActionKind.FOLLOW_UP]
        if followed:
            case.followup_at = timezone.make_aware(dt.datetime.combine(max(followed), dt.time(10, 0)))
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
        for action in actions:
            CaseAction.objects.create(
                case=case,
                kind=action.kind,
                occurred_on=action.occurred_on,
                success=action.success,
                note="按历史台账录入。",
                data={"history": True},
                actor=user_of(actor),
                at=timezone.now(),
            )
    return case
