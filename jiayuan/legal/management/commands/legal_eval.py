"""Evaluate the legal assistant against the plain BM25 baseline on the evaluation questions."""

import json

from django.core.management.base import BaseCommand, CommandError

from jiayuan.legal.evaluation import load_eval, run_eval


class Command(BaseCommand):
    help = "评测法律助手：recall@1、recall@5、MRR（与普通 BM25 基线对比）、每题 p95 耗时和索引构建时间。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--set",
            default="eval",
            help="eval（默认，评测集）、holdout（旧留出集，已用于调优）、holdout2（新留出集）或 YAML 文件路径",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--misses", action="store_true", help="列出前 5 名未命中的问题")

    def handle(self, *args, **options):
        try:
            questions = load_eval(options["set"])
        except (KeyError, FileNotFoundError) as exc:
            raise CommandError(f"评测集无法读取：{exc}") from exc
        report = run_eval(questions)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            a, b = report.assistant, report.baseline
            self.stdout.write(f"评测集：{options['set']}，{a.n} 题")
            self.stdout.write(f"{'':12}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}{'p50 ms':>9}{'p95 ms':>9}")
            for m, name in ((a, "assistant"), (b, "baseline")):
                self.stdout.write(
                    f"{name:12}{m.recall1:>10.3f}{m.recall5:>10.3f}{m.mrr:>8.3f}{m.p50:>9.2f}{m.p95:>9.2f}"
                )
            self.stdout.write(f"索引构建 {report.index_build_s:.2f} s（基线 {report.baseline_build_s:.2f} s）")
            targets = [
                ("recall@5 ≥ 0.90", a.recall5 >= 0.90),
                ("recall@1 高于基线", a.recall1 > b.recall1),
                ("MRR 高于基线", a.mrr > b.mrr),
                ("p95 ≤ 50 ms", a.p95 <= 50),
                ("索引构建 ≤ 10 s", report.index_build_s <= 10),
            ]
            self.stdout.write("目标：" + "；".join(f"{name} {'✓' if ok else '✗'}" for name, ok in targets))
        if options["misses"]:
            for question, top in a.misses if not options["json"] else report.assistant.misses:
                self.stdout.write(f"未命中：{question} → {', '.join(top)}")
