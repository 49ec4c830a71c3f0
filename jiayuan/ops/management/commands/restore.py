"""manage.py restore --input FILE: load a backup into an empty, migrated database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jiayuan.ops.backup import RestoreError, backup_restore
from jiayuan.ops.crypto import BackupDecryptError


class Command(BaseCommand):
    help = "从加密备份恢复到新安装、已执行 migrate 的空数据库（单一事务，失败则不留任何数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="备份文件路径")

    def handle(self, *args, input, **options):
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            with open(input, "rb") as source:
                loaded = backup_restore(source, say=say)
        except (RestoreError, BackupDecryptError) as exc:
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"找不到备份文件：{input}") from exc
        self.stdout.write(f"恢复完成：{sum(loaded.values())} 行，{sum(1 for n in loaded.values() if n)} 个非空数据表。")
