"""Fill the database with the demo: each installed app's `demo.py` in turn (divisions, organisations,
accounts, people, then every module's own data and the statutes)."""

from django.core.management.base import BaseCommand

from jiayuan.site.demo import demo_load_all


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=None, help="演示人员数（默认 300）")
        parser.add_argument("--total", type=int, default=None, help="演示个案数")
        parser.add_argument("--only", action="append", default=None, help="只载入某个模块的演示数据（应用标签）")

    def handle(self, *args, **options):
        for name, summary in demo_load_all(only=options["only"], people=options["people"], total=options["total"]):
            self.stdout.write(f"{name}：{summary}")
