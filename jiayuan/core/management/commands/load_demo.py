"""Fill the database with the demo: Shenzhen divisions, Futian's federations and people, one account per role."""
from django.core.management.base import BaseCommand

from jiayuan.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300)

    def handle(self, *args, **options):
        counts = load_demo(people=options["people"], stdout=self.stdout)
        self.stdout.write(
            f"演示数据：新增组织 {counts['orgs']}，协作单位 {counts['agencies']}，用户 {counts['users']}，"
            f"人员 {counts['people']}，家庭户 {counts['households']}"
        )

