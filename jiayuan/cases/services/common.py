"""Helpers shared by the case services: the acting user, permission checks on one case, row locks and
versioned saves, category codes, contact deadlines and the high-risk alert.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.selectors import supervisors_of
from jiayuan.cases import rules
from jiayuan.cases.models import (
    Case,
    EventKind,
)
from jiayuan.core.errors import NotFound
from jiayuan.divisions.codes import parent_code  # noqa: F401 - re-exported for the case services
from jiayuan.notifications.models import Level as NoticeLevel
from jiayuan.notifications.services import notify

from .timeline import event_write

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


def user_of(actor: Actor) -> User | None:
    return getattr(actor, "user", None)


def now_or(now: dt.datetime | None = None) -> dt.datetime:
    return now or timezone.now()


def case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})


def require_on_case(actor: Actor, perm: str, case: Case) -> None:
    """The system is trusted; people need `perm` on this very case (else 404)."""
    if actor.is_system:
        return
    if not actor.has_perm(perm):
        raise NotFound("未找到该记录")
    policy.require(actor, perm, case)


def case_lock(case: Case) -> Case:
    """Re-read the case under a row lock so concurrent writers queue up."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    case.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return case


def case_save(case: Case, expected_version: int | None = None) -> None:
    case.refresh_next_due()
    if expected_version is not None:
        case.save_versioned(expected_version=expected_version)
    else:
        case.version += 1
        case.save()


def category_codes(case: Case) -> list[str]:
    return list(case.category_rows.values_list("code", flat=True))


def high_risk_alert(case: Case, *, actor: Actor, reason: str) -> None:
    """Tell the district rights staff at once; the case shows on the high-risk board by its level."""
    users = supervisors_of(case.division_id, roles=[Role.DISTRICT_RIGHTS])
    notify(
        users=users,
        title=f"高风险预警：个案 {case.number}",
        body=reason,
        url=case_url(case),
        level=NoticeLevel.URGENT,
        dedupe_key=f"case-high:{case.pk}:{case.risk_level or 'urgent'}",
    )
    event_write(
        case,
        EventKind.ALERT,
        f"高风险预警：已通知区妇联维权部（{len(users)} 人）",
        actor=actor,
        data={"reason": reason, "notified": len(users)},
        sensitive=False,
    )


def contact_deadlines_set(case: Case, codes: list[str], *, start: dt.datetime) -> None:
    first = rules.deadline_for(
        "first_contact", start=start, codes=codes, risk_level=case.risk_level, urgent=case.urgent
    )
    if first and not case.first_contact_at:
        if case.first_contact_due is None or first.due < case.first_contact_due:
            case.first_contact_due = first.due
    review = rules.deadline_for(
        "high_risk_review", start=start, codes=codes, risk_level=case.risk_level, urgent=case.urgent
    )
    if review:
        case.review_due = review.due
