"""Load the statutes in data/laws/ into the database (idempotent) and seed the topic guidance."""

from django.core.management.base import BaseCommand

from jiayuan.legal.services import laws_load


class Command(BaseCommand):
    help = "导入 data/laws/ 中的法律法规条文（可重复运行），并导入初始主题指引。"

    def handle(self, *args, **options):
        report = laws_load()
        self.stdout.write(
            f"法律法规：新增 {report.laws_created}，更新 {report.laws_updated}；"
            f"条文：共 {report.articles_total}，新增 {report.articles_created}，更新 {report.articles_updated}，"
            f"删除 {report.articles_deleted}；主题指引新增 {report.guides_created}；"
            f"条文常见问法新增或更新 {report.phrasings_created}。"
        )
