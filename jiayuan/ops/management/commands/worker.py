"""manage.py worker: the background-task worker of whichever queue settings.TASK_QUEUE names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "后台任务进程：执行队列中的任务（默认数据库队列；JIAYUAN_TASK_QUEUE=rq 时为 Redis 上的 RQ）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--burst", action="store_true", help="做完队列中已有的任务后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASK_QUEUE == "rq":
            rq_options: dict[str, Any] = {
                "job_class": "django_tasks_rq.Job",
                "worker_class": "jiayuan.ops.rqworker.Worker",  # keeps results a day
                "with_scheduler": True,
            }
            if options["burst"]:
                rq_options["burst"] = True
            call_command("rqworker", "default", **rq_options)
        else:
            db_options: dict[str, Any] = {"reload": False, "startup_delay": False}
            if options["burst"]:
                db_options["batch"] = True
            call_command("db_worker", **db_options)
