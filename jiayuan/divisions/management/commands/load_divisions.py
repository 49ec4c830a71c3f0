"""Load Shenzhen's administrative divisions from data/divisions/shenzhen.csv."""

from pathlib import Path

from django.core.management.base import BaseCommand

from jiayuan.divisions.services import DEFAULT_CSV, divisions_load


class Command(BaseCommand):
    help = "载入行政区划（市—区—街道—社区），可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(DEFAULT_CSV))

    def handle(self, *args, **options):
        result = divisions_load(path=Path(options["path"]))
        self.stdout.write(f"行政区划：共 {result['total']} 条，新增 {result['created']}，更新 {result['updated']}")
