"""Evaluate the legal assistant against the plain BM25 baseline on the evaluation questions.

``legal_eval --all`` measures every tuning set in one run, ``--report`` every set (the tuning sets, the frozen
held-out rounds and the near-verbatim restatements: only when a ranking round is reported), each next to the
rank-bm25 baseline, with the time per answer and the index build time. ``--fit`` fits the learned combination of
the rankers with cross-validation (``--write`` stores its weights). ``--make-verbatim`` regenerates the
near-verbatim set from the statutes.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from jiayuan.legal.evaluation import FROZEN_SETS, EvalReport, load_eval, measured_sets, run_eval

SET_NAMES = {
    "eval": "评测集（调优用）",
    "holdout": "旧留出集（已用于调优）",
    "holdout2": "第四轮留出集（冻结）",
    "round5": "第五轮留出集（第三轮融合起用于调优）",
    "verbatim": "条文近似复述",
    "dev": "开发集（调优用）",
    "round6": "第六轮留出集（第三轮融合起用于调优）",
    "round7": "第七轮留出集（第四轮融合起用于调优）",
    "round8": "第八轮留出集（第五轮融合起用于调优）",
    "round9": "第九轮留出集（冻结）",
}


class Command(BaseCommand):
    help = "评测法律助手：hit@1、hit@5、MRR（与普通 BM25 基线对比）、每题 p95 耗时和索引构建时间。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--set",
            default="eval",
            help="eval（默认）、holdout、holdout2、round5、verbatim、dev、round6、round7、round8、round9"
            " 或 YAML 文件路径",
        )
        parser.add_argument("--all", action="store_true", help="一次评测全部调优集（不含冻结的评测集）")
        parser.add_argument(
            "--report", action="store_true", help="一次评测全部评测集，含冻结的评测集（仅在一轮排序改进结束报告时使用）"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--misses", action="store_true", help="列出前 5 名未命中的问题（冻结的评测集不列出）")
        parser.add_argument(
            "--fit",
            action="store_true",
            help="在调优集（eval、holdout、dev、round5、round6、round7、round8）和留出的常见问法上"
            "以 5 折交叉验证拟合各排序器的学习组合，逐集报告留出折成绩并与现用排序对比",
        )
        parser.add_argument("--write", action="store_true", help="与 --fit 同用：把拟合的权重写入权重文件")
        parser.add_argument(
            "--phrasing-cv", action="store_true", help="轮流把一部分常见问法移出索引再用它们提问（不用任何评测集）"
        )
        parser.add_argument("--make-verbatim", action="store_true", help="由法条重新生成条文近似复述评测集")

    def handle(self, *args, **options):
        if options["make_verbatim"]:
            from jiayuan.legal.verbatim import VERBATIM_FILE, write

            count = write()
            self.stdout.write(f"已生成 {count} 题：{VERBATIM_FILE.name}")
            return
        if options["phrasing_cv"]:
            from jiayuan.legal.evaluation import phrasing_cv

            self.stdout.write(json.dumps(phrasing_cv(), ensure_ascii=False, indent=2))
            return
        if options["fit"]:
            from jiayuan.legal.evaluation import fit_learned

            self.stdout.write(json.dumps(fit_learned(write=options["write"]), ensure_ascii=False, indent=2))
            return
        if options["all"] or options["report"]:
            names = measured_sets(frozen=options["report"])
        else:
            names = (options["set"],)
        reports: dict[str, EvalReport] = {}
        for name in names:
            try:
                questions = load_eval(name)
            except (KeyError, FileNotFoundError) as exc:
                raise CommandError(f"评测集无法读取：{exc}") from exc
            reports[name] = run_eval(questions)
        if options["json"]:
            data = {name: r.as_dict() for name, r in reports.items()}
            many = options["all"] or options["report"]
            self.stdout.write(json.dumps(data if many else data[names[0]], ensure_ascii=False, indent=2))
        else:
            self._table(reports)
        if options["misses"]:
            for name, report in reports.items():
                if name in FROZEN_SETS:
                    continue
                for question, top in report.assistant.misses:
                    self.stdout.write(f"未命中（{name}）：{question} → {', '.join(top)}")

    def _table(self, reports: dict[str, EvalReport]) -> None:
        header = (
            f"{'评测集':<10}{'题数':>5}  {'系统':<10}{'hit@1':>7}{'hit@5':>7}{'MRR':>7}"
            f"{'p50 ms':>8}{'p95 ms':>8}{'p95 CPU':>8}{'虚构条文':>6}"
        )
        self.stdout.write(header)
        build = baseline_build = build_cpu = 0.0
        for name, report in reports.items():
            for m, system in ((report.assistant, "assistant"), (report.baseline, "bm25")):
                self.stdout.write(
                    f"{name:<12}{m.n:>5}  {system:<10}{m.recall1:>7.3f}{m.recall5:>7.3f}{m.mrr:>7.3f}"
                    f"{m.p50:>8.2f}{m.p95:>8.2f}{m.p95_cpu:>8.2f}{m.invented:>6}"
                )
            build = max(build, report.index_build_s)
            baseline_build = max(baseline_build, report.baseline_build_s)
            build_cpu = max(build_cpu, report.index_build_cpu_s)
        self.stdout.write(f"索引构建 {build:.2f} s（CPU {build_cpu:.2f} s；基线 {baseline_build:.2f} s）")
        for name in reports:
            self.stdout.write(f"  {name}：{SET_NAMES.get(name, name)}")
