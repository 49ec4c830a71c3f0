"""manage.py health: the checks of /healthz from the command line (exit status 1 when one fails)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "运行检查：数据库、任务队列、调度进程心跳、附件存储；有一项异常时退出码为 1。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", default="", help="只检查这些项（逗号分隔：database,queue,scheduler,media）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiayuan.ops.health import run_checks

        wanted = {name.strip() for name in options["only"].split(",") if name.strip()}
        checks = [check for check in run_checks() if not wanted or check.name in wanted]
        if options["json"]:
            self.stdout.write(json.dumps([check.as_dict() for check in checks], ensure_ascii=False))
        else:
            for check in checks:
                self.stdout.write(f"{'正常' if check.ok else '异常'}\t{check.name}\t{check.detail}")
        if not all(check.ok for check in checks):
            raise CommandError("运行检查未通过")
