"""Health of the installation: database, task queue, scheduler heartbeat, disk for uploaded files.

Each check returns a `Check`; `/healthz` answers 200 when all pass and 503 otherwise, with every check's
state in the body, for the reverse proxy, the orchestrator and monitoring. `/healthz/live` checks the
web process and its database only (a container health check must not restart the web server because
the scheduler is down).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .models import SchedulerHeartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_database() -> Check:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (a health check reports every failure)
        return Check("database", False, "数据库无法连接", {"error": exc.__class__.__name__})
    return Check("database", True, "数据库正常", {"vendor": connections["default"].vendor})


def queue_state() -> dict[str, Any]:
    """What waits in the task queue: counts and the age of the oldest waiting task."""
    now = timezone.now()
    if settings.TASK_QUEUE == "rq":
        import django_rq
        from rq import Worker

        queue = django_rq.get_queue("default")
        connection = django_rq.get_connection("default")
        waiting = queue.count
        oldest = None
        job_ids = queue.get_job_ids(0, 0)
        if job_ids:
            job = queue.fetch_job(job_ids[0])
            if job is not None and job.enqueued_at is not None:
                enqueued = job.enqueued_at
                if timezone.is_naive(enqueued):
                    enqueued = timezone.make_aware(enqueued, dt.UTC)
                oldest = (now - enqueued).total_seconds()
        return {
            "backend": "rq",
            "waiting": waiting,
            "running": queue.started_job_registry.count,
            "failed": queue.failed_job_registry.count,
            "workers": Worker.count(connection=connection),
            "oldest_waiting_seconds": oldest,
        }
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    first = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    day_ago = now - dt.timedelta(days=1)
    return {
        "backend": "database",
        "waiting": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "failed": DBTaskResult.objects.failed().filter(finished_at__gte=day_ago).count(),
        "workers": len(
            {
                worker
                for ids in DBTaskResult.objects.filter(started_at__gte=day_ago).values_list("worker_ids", flat=True)
                for worker in ids or []
            }
        ),
        "oldest_waiting_seconds": (now - first).total_seconds() if first else None,
    }


def check_queue() -> Check:
    try:
        state = queue_state()
    except Exception as exc:  # noqa: BLE001  (a health check reports every failure)
        return Check("queue", False, "任务队列无法读取", {"error": exc.__class__.__name__})
    oldest = state["oldest_waiting_seconds"]
    if oldest is not None and oldest > settings.QUEUE_STALE_SECONDS:
        minutes = int(oldest // 60)
        return Check("queue", False, f"有任务已排队 {minutes} 分钟未被执行（后台任务进程可能未运行）", state)
    return Check("queue", True, f"任务队列正常，排队 {state['waiting']} 个", state)


def check_scheduler() -> Check:
    try:
        beat = SchedulerHeartbeat.objects.filter(name="scheduler").first()
    except Exception as exc:  # noqa: BLE001  (a health check reports every failure)
        return Check("scheduler", False, "调度进程状态无法读取", {"error": exc.__class__.__name__})
    if beat is None:
        return Check("scheduler", False, "调度进程从未启动", {})
    age = (timezone.now() - beat.beat_at).total_seconds()
    data = {"host": beat.host, "pid": beat.pid, "lock": beat.lock, "seconds_since_beat": round(age, 1)}
    if age > settings.SCHEDULER_HEARTBEAT_SECONDS * 3 + 5:
        return Check("scheduler", False, f"调度进程已 {int(age)} 秒没有心跳", data)
    return Check("scheduler", True, "调度进程运行中", data)


def check_media() -> Check:
    root = settings.MEDIA_ROOT
    try:
        os.makedirs(root, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-"):
            pass
        usage = shutil.disk_usage(root)
    except OSError as exc:
        return Check("media", False, "附件存储目录不可写", {"error": exc.__class__.__name__})
    data = {"free_bytes": usage.free, "total_bytes": usage.total}
    if usage.free < settings.MEDIA_MIN_FREE_BYTES:
        return Check("media", False, f"附件存储空间不足（剩余 {usage.free // (1024 * 1024)} MB）", data)
    return Check("media", True, f"附件存储正常（剩余 {usage.free // (1024 * 1024 * 1024)} GB）", data)


def run_checks(*, live_only: bool = False) -> list[Check]:
    if live_only:
        return [check_database()]
    return [check_database(), check_queue(), check_scheduler(), check_media()]
