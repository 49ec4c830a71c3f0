from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "每日任务：开启每月重复的隐患排查活动的新一期（计划任务 screening_roll 每天自动执行）"

    def handle(self, *args, **options):
        from jiayuan.screening.services import campaigns_roll

        self.stdout.write(f"新开启排查活动 {campaigns_roll()} 个")
