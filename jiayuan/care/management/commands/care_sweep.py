from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "每日任务：提醒超期未联系的结对，提醒到期复核（排查活动的按月开启见 screening_roll）"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="未联系提醒天数（默认 30，或系统设置）")

    def handle(self, *args, **options):
        from jiayuan.care.services import pairings_flag_uncontacted, reviews_due_notify

        flagged = pairings_flag_uncontacted(days=options["days"])
        reviews = reviews_due_notify()
        self.stdout.write(
            f"结对未联系提醒：帮扶人 {flagged['helper']}，责任社工 {flagged['worker']}；到期复核提醒 {reviews} 条"
        )
