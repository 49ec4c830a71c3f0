"""Print the demo accounts (used by `make run`)."""

from django.core.management.base import BaseCommand

from jiayuan.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

# Second accounts some modules' demos add (e.g. a second approver), described here.
EXTRA_ACCOUNTS = [
    ("shequzhuxi", "社区妇联主席（救助申请的社区级审批人）"),
    ("shifulian", "市妇联权益部（大额救助的市级审批人）"),
]


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        from jiayuan.accounts.models import User

        self.stdout.write("演示账号（每个角色一个）：")
        for username, display, role, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role.label}（{display}）")
        existing = set(
            User.objects.filter(username__in=[u for u, _ in EXTRA_ACCOUNTS]).values_list("username", flat=True)
        )
        for username, description in EXTRA_ACCOUNTS:
            if username in existing:
                self.stdout.write(f"  {username:<10} {description}")
        self.stdout.write(f"所有演示账号的密码：{DEMO_PASSWORD}")
