"""Recount the summarised figures of a place and period from the records and report every difference."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiayuan.divisions.models import Division
from jiayuan.reports import summaries, summary_verify


def _month(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip() + ("-01" if len(value.strip()) == 7 else ""))
    except ValueError:
        raise CommandError(f"{name}“{value}”不是有效日期，请按 2026-01 或 2026-01-31 的格式填写。") from None


class Command(BaseCommand):
    help = "按记录重新计算汇总指标（区划、月份、分组），与汇总表逐项核对并报告每一处差异"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", default="", help="区划代码（默认全部区划）")
        parser.add_argument("--from", dest="start", default="", help="开始月份，如 2026-01（按整月核对）")
        parser.add_argument("--to", dest="end", default="", help="结束月份，如 2026-12")
        parser.add_argument("--fix", action="store_true", help="有差异时按记录重算该范围的汇总")
        parser.add_argument("--rebuild", action="store_true", help="先按记录重建全部汇总，再核对")

    def handle(self, *args, **options) -> None:
        prefix, place = "", "全部区划"
        if options["division"]:
            division = Division.objects.filter(code=options["division"].strip()[:12]).first()
            if division is None:
                raise CommandError(f"未找到区划“{options['division']}”。")
            prefix, place = division.prefix, division.name
        start = _month(options["start"], "开始月份") if options["start"] else summaries.EARLIEST
        end = _month(options["end"], "结束月份") if options["end"] else summaries.LATEST
        if end < start:
            raise CommandError("结束月份早于开始月份，请重新填写。")
        if options["rebuild"]:
            rows = summaries.rebuild()
            self.stdout.write(f"已按记录重建全部汇总，共 {rows} 行。")
        else:
            folded = summaries.refresh()
            if folded:
                self.stdout.write(f"已先并入 {folded} 处待重算的标记。")
        span = "全部月份" if not (options["start"] or options["end"]) else f"{start:%Y-%m} 至 {end:%Y-%m}"
        self.stdout.write(f"核对 {place} {span} 的汇总指标（{len(summaries.summarised())} 项）……")
        compared, differences = summary_verify.verify(prefix=prefix, start=start, end=end)
        names = dict(Division.objects.filter(code__in={d.division for d in differences}).values_list("code", "name"))
        for diff in differences:
            self.stdout.write("差异：" + diff.describe(names))
        if not differences:
            self.stdout.write(self.style.SUCCESS(f"共核对 {compared} 项，汇总表与记录完全一致。"))
            return
        if options["fix"]:
            summaries.repair(prefix=prefix, start=start.replace(day=1), end=summaries.month_end(end.replace(day=1)))
            _, left = summary_verify.verify(prefix=prefix, start=start, end=end)
            self.stdout.write(f"已按记录重算，重算后差异 {len(left)} 处。")
            if not left:
                return
        raise CommandError(f"共核对 {compared} 项，发现 {len(differences)} 处差异（可加 --fix 按记录重算）。")
