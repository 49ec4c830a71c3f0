"""Check the access log's keyed chain and the checkpoints kept outside the database; exit non-zero on a break."""

from django.core.management.base import BaseCommand, CommandError

from jiayuan.audit.services import access_log_verify


class Command(BaseCommand):
    help = "校验访问日志校验链及库外检查点的完整性"

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", default="", help="检查点目录（默认为 JIAYUAN_AUDIT_CHECKPOINT_DIR）")

    def handle(self, *args, **options):
        ok, message = access_log_verify(checkpoint_dir=options["checkpoints"] or None)
        if not ok:
            raise CommandError(message)
        self.stdout.write(message)
