"""manage.py scheduler: run the scheduled jobs (settings.SCHEDULE) until stopped."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "调度进程：按计划把定时任务（流转逾期上报、复核提醒、匿名化、备份等）排入后台任务队列。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--list", action="store_true", help="只列出计划任务，不运行")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiayuan.ops.scheduler import SchedulerProcess
        from jiayuan.ops.scheduling import schedule

        if options["list"]:
            for job in schedule():
                state = "启用" if job.enabled and job.load_task() is not None else "未启用"
                self.stdout.write(f"{job.key}\t{job.when}\t{state}\t{job.title}")
            return
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        process = SchedulerProcess(say=lambda msg: self.stdout.write(msg, ending="\n") or self.stdout.flush())
        process.install_signals()
        process.run()
        self.stdout.write("调度进程已停止。")
