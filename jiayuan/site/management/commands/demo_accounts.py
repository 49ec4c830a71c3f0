"""Print the demo accounts (used by `make run`)."""

from django.core.management.base import BaseCommand

from jiayuan.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jiayuan.site.demo import demo_extra_accounts


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        from jiayuan.accounts.models import User

        self.stdout.write("演示账号（每个角色一个）：")
        for username, display, role, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role.label}（{display}）")
        extra = demo_extra_accounts()
        existing = set(User.objects.filter(username__in=[u for u, _ in extra]).values_list("username", flat=True))
        for username, description in extra:
            if username in existing:
                self.stdout.write(f"  {username:<10} {description}")
        self.stdout.write(f"所有演示账号的密码：{DEMO_PASSWORD}")
