"""Follow-up tasks: the owner of a case gives a visit, a call or an accompaniment to someone who works on the
ground (often the community worker who handed the case up or over); she records it as done."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.services import grant_access, revoke_access
from jiayuan.cases.models import Case, CaseTask, EventKind, Status, TaskKind, TaskStatus
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.notifications.models import Level as NoticeLevel
from jiayuan.notifications.services import notify

from .common import case_lock, case_url, require_on_case, user_of
from .timeline import event_write

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


def _task_url(case: Case, task: CaseTask | None = None) -> str:
    """The task's row on the case page (or the case's task section)."""
    return case_url(case) + (f"#task-{task.pk}" if task is not None else "#tasks-h")


def case_task_assign(
    *,
    actor: Actor,
    case: Case,
    assignee: User | None,
    kind: str,
    instruction: str = "",
    due_on: dt.date | None = None,
) -> CaseTask:
    """Give a follow-up task on this case to `assignee` (one of `records.task_assignees`); she may read the case
    from then on (read-only) and is told what to do, by when, with a link to the case."""
    from jiayuan.cases.records import task_assignees

    require_on_case(actor, "cases.handle", case)
    errors: dict[str, str] = {}
    if kind not in TaskKind.values:
        errors["kind"] = "请选择任务类型。"
    instruction = (instruction or "").strip()
    if kind == TaskKind.OTHER and len(instruction) < 2:
        errors["instruction"] = "类型为“其他”时，请写明要做什么。"
    if len(instruction) > 500:
        errors["instruction"] = "任务说明最多 500 字。"
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = "完成期限不能早于今天。"
    if assignee is None or assignee.pk not in {u.pk for u in task_assignees(actor=actor, case=case)}:
        errors["assignee"] = "请从列表中选择承担任务的工作人员。"
    if errors or assignee is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        case = case_lock(case)
        if case.status == Status.CLOSED:
            raise WorkflowError("个案已结案，不能再派发跟进任务。")
        task = CaseTask.objects.create(
            case=case,
            kind=kind,
            instruction=instruction,
            assignee=assignee,
            due_on=due_on,
            created_by=user_of(actor),
        )
        grant_access(
            obj=case,
            kind=GrantKind.TASK,
            user=assignee,
            write=False,
            source_key=f"case-task:{task.pk}",
            reason=f"个案 {case.number} 跟进任务（只读）",
            created_by=user_of(actor),
        )
        label = TaskKind(kind).label
        due = f"，期限 {due_on:%Y-%m-%d}" if due_on else ""
        event_write(
            case,
            EventKind.NOTE,
            f"派发跟进任务：{label}（{assignee}{due}）",
            actor=actor,
            note=instruction,
            data={"task": task.pk, "assignee": assignee.pk},
            sensitive=False,
        )
        notify(
            users=[assignee],
            title=f"{actor.display_name}给您派了个案 {case.number} 的跟进任务：{label}{due}",
            body=instruction,
            url=_task_url(case, task),
            level=NoticeLevel.URGENT if case.is_high_risk else NoticeLevel.INFO,
        )
    return task


def _open_task_locked(task: CaseTask, expected_version: int | None, refused: str) -> CaseTask:
    """The task locked for a change, still open and as the user read it (else a stale-edit or a workflow refusal
    saying why: "该任务已完成，不能取消。")."""
    task = CaseTask.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=task.pk)
    if expected_version is not None and task.version != expected_version:
        raise StaleEditError()
    if task.status != TaskStatus.OPEN:
        raise WorkflowError(f"该任务{task.get_status_display()}，{refused}。")
    return task


def case_task_done(*, actor: Actor, task: CaseTask, note: str, expected_version: int | None = None) -> CaseTask:
    """The assignee records the task as done, with what she found; whoever gave it is told."""
    if not actor.is_system and task.assignee_id != actor.user_id:
        raise NotFound("未找到该记录")
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationFailed({"note": "请填写完成情况（如走访所见、当事人现状）。"})
    if len(note) > 5000:
        raise ValidationFailed({"note": "完成情况最多 5000 字。"})
    with transaction.atomic():
        task = _open_task_locked(task, expected_version, "不能再填写")
        task.status = TaskStatus.DONE
        task.done_at = timezone.now()
        task.done_note = note
        task.version += 1
        task.save()
        case = task.case
        event_write(
            case,
            EventKind.FOLLOW_UP,
            f"跟进任务完成：{task.get_kind_display()}（{actor.display_name}）",
            actor=actor,
            note=note,
            data={"task": task.pk, "done": True},
        )
        notify(
            users=[u for u in (task.created_by, case.handler) if u is not None and u.pk != actor.user_id],
            title=f"{actor.display_name}已完成个案 {case.number} 的跟进任务：{task.get_kind_display()}",
            url=_task_url(case, task),
        )
    return task


def case_task_cancel(*, actor: Actor, task: CaseTask, reason: str, expected_version: int | None = None) -> CaseTask:
    """Whoever gave the task takes it back, saying why: the reason goes on the case record, the assignee is told,
    and the read access the task gave her ends (a hand-over grant of her own stays)."""
    if not actor.is_system and task.created_by_id != actor.user_id:
        raise NotFound("未找到该记录")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": "请填写取消理由。"})
    if len(reason) > 500:
        raise ValidationFailed({"reason": "取消理由最多 500 字。"})
    with transaction.atomic():
        task = _open_task_locked(task, expected_version, "不能取消")
        task.status = TaskStatus.CANCELLED
        task.cancelled_at = timezone.now()
        task.cancel_reason = reason
        task.version += 1
        task.save()
        case = case_lock(task.case)
        revoke_access(source_key=f"case-task:{task.pk}")
        label = task.get_kind_display()
        event_write(
            case,
            EventKind.NOTE,
            f"取消跟进任务：{label}（{task.assignee}）",
            actor=actor,
            note=reason,
            data={"task": task.pk, "cancelled": True},
            sensitive=False,
        )
        still_reads = policy.allows(Actor.for_user(task.assignee), "cases.view", case)
        notify(
            users=[task.assignee],
            title=f"{actor.display_name}取消了个案 {case.number} 的跟进任务：{label}",
            body=f"取消理由：{reason}",
            url=_task_url(case, task) if still_reads else reverse("cases:tasks"),
        )
    return task
