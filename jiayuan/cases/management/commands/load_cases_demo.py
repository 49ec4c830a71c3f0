"""Load about 60 demo cases in Futian (idempotent, fixed seed)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "载入维权个案演示数据（可重复执行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=60)

    def handle(self, *args, **options):
        from jiayuan.cases.demo import load_cases_demo

        self.stdout.write(load_cases_demo(total=options["total"]))
