"""Reads for the system page: the scheduled jobs with their last runs, the scheduler, the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django_apscheduler.models import DjangoJob

from jiayuan.access import policy
from jiayuan.access.actor import Actor

from .health import Check, queue_state, run_checks
from .models import JobRun, SchedulerHeartbeat
from .scheduling import ScheduledJob, schedule


@dataclass(frozen=True)
class JobStatus:
    job: ScheduledJob
    active: bool
    next_run_at: dt.datetime | None
    last: JobRun | None
    last_success: JobRun | None


@dataclass(frozen=True)
class SystemStatus:
    checks: list[Check]
    jobs: list[JobStatus]
    heartbeat: SchedulerHeartbeat | None
    queue: dict
    recent: list[JobRun]


def _active(job: ScheduledJob) -> bool:
    try:
        return job.enabled and job.load_task() is not None
    except (ImportError, TypeError):
        return False


def system_status(*, actor: Actor) -> SystemStatus:
    runs = policy.scoped(actor, "ops.view", JobRun)
    next_runs = dict(DjangoJob.objects.values_list("id", "next_run_time"))
    jobs = []
    for job in schedule():
        mine = runs.filter(job=job.key).order_by("-enqueued_at", "-pk")
        jobs.append(
            JobStatus(
                job=job,
                active=_active(job),
                next_run_at=next_runs.get(job.key),
                last=mine.first(),
                last_success=mine.filter(status="succeeded").first(),
            )
        )
    try:
        queue = queue_state()
    except Exception:  # noqa: BLE001  (the page shows the queue as unreadable)
        queue = {}
    return SystemStatus(
        checks=run_checks(),
        jobs=jobs,
        heartbeat=policy.scoped(actor, "ops.view", SchedulerHeartbeat).filter(name="scheduler").first(),
        queue=queue,
        recent=list(runs.order_by("-enqueued_at", "-pk")[:30]),
    )
