"""Legal assistant: index build time, time per question and the ratio to a plain BM25 baseline.

Builds the retrieval index (timed), then answers every evaluation question three ways in the same run:
the assistant's full answer in-process (emergency check, ranking, topic guidance and curated answers
read from the database), the same through the whole Django stack (``POST /api/legal/ask``), and the
plain baseline (rank-bm25 over plain jieba tokens). Reports p50/p95 per question, the ratio to the
baseline, and recall@1/@5/MRR of both.

    python bench/bench_legal.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, setup_django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the evaluation questions")
    args, _ = parser.parse_known_args(argv)

    setup_django("legal")
    from django.conf import settings
    from django.test import Client

    from jiayuan.legal.answers import compose_answer
    from jiayuan.legal.corpus import get_corpus
    from jiayuan.legal.evaluation import load_eval, run_eval
    from jiayuan.legal.retrieval import BaselineIndex, LegalIndex
    from jiayuan.legal.services import laws_load
    from jiayuan.legal.topics import topic_data

    laws_load()
    settings.JIAYUAN_RATE_LIMITS = {"legal_chat": (10**9, 60), "legal_public": (10**9, 60)}
    corpus, topics = get_corpus(), topic_data()

    started = time.perf_counter()
    index = LegalIndex(corpus, topics)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    baseline = BaselineIndex(corpus)
    baseline_build_s = time.perf_counter() - started

    from jiayuan.legal import retrieval

    retrieval._index, retrieval._baseline = index, baseline  # the API and run_eval use these
    questions = load_eval("eval")
    quality = run_eval(questions)

    answer_ms, baseline_ms, api_ms = [], [], []
    client = Client()
    for _ in range(max(1, args.repeat)):
        for q in questions:
            t0 = time.perf_counter()
            compose_answer(q.question, index=index, llm=False)
            answer_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            baseline.search(q.question, k=10)
            baseline_ms.append((time.perf_counter() - t0) * 1000)
    for q in questions:
        t0 = time.perf_counter()
        response = client.post(
            "/api/legal/ask",
            data=json.dumps({"question": q.question}, ensure_ascii=False),
            content_type="application/json",
        )
        api_ms.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            print(f"API answered {response.status_code} for {q.question!r}", flush=True)
            return 1

    def line(label, values):
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{label:<44} p50 {p50:>8.2f} ms  p95 {p95:>8.2f} ms", flush=True)
        return p50, p95

    print(
        f"index build {build_s:.2f} s (baseline rank-bm25 {baseline_build_s:.2f} s); "
        f"{len(questions)} questions × {args.repeat}",
        flush=True,
    )
    a50, a95 = line("assistant answer (in-process, with DB)", answer_ms)
    line("assistant via POST /api/legal/ask (stack)", api_ms)
    b50, b95 = line("baseline rank-bm25 ranking", baseline_ms)
    print(f"ratio assistant/baseline: p50 {a50 / b50:.2f}x  p95 {a95 / b95:.2f}x", flush=True)
    qa, qb = quality.assistant, quality.baseline
    print(
        f"quality  assistant recall@1 {qa.recall1:.3f} recall@5 {qa.recall5:.3f} MRR {qa.mrr:.3f} | "
        f"baseline recall@1 {qb.recall1:.3f} recall@5 {qb.recall5:.3f} MRR {qb.mrr:.3f}",
        flush=True,
    )
    ok = a95 <= 50 and build_s <= 10
    print("targets (p95 ≤ 50 ms, index ≤ 10 s):", "met" if ok else "NOT met", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
