"""manage.py backup --output FILE: a consistent, encrypted backup of the database and the uploaded files."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from jiayuan.ops.backup import backup_write


class Command(BaseCommand):
    help = "写出加密备份（数据库全部数据表 + 上传文件）。密钥取自 JIAYUAN_BACKUP_KEY，未设置时用第一把数据密钥。"

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="备份文件路径（- 表示标准输出）")

    def handle(self, *args, output, **options):
        say = (lambda msg: self.stderr.write(msg)) if output == "-" else self.stdout.write
        if output == "-":
            counts = backup_write(sys.stdout.buffer, say=say if options["verbosity"] > 1 else None)
        else:
            temporary = output + ".part"
            try:
                with open(temporary, "wb") as out:
                    os.chmod(temporary, 0o600)
                    counts = backup_write(out, say=say if options["verbosity"] > 1 else None)
                os.replace(temporary, output)
            except Exception as exc:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise CommandError(f"备份失败：{exc}") from exc
        say(f"备份完成：{sum(counts.values())} 行，{sum(1 for n in counts.values() if n)} 个非空数据表。")
