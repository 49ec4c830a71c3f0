"""The schedule, the record of scheduled runs, /healthz and the system page (in process; the running
processes are tested in tests/processes/)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from jiayuan.access.roles import Role
from jiayuan.core.replica import reading_from_replica
from jiayuan.ops import scheduling
from jiayuan.ops.models import JobRun, RunStatus, SchedulerHeartbeat
from tests.factories import CITY, FUTIAN, make_user


@task()
def summing_task(a: int, b: int) -> dict:
    return {"sum": a + b}


@task()
def failing_task() -> None:
    raise RuntimeError("磁盘已满")


TEST_SCHEDULE = {
    "summing": {
        "title": "求和",
        "task": f"{__name__}.summing_task",
        "seconds": 60,
        "kwargs": {"a": 2, "b": 3},
        "summary": "合计 {sum}",
    },
    "failing": {"title": "总是失败", "task": f"{__name__}.failing_task", "cron": "0 * * * *"},
    "later": {"title": "以后才有", "task": "jiayuan.nowhere.tasks.missing_task", "cron": "0 * * * *", "optional": True},
    "off": {"title": "已关闭", "task": f"{__name__}.summing_task", "cron": "0 * * * *", "enabled": False},
}


@pytest.mark.django_db
@override_settings(SCHEDULE=TEST_SCHEDULE)
def test_a_fired_job_is_enqueued_and_its_outcome_recorded():
    scheduling.fire("summing")
    scheduling.fire("failing")
    ok = JobRun.objects.get(job="summing")
    assert ok.status == RunStatus.SUCCEEDED and ok.summary == "合计 5" and ok.finished_at is not None
    bad = JobRun.objects.get(job="failing")
    assert bad.status == RunStatus.FAILED and "磁盘已满" in bad.error
    # a slot whose task does not exist yet, or a switched-off job, runs nothing
    assert scheduling.fire("later") is None and scheduling.fire("off") is None
    assert JobRun.objects.count() == 2
    assert [job.key for job, _ in scheduling.active_jobs()] == ["summing", "failing"]


@override_settings(SCHEDULE={"bad": {"title": "x", "task": f"{__name__}.summing_task"}})
def test_a_job_needs_a_cron_line_or_an_interval():
    with pytest.raises(ValueError):
        scheduling.schedule()


def test_the_schedule_can_be_changed_from_the_environment():
    """JIAYUAN_SCHEDULE_OVERRIDES replaces the cron line of an entry by an interval, and adds entries."""
    overrides = {"cases_sweep": {"seconds": 7}, "extra": {"task": "x.y", "cron": "0 1 * * *"}}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: settings.SCHEDULE[k] for k in ('cases_sweep', 'extra')}))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "JIAYUAN_SCHEDULE_OVERRIDES": json.dumps(overrides)}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**_base_env(), **env}, capture_output=True, text=True, check=True
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["cases_sweep"]["seconds"] == 7 and "cron" not in seen["cases_sweep"]
    assert seen["cases_sweep"]["task"] == "jiayuan.cases.tasks.cases_sweep_task"
    assert seen["extra"] == overrides["extra"]


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k not in {"JIAYUAN_SCHEDULE_OVERRIDES"}}


@pytest.mark.django_db
def test_the_configured_jobs_are_real_tasks():
    """Every non-optional entry of the shipped schedule names an existing django-tasks task."""
    jobs = scheduling.schedule()
    keys = {job.key for job in jobs}
    assert {
        "cases_sweep",
        "care_sweep",
        "screening_roll",
        "retention",
        "backup",
        "housekeeping",
        "drafts_purge",
    } <= keys
    for job in jobs:
        if not job.optional:
            assert job.load_task() is not None, job.key


@pytest.mark.django_db
def test_the_sweep_tasks_do_their_work(tmp_path):
    """The tasks the scheduler enqueues run the same services as the commands for cron."""
    from jiayuan.care.tasks import care_sweep_task
    from jiayuan.ops.tasks import backup_task, housekeeping_task, retention_task
    from jiayuan.screening.tasks import campaigns_roll_task

    assert "到期复核提醒" in care_sweep_task.enqueue().return_value
    assert "排查活动" in campaigns_roll_task.enqueue().return_value
    assert "匿名化" in retention_task.enqueue(older_than_days=1825).return_value
    old = JobRun.objects.create(
        job="x", task_result_id="old", enqueued_at=timezone.now(), finished_at=timezone.now() - dt.timedelta(days=200)
    )
    assert "运行记录 1 条" in housekeeping_task.enqueue().return_value
    assert not JobRun.objects.filter(pk=old.pk).exists()
    with override_settings(BACKUP_DIR=str(tmp_path), BACKUP_KEEP=2):
        for _ in range(3):
            assert "已写出" in backup_task.enqueue().return_value
    assert len(list(tmp_path.glob("jiayuan-*.backup"))) <= 2 and not list(tmp_path.glob("*.part"))


# --- health ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    body = response.json()
    assert set(body["checks"]) == {"database", "queue", "scheduler", "media"}
    # no scheduler has ever run in this database
    assert response.status_code == 503 and body["status"] == "fail"
    assert not body["checks"]["scheduler"]["ok"] and body["checks"]["scheduler"]["detail"] == "调度进程从未启动"
    assert body["checks"]["database"]["ok"] and body["checks"]["media"]["ok"] and body["checks"]["queue"]["ok"]
    now = timezone.now()
    SchedulerHeartbeat.objects.create(name="scheduler", host="h", pid=1, lock="file", started_at=now, beat_at=now)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    # a heartbeat older than three beats is a stopped scheduler
    SchedulerHeartbeat.objects.update(beat_at=now - dt.timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503 and "没有心跳" in response.json()["checks"]["scheduler"]["detail"]
    # the container's own check looks at the web process and its database only
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.django_db
def test_a_task_nobody_takes_makes_the_queue_unhealthy(client):
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        task_path=f"{__name__}.summing_task",
        args_kwargs={"args": [], "kwargs": {"a": 1, "b": 1}},
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(hours=1),
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=1))
    check = client.get("/healthz").json()["checks"]["queue"]
    assert not check["ok"] and check["waiting"] == 1 and "未被执行" in check["detail"]


@pytest.mark.django_db
def test_media_disk_short_of_space_is_reported(client, settings):
    settings.MEDIA_MIN_FREE_BYTES = 1 << 62
    check = client.get("/healthz").json()["checks"]["media"]
    assert not check["ok"] and "空间不足" in check["detail"]


# --- the system administrator's page ----------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SCHEDULE=TEST_SCHEDULE)
def test_system_page_shows_the_queue_and_the_last_run_of_each_job(client):
    scheduling.fire("summing")
    scheduling.fire("failing")
    admin = make_user(Role.SYSADMIN, CITY)
    client.force_login(admin)
    page = client.get("/ops/system/").content.decode()
    expected = ("系统运行", "求和", "合计 5", "总是失败", "失败", "磁盘已满", "以后才有", "未启用", "调度进程从未启动")
    for text in expected:
        assert text in page, text
    assert "summing_task" not in page  # no code names on screen
    # nobody else sees it
    client.force_login(make_user(Role.LEADER, FUTIAN))
    assert client.get("/ops/system/").status_code == 404


# --- the replica router --------------------------------------------------------------------------------------


def test_reads_inside_reading_from_replica_go_to_the_replica(monkeypatch):
    from jiayuan.core import replica
    from jiayuan.ops.models import JobRun as Model

    router = replica.ReplicaRouter()
    # without a replica configured, the primary serves everything
    with reading_from_replica():
        assert router.db_for_read(Model) is None
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    assert router.db_for_read(Model) is None
    with reading_from_replica():
        assert router.db_for_read(Model) == "replica"
        assert router.db_for_write(Model) == "default"
    assert router.db_for_read(Model) is None
    assert router.allow_migrate("replica", "ops") is False and router.allow_migrate("default", "ops") is True


# --- the scheduler lock ----------------------------------------------------------------------------------------


def test_the_file_lock_admits_one_holder(tmp_path):
    from jiayuan.ops.locks import FileLock

    first, second = FileLock(tmp_path / "s.lock"), FileLock(tmp_path / "s.lock")
    assert first.acquire() and first.renew()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


@pytest.mark.django_db
def test_the_postgresql_advisory_lock_admits_one_holder():
    from django.db import connection

    from jiayuan.ops.locks import AdvisoryLock

    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    first, second = AdvisoryLock(connection.settings_dict), AdvisoryLock(connection.settings_dict)
    try:
        assert first.acquire() and first.renew()
        assert not second.acquire() and not second.renew()
        first.release()
        assert second.acquire() and second.renew()
    finally:
        first.release()
        second.release()


@pytest.mark.django_db
def test_the_health_command_fails_when_a_check_fails():
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("health", only="database,media", stdout=out)
    assert "正常\tdatabase" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("health", only="scheduler", stdout=StringIO())
