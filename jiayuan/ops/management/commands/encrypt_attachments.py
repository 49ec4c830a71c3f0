"""manage.py encrypt_attachments: seal the attachment files stored before encryption at rest."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jiayuan.ops.files import files_left, seal_plain_files


class Command(BaseCommand):
    help = (
        "把加密存储启用之前上传的附件文件用当前数据密钥加密（逐个写入新文件、切换记录、再删除明文文件）；"
        "可中断后重新运行，已加密的文件会跳过。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计需要加密的文件数")

    def handle(self, *args, dry_run, **options):
        report = seal_plain_files(dry_run=dry_run, say=self.stdout.write)
        verb = "需加密" if dry_run else "已加密"
        self.stdout.write(f"{verb} {report.total} 个附件文件；此前已加密 {report.already} 个。")
        if report.missing:
            self.stderr.write(f"有 {len(report.missing)} 个附件的文件不在存储中：{'、'.join(report.missing[:20])}")
        if not dry_run:
            plain, _old = files_left()
            if plain - len(report.missing) > 0:
                raise CommandError(f"仍有 {plain} 个附件文件未加密，请再次运行。")
            self.stdout.write("全部附件文件均已加密存储。")
