"""The deadline and move sweeps (run by the task and by `manage.py cases_sweep`): the system, as the job
"cases_sweep", escalates unanswered moves and reminds of overdue deadlines.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.accounts.selectors import supervisors_of
from jiayuan.cases import rules
from jiayuan.cases.models import (
    Case,
    CaseMove,
    CaseTask,
    EventKind,
    MoveStatus,
    Status,
    TaskStatus,
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
            case = Case.objects.select_for_update(of=("self",)).select_related("division").get(pk=case_id)
            what = []
            if case.first_contact_due and not case.first_contact_at and case.first_contact_due < now:
                what.append("首次联系")
            if case.review_due and case.review_due < now and case.status != Status.CLOSED:
                what.append("高风险复评")
            if case.followup_due and case.followup_due < now:
                what.append("结案回访")
            unassigned = case.awaiting_handler and case.assign_due is not None and case.assign_due < now
            if unassigned:
                what.append("指派承办人")
            if not what:
                continue
            key = f"case-overdue:{case.pk}:{case.next_due_at:%Y%m%d%H%M}"
            if unassigned:
                # The receiving level itself assigns: its staff are reminded (their supervisors as before).
                notify(
                    users=receiving_staff(case.division_id),
                    title=f"个案 {case.number} 接收后尚未指派承办人，请尽快指派",
                    body=f"指派期限 {timezone.localtime(case.assign_due):%Y-%m-%d %H:%M} 已过；"
                    f"承办单位：{case.division.name}，承办人：待指派。",
                    url=case_url(case) + "#assign-h",
                    level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.WARNING,
                    dedupe_key=f"case-unassigned:{case.pk}:{case.assign_due:%Y%m%d%H%M}",
                )
            users = supervisors_of(case.division_id) + ([case.handler] if case.handler else [])
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


def receiving_staff(division_code: str) -> list:
    """The staff posted at this very place who assign its cases' handlers; if it has none, its supervisors."""
    roles = [Role.COMMUNITY_WORKER, Role.STREET_STAFF, Role.DISTRICT_RIGHTS]
    user_ids = Posting.objects.active().filter(division_id=division_code, role__in=roles).values("user_id")
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("id"))
    return users or supervisors_of(division_code)


def tasks_sweep(*, now: dt.datetime | None = None) -> int:
    """Open follow-up tasks past their due date: the assignee and whoever gave the task are told once, with a
    link to the task on the case, and the case's timeline says so."""
    system = Actor.system(job="cases_sweep")
    now = now_or(now)
    today = timezone.localdate(now)
    count = 0
    ids = list(
        CaseTask.objects.filter(status=TaskStatus.OPEN, due_on__lt=today, overdue_notified_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for task_id in ids:
        with transaction.atomic():
            task = (
                CaseTask.objects.select_for_update(of=("self",))
                .select_related("case", "assignee", "created_by")
                .get(pk=task_id)
            )
            if task.status != TaskStatus.OPEN or task.overdue_notified_at is not None:
                continue
            case = task.case
            label = task.get_kind_display()
            due = f"{task.due_on:%Y-%m-%d}"
            url = case_url(case) + f"#task-{task.pk}"
            level = NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.WARNING
            notify(
                users=[task.assignee],
                title=f"您的跟进任务已逾期：个案 {case.number} {label}（期限 {due}）",
                body=(f"任务说明：{task.instruction}。" if task.instruction else "")
                + "完成后请在个案的“跟进任务”处记录完成情况；无法完成请告知派发人。",
                url=url,
                level=level,
                dedupe_key=f"task-overdue:{task.pk}",
            )
            if task.created_by is not None and task.created_by.pk != task.assignee.pk:
                notify(
                    users=[task.created_by],
                    title=f"您派发的跟进任务已逾期：个案 {case.number} {label}（{task.assignee}，期限 {due}）",
                    body="可联系承担人了解情况；不再需要时可在个案的“跟进任务”处取消。",
                    url=url,
                    level=level,
                    dedupe_key=f"task-overdue:{task.pk}",
                )
            event_write(
                case,
                EventKind.ALERT,
                f"跟进任务逾期：{label}（{task.assignee}，期限 {due}）",
                actor=system,
                at=now,
                sensitive=False,
                data={"task": task.pk, "overdue": True},
            )
            CaseTask.objects.filter(pk=task.pk).update(overdue_notified_at=now)
            count += 1
    return count
