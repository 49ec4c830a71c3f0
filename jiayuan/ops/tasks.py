"""Scheduled operations: retention, backups, and clearing old records of background work."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

BACKUP_PREFIX = "jiayuan-"
BACKUP_SUFFIX = ".backup"
# Records of finished background tasks and scheduled runs are kept this long.
KEEP_RUNS_DAYS = 90


@task()
def retention_task(older_than_days: int) -> str:
    from jiayuan.access.actor import Actor

    from .retention import run_retention

    results = run_retention(actor=Actor.system(job="retention"), older_than_days=older_than_days)
    total = sum(result.count for result in results)
    return f"保存期限 {older_than_days} 天：匿名化 {total} 条（{len(results)} 条规则）"


@task()
def backup_task() -> str:
    """An encrypted backup into JIAYUAN_BACKUP_DIR; the newest JIAYUAN_BACKUP_KEEP are kept."""
    from .backup import backup_write

    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"
    temporary = target.with_name(target.name + ".part")
    try:
        with open(temporary, "wb") as out:
            os.chmod(temporary, 0o600)
            counts = backup_write(out)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
    backups = sorted(folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))
    for old in backups[: max(0, len(backups) - settings.BACKUP_KEEP)]:
        old.unlink()
    size = target.stat().st_size / (1024 * 1024)
    return f"已写出 {target.name}（{sum(counts.values())} 行，{size:.1f} MB），保留最近 {settings.BACKUP_KEEP} 份"


@task()
def housekeeping_task() -> str:
    from django_apscheduler.models import DjangoJobExecution

    from .models import JobRun

    cutoff = timezone.now() - dt.timedelta(days=KEEP_RUNS_DAYS)
    runs, _ = JobRun.objects.filter(finished_at__lt=cutoff).delete()
    executions, _ = DjangoJobExecution.objects.filter(run_time__lt=cutoff).delete()
    results = 0
    if settings.TASK_QUEUE == "database":
        from django_tasks_db.models import DBTaskResult

        results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"清理 {KEEP_RUNS_DAYS} 天前的记录：运行记录 {runs} 条，调度记录 {executions} 条，任务结果 {results} 条"
