"""Print the demo accounts (used by `make run`)."""
from django.core.management.base import BaseCommand

from jiayuan.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        self.stdout.write("演示账号（每个角色一个）：")
        for username, display, role, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role.label}（{display}）")
        self.stdout.write(f"所有演示账号的密码：{DEMO_PASSWORD}")
