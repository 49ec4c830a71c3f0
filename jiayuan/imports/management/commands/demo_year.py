"""Replay a year of a district's records through the importers only: `manage.py demo_year [--district 440304]
[--year 2024] [--scale 1.0]`. Prints the figures the ledgers imply; the yearly report of that year states them."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.divisions.models import Division, Level
from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.imports.replay import plan_year, replay_year


def _account(username: str, display: str, role: str, division: str) -> Actor:
    """The replay's own importing account at `division` (set up once, like the demo accounts)."""
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
    if created:
        user.set_unusable_password()
        user.save()
        Posting.objects.create(user=user, role=role, division_id=division, valid_from=dt.date(2000, 1, 1))
    return Actor.for_user(user)


class Command(BaseCommand):
    help = "通过导入功能回放一个区一整年的业务数据（人员、困境库、历史个案、结对、排查走访、已发放救助）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--district", default="440304", help="区的区划代码，默认福田区 440304")
        parser.add_argument("--year", type=int, default=2024, help="年度，默认 2024")
        parser.add_argument("--scale", type=float, default=1.0, help="规模系数，1.0 为年度报告所载规模")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, district: str, year: int, scale: float, seed: int, **options) -> None:
        place = Division.objects.filter(code=district, level=Level.DISTRICT).first()
        if place is None:
            raise CommandError("找不到该区，请先载入区划（manage.py load_demo）。")
        if not 2000 <= year < dt.date.today().year:
            raise CommandError("年度应为已经过去的年份。")
        tag = f"{district}-{year}"
        if ImportRun.objects.filter(file_name=f"年度回放-{tag}-救助.xlsx", status=RunStatus.SUCCESS).exists():
            self.stdout.write(f"{place.name} {year} 年已回放过，未重复导入。")
            return
        plan = plan_year(district, year, scale=scale, seed=seed)
        district_actor = _account(f"huifang-{district}", f"年度回放 {place.name}", Role.DISTRICT_RIGHTS, district)
        streets = {code: Division.objects.get(code=code).name for code in plan.screening}
        street_actors = {
            code: _account(f"huifang-{code}", f"年度回放 {name}", Role.STREET_STAFF, code)
            for code, name in streets.items()
        }
        runs = replay_year(plan, district_actor=district_actor, street_actors=street_actors)
        self.stdout.write(
            f"{place.name} {year} 年：{len(runs)} 个导入文件，共 {sum(r.rows for r in runs)} 行，"
            f"用时 {sum(r.duration_ms for r in runs) / 1000:.1f} 秒。"
        )
        for code, value in plan.expected.items():
            self.stdout.write(f"  {code} = {value}")
