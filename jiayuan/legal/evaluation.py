"""Evaluation of the legal assistant's retrieval against the plain BM25 baseline (used by the
``legal_eval`` command and ``bench/bench_legal.py``).

A question is found at k when any of its expected articles is among the first k results; MRR uses the
rank of the first expected article (0 when not in the first 10).
"""

from __future__ import annotations

import math
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .corpus import Corpus, get_corpus
from .parser import DATA_DIR

EVAL_FILES = {
    "eval": DATA_DIR / "eval_questions.yaml",
    "holdout": DATA_DIR / "eval_holdout.yaml",  # third round; tuning data since the November 2026 round
    "holdout2": DATA_DIR / "eval_holdout2.yaml",  # fourth round: never used for tuning
    "round5": DATA_DIR / "eval_round5.yaml",  # fifth round, 220+ questions over the whole domain: never tuned on
    "verbatim": DATA_DIR / "eval_verbatim.yaml",  # near-verbatim restatements, generated (verbatim.py)
    "dev": DATA_DIR / "eval_dev.yaml",  # development questions of the second fusion round: tuning data
    "round6": DATA_DIR / "eval_round6.yaml",  # sixth round, written before the second fusion round: never tuned on
}
# Sets that were written before the changes they measure and are never used for tuning.
FROZEN_SETS = ("holdout2", "round5", "verbatim", "round6")
DEPTH = 10


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    expected: tuple[tuple[str, int], ...]


def load_eval(name_or_path: str | Path = "eval", corpus: Corpus | None = None) -> list[EvalQuestion]:
    """The evaluation questions; raises KeyError when an expected article does not exist."""
    corpus = corpus or get_corpus()
    path = EVAL_FILES.get(str(name_or_path), Path(name_or_path))
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out = []
    for item in raw["questions"]:
        expected = tuple(corpus.parse_ref(ref).key for ref in item["expect"])
        out.append(EvalQuestion(question=str(item["q"]), expected=expected))
    return out


@dataclass
class Metrics:
    name: str
    n: int = 0
    hits1: int = 0
    hits5: int = 0
    rr_sum: float = 0.0
    times_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, list[str]]] = field(default_factory=list)
    invented: int = 0  # cited articles that do not exist in the statutes
    # CPU time per answer: on a shared machine the wall clock also counts other jobs' turns.
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, expected: set, ranked_keys: list, elapsed_ms: float, question: str) -> None:
        self.n += 1
        known = get_corpus().by_key
        self.invented += sum(1 for key in ranked_keys if key not in known)
        self.times_ms.append(elapsed_ms)
        rank = next((i + 1 for i, key in enumerate(ranked_keys[:DEPTH]) if key in expected), None)
        if rank == 1:
            self.hits1 += 1
        if rank is not None and rank <= 5:
            self.hits5 += 1
        else:
            self.misses.append((question, [f"{law}:{n}" for law, n in ranked_keys[:5]]))
        self.rr_sum += 1.0 / rank if rank else 0.0

    @property
    def recall1(self) -> float:
        return self.hits1 / self.n if self.n else 0.0

    @property
    def recall5(self) -> float:
        return self.hits5 / self.n if self.n else 0.0

    @property
    def mrr(self) -> float:
        return self.rr_sum / self.n if self.n else 0.0

    def percentile(self, p: float) -> float:
        if not self.times_ms:
            return 0.0
        ordered = sorted(self.times_ms)
        index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p95_cpu(self) -> float:
        if not self.cpu_ms:
            return 0.0
        ordered = sorted(self.cpu_ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]

    def as_dict(self) -> dict:
        return {
            "questions": self.n,
            "recall@1": round(self.recall1, 4),
            "recall@5": round(self.recall5, 4),
            "mrr": round(self.mrr, 4),
            "p50_ms": round(self.p50, 3),
            "p95_ms": round(self.p95, 3),
            "p95_cpu_ms": round(self.p95_cpu, 3),
            "invented": self.invented,
        }


@dataclass
class EvalReport:
    assistant: Metrics
    baseline: Metrics
    index_build_s: float
    baseline_build_s: float
    index_build_cpu_s: float = 0.0

    def as_dict(self) -> dict:
        return {
            "assistant": self.assistant.as_dict(),
            "baseline": self.baseline.as_dict(),
            "index_build_s": round(self.index_build_s, 3),
            "baseline_build_s": round(self.baseline_build_s, 3),
            "index_build_cpu_s": round(self.index_build_cpu_s, 3),
        }


def run_eval(questions: list[EvalQuestion], *, answer_path: bool = True) -> EvalReport:
    """Rank every question with the assistant and the baseline; times are per question.

    With ``answer_path`` the assistant's time is that of the whole answer (emergency check, ranking,
    topic, composition; no database, no LLM), not just the ranking.
    """
    from .answers import compose_answer
    from .retrieval import get_baseline, get_index

    t0 = time.perf_counter()
    index = get_index()
    index_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    baseline = get_baseline()
    baseline_build = time.perf_counter() - t0

    assistant = Metrics("assistant")
    plain = Metrics("baseline")
    for q in questions:
        expected = set(q.expected)
        started, cpu = time.perf_counter(), time.process_time()
        if answer_path:
            answer = compose_answer(q.question, index=index, db=False, llm=False, k=DEPTH)
            ranked = [c.key for c in answer.ranked]
        else:
            ranked = [h.article.key for h in index.search(q.question, k=DEPTH).hits]
        assistant.add(expected, ranked, (time.perf_counter() - started) * 1000, q.question)
        assistant.cpu_ms.append((time.process_time() - cpu) * 1000)
        started, cpu = time.perf_counter(), time.process_time()
        ranked = [a.key for a in baseline.search(q.question, k=DEPTH)]
        plain.add(expected, ranked, (time.perf_counter() - started) * 1000, q.question)
        plain.cpu_ms.append((time.process_time() - cpu) * 1000)
    return EvalReport(
        assistant=assistant,
        baseline=plain,
        index_build_s=index.build_seconds if index_build < 1e-3 else index_build,
        baseline_build_s=baseline.build_seconds if baseline_build < 1e-3 else baseline_build,
        index_build_cpu_s=index.build_cpu_seconds,
    )


