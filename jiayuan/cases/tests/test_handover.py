"""Escalation and transfer keep the worker who handed the case over: she still opens it (read-only, through the
same policy query as lists and record checks), receives the follow-up tasks the receiver gives her, and her
notifications say what changed and link where she can open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.cases import records, selectors, services
from jiayuan.cases.models import CaseTask, MoveKind, TaskStatus
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.notifications.models import Notification
from tests.factories import actor_of

from .conftest import new_case


def _escalated(world):
    """A case of community c1, handled by the c1 worker, escalated by her and accepted by the street."""
    case = new_case(world)
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker)
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.ESCALATE, reason="complexity"
    )
    services.case_move_answer(actor=actor_of(world.street), move=move, accept=True, note="街道接手")
    case.refresh_from_db()
    return case


@pytest.mark.django_db
def test_worker_who_escalated_still_opens_her_case_read_only(world, client):
    case = _escalated(world)
    assert case.division_id != world.c1 and case.handler_id is None
    worker = actor_of(world.worker)
    # the list and the record check are one policy query: both include the case, neither allows handling
    assert case in selectors.case_list(actor=worker)
    assert policy.allows(worker, "cases.view", case)
    assert not policy.allows(worker, "cases.handle", case)
    client.force_login(world.worker)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "现可查看（只读）" in text and case.division.name in text
    assert f'action="/cases/{case.pk}/action/"' not in text
    assert client.post(f"/cases/{case.pk}/action/", {"kind": "note", "note": "试图记录"}).status_code == 404
    # a stranger (another community's worker) still gets 404, on the page and in the list
    client.force_login(world.worker2)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert case not in selectors.case_list(actor=actor_of(world.worker2))


@pytest.mark.django_db
def test_acceptance_notice_says_what_changed_and_links_to_the_open_case(world, client):
    case = _escalated(world)
    notice = Notification.objects.filter(user=world.worker, url=f"/cases/{case.pk}/").order_by("-id").first()
    assert notice is not None
    assert case.division.name in notice.title and "已由" in notice.title
    assert "只读" in notice.body and "跟进任务" in notice.body
    client.force_login(world.worker)
    assert client.get(notice.url).status_code == 200


@pytest.mark.django_db
def test_receiver_gives_her_a_follow_up_task_she_records_as_done(world, client):
    case = _escalated(world)
    street = actor_of(world.street)
    assert world.worker in records.task_assignees(actor=street, case=case)
    due = timezone.localdate() + dt.timedelta(days=3)
    client.force_login(world.street)
    response = client.post(
        f"/cases/{case.pk}/tasks/",
        {"assignee": world.worker.pk, "kind": "visit", "due_on": due.isoformat(), "instruction": "上门看望当事人"},
    )
    assert response.status_code == 302
    task = CaseTask.objects.get(case=case)
    assert task.assignee == world.worker and task.status == TaskStatus.OPEN and task.due_on == due
    notice = Notification.objects.filter(user=world.worker, url=f"/cases/{case.pk}/#task-{task.pk}").get()
    assert "上门走访" in notice.title and case.number in notice.title and due.isoformat() in notice.title
    # her task list links to the case; the case page offers her the completion form
    client.force_login(world.worker)
    listing = client.get("/cases/tasks/").content.decode()
    assert f"/cases/{case.pk}/#task-{task.pk}" in listing and "上门看望当事人" in listing
    assert f'action="/cases/tasks/{task.pk}/done/"' in client.get(f"/cases/{case.pk}/").content.decode()
    # someone else cannot complete it: 404, the same as a missing task
    client.force_login(world.worker2)
    assert client.post(f"/cases/tasks/{task.pk}/done/", {"note": "冒名"}).status_code == 404
    assert "上门看望当事人" not in client.get("/cases/tasks/").content.decode()
    with pytest.raises(NotFound):
        services.case_task_done(actor=actor_of(world.street), task=task, note="替她填写")
    client.force_login(world.worker)
    assert client.post(f"/cases/tasks/{task.pk}/done/", {"note": "", "version": task.version}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN  # an empty note is refused, nothing changed
    client.post(f"/cases/tasks/{task.pk}/done/", {"note": "已走访，当事人暂住娘家", "version": task.version})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_note == "已走访，当事人暂住娘家"
    assert Notification.objects.filter(user=world.street, title__contains="已完成个案").exists()
    assert "上门看望当事人" not in client.get("/cases/tasks/").content.decode()


@pytest.mark.django_db
def test_a_task_goes_only_to_someone_the_receiver_may_choose(world):
    case = _escalated(world)
    with pytest.raises(ValidationFailed):
        services.case_task_assign(actor=actor_of(world.street), case=case, assignee=world.worker3, kind="visit")
    with pytest.raises(ValidationFailed):
        services.case_task_assign(actor=actor_of(world.street), case=case, assignee=world.worker, kind="other")
    # the worker who handed it over cannot give tasks on it: read-only
    with pytest.raises(NotFound):
        services.case_task_assign(actor=actor_of(world.worker), case=case, assignee=world.worker, kind="visit")
    assert not CaseTask.objects.exists()
