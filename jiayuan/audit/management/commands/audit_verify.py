"""Check the access log's hash chain; exit non-zero when a row was changed, removed or inserted."""

from django.core.management.base import BaseCommand, CommandError

from jiayuan.audit.services import access_log_verify


class Command(BaseCommand):
    help = "校验访问日志哈希链的完整性"

    def handle(self, *args, **options):
        ok, message = access_log_verify()
        if not ok:
            raise CommandError(message)
        self.stdout.write(message)