def run_all(names: tuple[str, ...] | None = None) -> dict[str, EvalReport]:
    """Every evaluation set (or the named ones) in one run, each with the baseline."""
    return {name: run_eval(load_eval(name)) for name in (names or tuple(EVAL_FILES))}


# --- fitting the fusion weights --------------------------------------------------------------------

TUNING_SETS = ("eval", "holdout", "dev")
FIT_GRID = {
    "words": (0.0, 0.2, 0.4),
    "phrasings": (0.3, 0.6, 0.9),
    "chars": (0.0, 0.2, 0.4),
    "topic": (0.0, 0.2, 0.4),
    "rrf_k": (1.0, 2.0, 5.0),
}


def _fit_rows(index, questions: list[EvalQuestion]) -> list[tuple[dict, set, int | None]]:
    """Per question: each ranker's first articles (fixed by the data), the expected article indexes, and
    the strong lexical match; the fusion is then recomputed cheaply for every candidate weighting."""
    from .retrieval import FUSION_DEPTH, _ranks

    corpus = index.corpus
    rows = []
    for q in questions:
        r = index.rankers(q.question)
        orders = {
            name: [int(i) for i in _ranks(r[name], FUSION_DEPTH)] for name in ("mapped", *FIT_GRID) if name != "rrf_k"
        }
        expected = {corpus.by_key[key].idx for key in q.expected}
        rows.append((orders, expected, index.strong_match(q.question, r["chars"])))
    return rows


def _fused_rank(orders: dict, weights: dict, rrf_k: float, strong: int | None, expected: set) -> int | None:
    fused: dict[int, float] = defaultdict(float)
    for name, order in orders.items():
        w = weights.get(name, 0.0)
        if w <= 0:
            continue
        for pos, idx in enumerate(order):
            fused[idx] += w / (rrf_k + 1 + pos)
    if strong is not None:
        fused[strong] = max(fused.values(), default=0.0) + 1.0
    ranked = sorted(fused, key=lambda i: -fused[i])[:DEPTH]
    return next((pos + 1 for pos, idx in enumerate(ranked) if idx in expected), None)


def _objective(rows, weights: dict, rrf_k: float) -> float:
    """MRR plus hit@5 (both matter: the first answer, and a right article among those shown)."""
    total = 0.0
    for orders, expected, strong in rows:
        rank = _fused_rank(orders, weights, rrf_k, strong, expected)
        if rank:
            total += 1.0 / rank + (1.0 if rank <= 5 else 0.0)
    return total / max(1, len(rows))


def fit_fusion(folds: int = 5) -> dict:
    """Grid search of the fusion weights on the tuning sets only, with k-fold cross-validation.

    Returns the weights best on all tuning data, and the cross-validated objective (each fold scored with
    the weights chosen on the other folds), so over-fitting shows."""
    import itertools

    from .retrieval import get_index

    index = get_index()
    questions = [q for name in TUNING_SETS for q in load_eval(name)]
    rows = _fit_rows(index, questions)
    grid = [
        ({"mapped": 1.0, "words": w, "phrasings": p, "chars": c, "topic": t}, k)
        for w, p, c, t, k in itertools.product(
            FIT_GRID["words"], FIT_GRID["phrasings"], FIT_GRID["chars"], FIT_GRID["topic"], FIT_GRID["rrf_k"]
        )
    ]

    def best_on(subset):
        return max(grid, key=lambda wk: _objective(subset, wk[0], wk[1]))

    cv_scores = []
    for f in range(folds):
        train = [row for i, row in enumerate(rows) if i % folds != f]
        test = [row for i, row in enumerate(rows) if i % folds == f]
        weights, k = best_on(train)
        cv_scores.append(_objective(test, weights, k))
    weights, k = best_on(rows)
    return {
        "weights": weights,
        "rrf_k": k,
        "objective_all": round(_objective(rows, weights, k), 4),
        "objective_cv": round(sum(cv_scores) / len(cv_scores), 4),
        "questions": len(rows),
    }


def phrasing_cv(folds: int = 2) -> dict:
    """Held-out phrasings: each fold takes every `folds`-th phrasing of the articles that have several out
    of the index and asks it as a question. A check on generalisation that uses no evaluation set at all
    (the figures are comparable only between runs over the same phrasings)."""
    from .retrieval import LegalIndex, phrasings_from_data
    from .topics import topic_data

    corpus = get_corpus()
    index = LegalIndex(corpus, topic_data())
    full = phrasings_from_data(corpus)
    metrics = Metrics("phrasings")
    for fold in range(folds):
        kept: dict[int, list[str]] = {}
        held: list[tuple[str, int]] = []
        for idx, lines in full.items():
            if len(lines) < 2:
                kept[idx] = list(lines)
                continue
            kept[idx] = [line for j, line in enumerate(lines) if j % folds != fold]
            held.extend((line, idx) for j, line in enumerate(lines) if j % folds == fold)
        index.set_phrasings(kept)
        for line, idx in held:
            started = time.perf_counter()
            ranked = [h.article.key for h in index.search(line, k=DEPTH).hits]
            metrics.add({corpus.articles[idx].key}, ranked, (time.perf_counter() - started) * 1000, line)
    return metrics.as_dict()
