"""The deadline and move sweeps (run by the task and by `manage.py cases_sweep`): the system, as the job
"cases_sweep", escalates unanswered moves and reminds of overdue deadlines.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q

from jiayuan.access.actor import Actor
from jiayuan.accounts.selectors import supervisors_of
from jiayuan.cases import rules
from jiayuan.cases.models import (
    Case,
    CaseMove,
    EventKind,
    MoveStatus,
    Status,
)
from jiayuan.divisions.models import Division
from jiayuan.notifications.models import Level as NoticeLevel
from jiayuan.notifications.services import notify

from .common import (
    case_url,
    category_codes,
    now_or,
    parent_code,
)
from .timeline import event_write


def moves_sweep(*, now: dt.datetime | None = None) -> int:
    """A pending move past its due time goes up a level by itself, and the level above is told."""
    system = Actor.system(job="cases_sweep")
    now = now_or(now)
    count = 0
    overdue = (
        CaseMove.objects.filter(status=MoveStatus.PENDING, due_at__lt=now)
        .select_related("case", "to_agency")
        .order_by("id")
    )
    for move_id in list(overdue.values_list("id", flat=True)):
        with transaction.atomic():
            move = CaseMove.objects.select_for_update().select_related("case").get(pk=move_id)
            if move.status != MoveStatus.PENDING or move.due_at is None or move.due_at >= now:
                continue
            case = move.case
            base = move.answer_division_id or case.division_id
            above = parent_code(base)
            watchers = supervisors_of(base)
            if move.answer_division_id and above and Division.objects.filter(code=above).exists():
                move.answer_division_id = above
            move.escalation_count += 1
            move.escalated_at = now
            rule = rules.deadline_for(
                "move_answer", start=now, codes=category_codes(case), risk_level=case.risk_level, urgent=case.urgent
            )
            move.due_at = rule.due if rule else now + dt.timedelta(days=1)
            move.version += 1
            move.save()
            event_write(
                case,
                EventKind.ALERT,
                f"{move.get_kind_display()}逾期未答复，已自动上报（第 {move.escalation_count} 次）",
                actor=system,
                sensitive=False,
                at=now,
                data={"move": move.pk, "answer_division": move.answer_division_id, "due_at": move.due_at.isoformat()},
            )
            notify(
                users=watchers,
                title=f"个案 {case.number} 的{move.get_kind_display()}逾期未答复",
                body=f"接收方：{move.to_agency or move.to_division}；已由上一级督办。",
                url=case_url(case),
                level=NoticeLevel.WARNING,
                dedupe_key=f"move-overdue:{move.pk}:{move.escalation_count}",
            )
            count += 1
    return count


def deadlines_sweep(*, now: dt.datetime | None = None) -> int:
    """Cases past a deadline: tell the handler and the supervisors once per deadline."""
    system = Actor.system(job="cases_sweep")
    now = now_or(now)
    count = 0
    ids = list(
        Case.objects.filter(next_due_at__lt=now)
        .filter(Q(overdue_notified_at__isnull=True) | Q(overdue_notified_at__lt=F("next_due_at")))
        .order_by("id")
        .values_list("id", flat=True)
    )
    for case_id in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            what = []
            if case.first_contact_due and not case.first_contact_at and case.first_contact_due < now:
                what.append("首次联系")
            if case.review_due and case.review_due < now and case.status != Status.CLOSED:
                what.append("高风险复评")
            if case.followup_due and case.followup_due < now:
                what.append("结案回访")
            if not what:
                continue
            users = supervisors_of(case.division_id) + ([case.handler] if case.handler else [])
            key = f"case-overdue:{case.pk}:{case.next_due_at:%Y%m%d%H%M}"
            notify(
                users=users,
                title=f"个案 {case.number} 已逾期：{'、'.join(what)}",
                url=case_url(case),
                level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.WARNING,
                dedupe_key=key,
            )
            event_write(
                case,
                EventKind.ALERT,
                f"逾期提醒：{'、'.join(what)}",
                actor=system,
                at=now,
                sensitive=False,
                data={"overdue": what},
            )
            Case.objects.filter(pk=case.pk).update(overdue_notified_at=now)
            count += 1
    return count
