"""manage.py anonymise --older-than DAYS [--dry-run]: apply the retention rules of every module."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jiayuan.access.actor import Actor
from jiayuan.ops.retention import rules, run_retention


class Command(BaseCommand):
    help = "按各模块登记的保存期限规则，对超过期限的记录做匿名化（保留统计口径），并写入访问日志。"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, dest="days", help="保存期限（天）")
        parser.add_argument("--dry-run", action="store_true", help="只列出将被匿名化的数量，不做修改")
        parser.add_argument("--rule", default=None, help="只执行某一条规则")

    def handle(self, *args, days, dry_run, rule, **options):
        if days < 1:
            raise CommandError("--older-than 至少为 1 天")
        if rule and rule not in {r.key for r in rules()}:
            raise CommandError(f"没有名为 {rule} 的规则；可用：" + "、".join(r.key for r in rules()))
        for result in run_retention(
            actor=Actor.system(job="retention"), older_than_days=days, dry_run=dry_run, only=rule
        ):
            verb = "将匿名化" if dry_run else "已匿名化"
            self.stdout.write(f"{result.rule}（{result.description}）：{verb} {result.count} 条")
