"""The schedule of background jobs (settings.SCHEDULE) and the record of their runs.

The scheduler process (`manage.py scheduler`, jiayuan/ops/scheduler.py) only *enqueues*: at each slot
`fire()` puts the job's django-tasks task on the configured queue (database or RQ) and notes a
`JobRun`. A worker carries the task out; the task framework's started/finished signals complete the
`JobRun` with the outcome, whichever backend ran it.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task

from .models import JobRun, RunStatus

logger = logging.getLogger("jiayuan.scheduler")


@dataclass(frozen=True)
class ScheduledJob:
    key: str
    title: str
    task_path: str
    cron: str | None = None
    seconds: float | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    enabled: bool = True
    optional: bool = False

    @property
    def when(self) -> str:
        """The schedule in words, for the system page."""
        if self.seconds is not None:
            return f"每 {self.seconds:g} 秒"
        return f"定时（{self.cron}）"

    def load_task(self) -> Task | None:
        """The task, or None for an optional slot whose task does not exist (yet)."""
        try:
            task = import_string(self.task_path)
        except ImportError:
            if self.optional:
                return None
            raise
        if not isinstance(task, Task):
            raise TypeError(f"{self.task_path} is not a django-tasks task")
        return task


def schedule() -> list[ScheduledJob]:
    """Every configured job, in settings order (switched-off ones included, for the system page)."""
    jobs = []
    for key, entry in settings.SCHEDULE.items():
        if ("cron" in entry) == ("seconds" in entry):
            raise ValueError(f"schedule entry {key!r} needs exactly one of 'cron' and 'seconds'")
        jobs.append(
            ScheduledJob(
                key=key,
                title=entry.get("title", key),
                task_path=entry["task"],
                cron=entry.get("cron"),
                seconds=float(entry["seconds"]) if "seconds" in entry else None,
                kwargs=dict(entry.get("kwargs", {})),
                summary=entry.get("summary", ""),
                enabled=bool(entry.get("enabled", True)),
                optional=bool(entry.get("optional", False)),
            )
        )
    return jobs


def job_by_key(key: str) -> ScheduledJob:
    for job in schedule():
        if job.key == key:
            return job
    raise KeyError(key)


def active_jobs() -> list[tuple[ScheduledJob, Task]]:
    """The jobs the scheduler runs: enabled, with a task that exists."""
    active = []
    for job in schedule():
        if not job.enabled:
            continue
        task = job.load_task()
        if task is not None:
            active.append((job, task))
    return active


def _job_for_task(module_path: str) -> ScheduledJob | None:
    for job in schedule():
        if job.task_path == module_path:
            return job
    return None


def fire(key: str) -> str | None:
    """One slot of a job: enqueue its task and note the run. Called by the scheduler's thread pool."""
    _fresh_connection()
    try:
        job = job_by_key(key)
        task = job.load_task()
        if task is None or not job.enabled:
            return None
        result = task.enqueue(**job.kwargs)
        _note(job, result, enqueued=True)
        logger.info("enqueued %s as %s", key, result.id)
        return result.id
    finally:
        _fresh_connection()


def _fresh_connection() -> None:
    """Drop a broken or expired connection between slots; never one inside a transaction that is still open."""
    if not connection.in_atomic_block:
        close_old_connections()


def _summary(job: ScheduledJob, value: Any) -> str:
    if value is None:
        return ""
    if job.summary and isinstance(value, dict):
        try:
            return job.summary.format(**value)
        except (KeyError, IndexError, ValueError):
            pass
    return str(value)[:2000]


def _note(job: ScheduledJob, result: TaskResult, *, enqueued: bool = False) -> None:
    """Create or complete the JobRun of `result` (the worker may finish before the enqueuer notes it)."""
    fields: dict[str, Any] = {"job": job.key}
    if result.started_at:
        fields["started_at"] = result.started_at
        fields["status"] = RunStatus.RUNNING
    if result.status == TaskResultStatus.SUCCESSFUL:
        fields.update(status=RunStatus.SUCCEEDED, finished_at=result.finished_at or timezone.now())
        try:
            fields["summary"] = _summary(job, result.return_value)
        except Exception:  # noqa: BLE001  (the return value could not be read back; the run succeeded)
            fields["summary"] = ""
    elif result.status == TaskResultStatus.FAILED:
        fields.update(status=RunStatus.FAILED, finished_at=result.finished_at or timezone.now())
        if result.errors:
            last = result.errors[-1]
            lines = [line for line in (last.traceback or "").strip().splitlines() if line.strip()]
            fields["error"] = (lines[-1] if lines else last.exception_class_path)[:2000]
    for _attempt in range(2):
        try:
            run, created = JobRun.objects.get_or_create(
                task_result_id=str(result.id),
                defaults={**fields, "enqueued_at": result.enqueued_at or timezone.now()},
            )
        except IntegrityError:  # the other side created it a moment ago
            continue
        if not created:
            if enqueued:
                fields = {"job": job.key}  # the worker's news is newer than the enqueuer's
            JobRun.objects.filter(pk=run.pk).update(**fields)
        return


def runs_complete(*, limit: int = 50) -> int:
    """Bring unfinished runs, and summaries not yet readable, up to date from the queue's own record.

    RQ calls its success hook before it stores the return value, and a worker killed mid-task sends no
    signal at all: the scheduler's heartbeat asks the backend again for such runs.
    """
    from django.db.models import Q
    from django_tasks import default_task_backend
    from django_tasks.exceptions import TaskResultDoesNotExist

    now = timezone.now()
    pending = JobRun.objects.filter(
        Q(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], enqueued_at__gte=now - dt.timedelta(days=1))
        | Q(status=RunStatus.SUCCEEDED, summary="", finished_at__gte=now - dt.timedelta(minutes=10))
    ).order_by("enqueued_at")[:limit]
    updated = 0
    for run in pending:
        try:
            job = job_by_key(run.job)
            result = default_task_backend.get_result(run.task_result_id)
        except (KeyError, TaskResultDoesNotExist, NotImplementedError):
            continue
        if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED, TaskResultStatus.RUNNING):
            _note(job, result)
            updated += 1
    return updated


def _on_task_event(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    job = _job_for_task(task_result.task.module_path)
    if job is None:
        return
    try:
        _note(job, task_result)
    except Exception:  # noqa: BLE001  (never let the record of a run break the run itself)
        logger.error("could not record the run of %s:\n%s", job.key, traceback.format_exc())


def connect_signals() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_on_task_event, dispatch_uid="jiayuan.ops.jobrun.started")
    task_finished.connect(_on_task_event, dispatch_uid="jiayuan.ops.jobrun.finished")
