"""Write a signed checkpoint of the access log's chain head outside the database (scheduled by ops)."""

from django.core.management.base import BaseCommand

from jiayuan.audit.services import access_log_checkpoint


class Command(BaseCommand):
    help = "把访问日志链头写入库外的签名检查点文件（由审计员保存）"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="", help="检查点目录（默认为 JIAYUAN_AUDIT_CHECKPOINT_DIR）")

    def handle(self, *args, **options):
        path = access_log_checkpoint(directory=options["dir"] or None)
        self.stdout.write(f"已写入检查点：{path}")
