"""Print the demo accounts (used by `make run`)."""

from django.core.management.base import BaseCommand

from jiayuan.administration.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jiayuan.site.demo import demo_extra_accounts


def demo_places() -> dict[str, str]:
    """Where each demo account serves, as a person names it: "福田区香蜜湖街道竹林社区", or the agency."""
    from jiayuan.accounts.models import Posting

    places: dict[str, str] = {}
    postings = Posting.objects.active().select_related("user", "agency", "division__parent__parent")
    for posting in postings.order_by("pk"):
        if posting.user.username in places:
            continue
        if posting.agency is not None:
            places[posting.user.username] = posting.agency.name
            continue
        chain, division = [], posting.division
        while division is not None and division.level in ("district", "street", "community"):
            chain.append(division.name)
            division = division.parent
        places[posting.user.username] = "".join(reversed(chain)) or (posting.division.name if posting.division else "")
    return places


class Command(BaseCommand):
    help = "列出演示账号"

    def handle(self, *args, **options):
        from jiayuan.accounts.models import User

        self.stdout.write("演示账号（每个角色一个）：")
        places = demo_places()
        for username, display, role, _ in DEMO_ACCOUNTS:
            place = places.get(username)
            self.stdout.write(f"  {username:<10} {role.label}（{display}）" + (f" · {place}" if place else ""))
        extra = demo_extra_accounts()
        existing = set(User.objects.filter(username__in=[u for u, _ in extra]).values_list("username", flat=True))
        for username, description in extra:
            if username in existing:
                place = places.get(username)
                self.stdout.write(f"  {username:<10} {description}" + (f" · {place}" if place else ""))
        self.stdout.write(f"所有演示账号的密码：{DEMO_PASSWORD}")
