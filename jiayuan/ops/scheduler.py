"""The scheduler process: APScheduler with its job store in the database (django-apscheduler).

Each job's next slot is kept in the database, so a slot that passed while the scheduler was down is run
when it comes back, once (coalesced), not once per missed slot. Only the holder of the scheduler lock
(jiayuan/ops/locks.py) runs jobs; another scheduler started elsewhere waits as a stand-by. The holder
writes a heartbeat that /healthz and the system page read.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_apscheduler.jobstores import DjangoJobStore
from django_apscheduler.models import DjangoJob

from .locks import SchedulerLock, scheduler_lock
from .models import SchedulerHeartbeat
from .scheduling import ScheduledJob, active_jobs, runs_complete

logger = logging.getLogger("jiayuan.scheduler")

HEARTBEAT_NAME = "scheduler"


def trigger_for(job: ScheduledJob, tz: ZoneInfo) -> BaseTrigger:
    if job.seconds is not None:
        return IntervalTrigger(seconds=job.seconds, timezone=tz)
    return CronTrigger.from_crontab(str(job.cron), timezone=tz)


def sync_jobs(scheduler: BlockingScheduler, tz: ZoneInfo) -> list[str]:
    """Put the configured jobs in the store, keeping each unchanged job's next slot (even a missed one)."""
    stored = {row.id: row for row in DjangoJob.objects.all()}
    keys = []
    for job, _task in active_jobs():
        trigger = trigger_for(job, tz)
        options: dict[str, Any] = {}
        row = stored.get(job.key)
        if row is not None and row.next_run_time is not None:
            try:
                previous = pickle.loads(bytes(row.job_state))["trigger"]
            except Exception:  # noqa: BLE001  (an unreadable old entry is replaced)
                previous = None
            if previous is not None and str(previous) == str(trigger):
                options["next_run_time"] = row.next_run_time
        scheduler.add_job(
            "jiayuan.ops.scheduling:fire",
            trigger,
            args=[job.key],
            id=job.key,
            name=job.title,
            replace_existing=True,
            **options,
        )
        keys.append(job.key)
    DjangoJob.objects.exclude(id__in=keys).delete()
    return keys


class SchedulerProcess:
    """Stand-by until the lock is ours, then run the jobs and beat; back to stand-by if the lock is lost."""

    def __init__(self, *, say: Callable[[str], None] = print, lock: SchedulerLock | None = None) -> None:
        self.say = say
        self.lock = lock or scheduler_lock()
        self.stopping = threading.Event()
        self.lost = threading.Event()
        self.scheduler: BlockingScheduler | None = None
        self.interval = float(settings.SCHEDULER_HEARTBEAT_SECONDS)
        self.tz = ZoneInfo(settings.TIME_ZONE)

    # -- signals ---------------------------------------------------------------------------------
    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self._end_scheduler()

    def _end_scheduler(self) -> None:
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)

    # -- the loop ---------------------------------------------------------------------------------
    def run(self) -> None:
        announced = False
        while not self.stopping.is_set():
            if not self.lock.acquire():
                if not announced:
                    self.say("另一个调度进程正在运行，本进程待命。")
                    announced = True
                self.stopping.wait(self.interval)
                continue
            announced = False
            try:
                self._run_locked()
            finally:
                self.lock.release()
                close_old_connections()
            if self.lost.is_set() and not self.stopping.is_set():
                self.say("调度锁已失去，本进程转为待命。")
                self.lost.clear()

    def _run_locked(self) -> None:
        started = timezone.now()
        scheduler = BlockingScheduler(
            timezone=self.tz,
            jobstores={"default": DjangoJobStore()},
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        keys = sync_jobs(scheduler, self.tz)
        close_old_connections()
        self.scheduler = scheduler
        self._beat(started)
        done = threading.Event()
        beater = threading.Thread(target=self._beat_loop, args=(started, done), name="heartbeat", daemon=True)
        beater.start()
        self.say(f"调度进程已启动（{self.lock.kind} 锁），计划任务：{'、'.join(keys) or '无'}。")
        try:
            if not self.stopping.is_set():
                scheduler.start()
        finally:
            self.scheduler = None
            done.set()
            beater.join(timeout=self.interval + 5)

    def _beat(self, started: Any) -> None:
        SchedulerHeartbeat.objects.update_or_create(
            name=HEARTBEAT_NAME,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "lock": self.lock.kind,
                "started_at": started,
                "beat_at": timezone.now(),
            },
        )

    def _beat_loop(self, started: Any, done: threading.Event) -> None:
        while not done.wait(self.interval):
            try:
                if not self.lock.renew():
                    logger.error("the scheduler lock was lost")
                    self.lost.set()
                    self._end_scheduler()
                    return
                self._beat(started)
                runs_complete()
            except Exception:
                logger.exception("scheduler heartbeat failed")
            finally:
                close_old_connections()
