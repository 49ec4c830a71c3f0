"""Follow-up tasks after a hand-over, and the case that waits for a handler: the giver cancels a task with a
reason on the case record; the scheduled sweep tells the assignee and the giver once when a task is overdue;
the task page puts overdue tasks first; an accepted escalation shows 待指派 until the receiver assigns, and the
receiving level is reminded when it does not in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.cases import services
from jiayuan.cases.models import Case, CaseEvent, CaseTask, MoveKind, TaskStatus
from jiayuan.notifications.models import Notification
from jiayuan.ops.models import JobRun
from jiayuan.ops.scheduling import fire
from tests.factories import actor_of

from .conftest import new_case


def _escalated(world):
    case = new_case(world)
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker)
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.ESCALATE, reason="complexity"
    )
    services.case_move_answer(actor=actor_of(world.street), move=move, accept=True, note="街道接手")
    case.refresh_from_db()
    return case


def _task(world, case, *, days: int = 2, kind: str = "visit", note: str = "上门看望当事人") -> CaseTask:
    return services.case_task_assign(
        actor=actor_of(world.street),
        case=case,
        assignee=world.worker,
        kind=kind,
        instruction=note,
        due_on=timezone.localdate() + dt.timedelta(days=days),
    )


@pytest.mark.django_db
def test_the_giver_cancels_a_task_with_a_reason_on_the_case_record(world, client):
    case = _escalated(world)
    task = _task(world, case)
    # the assignee sees no cancel form and cannot cancel; neither can another member of staff who reads the case
    client.force_login(world.worker)
    assert f'action="/cases/tasks/{task.pk}/cancel/"' not in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/tasks/{task.pk}/cancel/", {"reason": "不想去"}).status_code == 404
    client.force_login(world.district)
    assert client.post(f"/cases/tasks/{task.pk}/cancel/", {"reason": "区里收回"}).status_code == 404
    client.force_login(world.street)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/tasks/{task.pk}/cancel/"' in page
    # no reason: refused, nothing changed
    client.post(f"/cases/tasks/{task.pk}/cancel/", {"reason": " ", "version": task.version})
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert "请填写取消理由" in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(f"/cases/tasks/{task.pk}/cancel/", {"reason": "当事人已搬离本市", "version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.cancel_reason == "当事人已搬离本市"
    event = CaseEvent.objects.filter(case=case, data__task=task.pk, data__cancelled=True).get()
    assert "取消跟进任务" in event.title and event.note == "当事人已搬离本市"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已取消" in page and "当事人已搬离本市" in page
    # a second cancel (a replayed form) is refused
    client.post(f"/cases/tasks/{task.pk}/cancel/", {"reason": "再取消一次", "version": task.version})
    task.refresh_from_db()
    assert task.cancel_reason == "当事人已搬离本市"
    # she is told why, with a link she can open (her hand-over grant stays); the task leaves her list
    notice = Notification.objects.filter(user=world.worker, title__contains="取消了").get()
    assert "当事人已搬离本市" in notice.body and case.number in notice.title
    client.force_login(world.worker)
    assert client.get(notice.url).status_code == 200
    assert "上门看望当事人" not in client.get("/cases/tasks/").content.decode()


@pytest.mark.django_db
def test_the_scheduled_sweep_tells_assignee_and_giver_once_about_an_overdue_task(world, client):
    case = _escalated(world)
    late = _task(world, case, days=1, note="核实住址")
    on_time = _task(world, case, days=5, kind="call", note="电话回访")
    # the sweep runs as the scheduler runs it; a due date two days ago makes the first task overdue
    CaseTask.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    fire("cases_sweep")
    run = JobRun.objects.filter(job="cases_sweep").order_by("-id").first()
    assert run is not None and "跟进任务逾期 1 项" in run.summary
    mine = Notification.objects.filter(user=world.worker, dedupe_key=f"task-overdue:{late.pk}").get()
    given = Notification.objects.filter(user=world.street, dedupe_key=f"task-overdue:{late.pk}").get()
    assert "跟进任务已逾期" in mine.title and case.number in mine.title and "核实住址" in mine.body
    assert "跟进任务已逾期" in given.title and str(world.worker) in given.title
    assert mine.url == given.url == f"/cases/{case.pk}/#task-{late.pk}"
    assert not Notification.objects.filter(dedupe_key=f"task-overdue:{on_time.pk}").exists()
    for user in (world.worker, world.street):
        client.force_login(user)
        page = client.get(mine.url)
        assert page.status_code == 200 and f'id="task-{late.pk}"' in page.content.decode()
    assert CaseEvent.objects.filter(case=case, data__task=late.pk, data__overdue=True).count() == 1
    # once: the next runs say nothing more
    fire("cases_sweep")
    assert services.tasks_sweep() == 0
    assert Notification.objects.filter(dedupe_key=f"task-overdue:{late.pk}").count() == 2


@pytest.mark.django_db
def test_the_task_page_puts_overdue_tasks_first_and_marks_them(world, client):
    case = _escalated(world)
    soon = _task(world, case, days=1, note="先做的回访")
    undated = services.case_task_assign(
        actor=actor_of(world.street), case=case, assignee=world.worker, kind="verify", instruction="没有期限的核实"
    )
    late = _task(world, case, days=3, note="已经晚了的走访")
    CaseTask.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.worker)
    text = client.get("/cases/tasks/").content.decode()
    assert text.index("已经晚了的走访") < text.index("先做的回访") < text.index("没有期限的核实")
    row = text[text.index(f"#task-{late.pk}") - 200 : text.index("已经晚了的走访") + 200]
    assert 'class="overdue"' in row and "已逾期" in row
    assert "有 1 项任务已逾期" in text
    assert "已逾期" not in text[text.index("先做的回访") : text.index("没有期限的核实")]
    # the giver sees the tasks she gave, in the same order
    client.force_login(world.street)
    given = client.get("/cases/tasks/").content.decode()
    assert "我派发的任务" in given
    assert given.index("已经晚了的走访") < given.index("先做的回访") < given.index("没有期限的核实")
    assert soon.pk and undated.pk


@pytest.mark.django_db
def test_an_accepted_escalation_shows_awaiting_and_reminds_the_receiver_until_assigned(world, client):
    case = _escalated(world)
    assert case.handler_id is None and case.assign_due is not None and case.awaiting_handler
    # the worker who escalated is told who accepted it and that the handler is still to be assigned
    notice = Notification.objects.filter(user=world.worker, title__contains="接收").order_by("-id").first()
    assert notice is not None
    assert str(world.street) in notice.title + notice.body and "待指派" in notice.title + notice.body
    client.force_login(world.street)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "待指派" in page
    listing = client.get("/cases/").content.decode()
    assert case.number in listing and "待指派" in listing
    # before the time is up the sweep says nothing; after it, the street staff are reminded once
    assert services.deadlines_sweep(now=case.assign_due - dt.timedelta(minutes=1)) == 0
    assert not Notification.objects.filter(dedupe_key__startswith=f"case-unassigned:{case.pk}:").exists()
    later = case.assign_due + dt.timedelta(minutes=5)
    services.deadlines_sweep(now=later)
    services.deadlines_sweep(now=later + dt.timedelta(hours=1))
    reminders = Notification.objects.filter(dedupe_key__startswith=f"case-unassigned:{case.pk}:")
    assert list(reminders.values_list("user", flat=True)) == [world.street.pk]
    reminder = reminders.get()
    assert "尚未指派承办人" in reminder.title and reminder.url.startswith(f"/cases/{case.pk}/")
    assert client.get(reminder.url).status_code == 200
    # the street assigns: the case no longer waits, and the worker who escalated is told who handles it
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.street)
    case.refresh_from_db()
    assert not case.awaiting_handler and case.assign_due is None
    told = Notification.objects.filter(user=world.worker, title__contains="已指派承办人").get()
    assert str(world.street) in told.title
    assert "待指派" not in client.get(f"/cases/{case.pk}/").content.decode()
    assert Case.objects.filter(pk=case.pk, next_due_at=case.assign_due).count() == 0
