"""Escalate unanswered moves and flag overdue cases (run every few minutes by cron)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "逾期未答复的流转自动上报；逾期个案提醒承办人和上级；逾期的跟进任务提醒承担人和派发人。"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="以该时间（ISO 8601）为当前时间，用于补跑")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务队列执行")

    def handle(self, *args, **options):
        from jiayuan.cases.services import deadlines_sweep, moves_sweep, tasks_sweep
        from jiayuan.cases.tasks import cases_sweep_task

        if options["enqueue"]:
            result = cases_sweep_task.enqueue()
            self.stdout.write(f"已排入后台任务：{result.id}")
            return
        now = dt.datetime.fromisoformat(options["now"]) if options["now"] else timezone.now()
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        moves = moves_sweep(now=now)
        deadlines = deadlines_sweep(now=now)
        tasks = tasks_sweep(now=now)
        self.stdout.write(f"自动上报流转 {moves} 项，逾期提醒 {deadlines} 件，跟进任务逾期提醒 {tasks} 项。")
