from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "载入困境关爱与隐患排查演示数据（可重复执行，不会重复创建）"

    def handle(self, *args, **options):
        from jiayuan.care.demo import load_care_demo

        self.stdout.write(f"困境关爱演示数据：{load_care_demo()}")
