"""Recompute the yearly attendance tally from the attendance (after a bulk load that bypassed check-in)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jiayuan.access.actor import Actor
from jiayuan.activities.services import attendance_tally_rebuild


class Command(BaseCommand):
    help = "按签到记录重建年度签到汇总（人次、人数）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, default=None, help="只重建这一年")

    def handle(self, *args, **options) -> None:
        rows = attendance_tally_rebuild(actor=Actor.system(job="attendance_tally"), year=options["year"])
        self.stdout.write(f"年度签到汇总已重建：{rows} 行")
