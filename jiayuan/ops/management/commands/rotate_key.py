"""manage.py rotate_key: re-encrypt every protected field and every sealed file (case attachments) under the
first key of JIAYUAN_DATA_KEYS."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiayuan.ops.files import files_left, rotate_sealed_files
from jiayuan.ops.rotation import remaining_under_old_keys, rotate_all


class Command(BaseCommand):
    help = (
        "用第一把数据密钥重新加密所有受保护字段（含历史表）和加密存储的附件文件。"
        "运行前设置 JIAYUAN_DATA_KEYS=新密钥,旧密钥；"
        "分批进行、每批一个短事务，读者无需等待；完成后即可移除旧密钥。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的数量")

    def handle(self, *args, batch_size, dry_run, **options):
        if len(settings.DATA_ENCRYPTION_KEYS) < 2 and not dry_run:
            self.stderr.write("提示：只配置了一把密钥；如要轮换，请设置 JIAYUAN_DATA_KEYS=新密钥,旧密钥。")
        if batch_size < 1:
            raise CommandError("--batch-size 必须大于 0")
        report = rotate_all(batch_size=batch_size, dry_run=dry_run, say=self.stdout.write)
        verb = "需重新加密" if dry_run else "已重新加密"
        self.stdout.write(f"{verb} {report.total} 个值；已是新密钥 {report.current} 个。")
        files = rotate_sealed_files(dry_run=dry_run, say=self.stdout.write)
        self.stdout.write(f"{verb} {files.total} 个附件文件；已是新密钥 {files.already} 个。")
        if files.missing:
            self.stderr.write(f"有 {len(files.missing)} 个附件的文件不在存储中：{'、'.join(files.missing[:20])}")
        if not dry_run:
            left = remaining_under_old_keys()
            plain, old_files = files_left()
            if left or old_files:
                raise CommandError(f"仍有 {left} 个值、{old_files} 个附件文件未使用新密钥，请再次运行。")
            if plain:
                self.stderr.write(f"另有 {plain} 个早期附件文件尚未加密：请运行 manage.py encrypt_attachments。")
            self.stdout.write("全部受保护字段和附件文件均已使用新密钥，可以从 JIAYUAN_DATA_KEYS 中移除旧密钥。")
