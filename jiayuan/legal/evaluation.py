"""Evaluation of the legal assistant's retrieval against the plain BM25 baseline (used by the
``legal_eval`` command and ``bench/bench_legal.py``).

A question is found at k when any of its expected articles is among the first k results; MRR uses the
rank of the first expected article (0 when not in the first 10).
"""

from __future__ import annotations

import math
import statistics
import time
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
    "round7": DATA_DIR / "eval_round7.yaml",  # seventh round, written before the third fusion round: never tuned on
}
# Sets that were written before the changes they measure and are never used for tuning.
FROZEN_SETS = ("holdout2", "round5", "verbatim", "round6", "round7")
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


# --- fitting the fusion constants --------------------------------------------------------------------

TUNING_SETS = ("eval", "holdout", "dev")
# The values each constant of the fusion may take (``retrieval.Fusion``); W_MAPPED stays 1.0 (the scale),
# PROTECT_RANK stays 5 (the rule: a direct word match is never pushed out of the first five).
FIT_GRID: dict[str, tuple[float, ...]] = {
    "words": (0.0, 0.1, 0.2, 0.4),
    "phrasings": (0.0, 0.1, 0.2, 0.3, 0.5),
    "phrasing_chars": (0.1, 0.2, 0.4, 0.6, 0.8, 1.2),
    "chars": (0.0, 0.1, 0.2),
    "topic": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8),
    "rrf_k": (1.0, 2.0, 3.0, 5.0, 10.0),
    "rerank_weight": (0.0, 0.1, 0.2, 0.3, 0.5),
    "rerank_expanded": (0.0, 0.15, 0.3, 0.5),
    "protect_coverage": (0.6, 0.7, 0.8, 1.01),  # 1.01: no protection
}
FIT_SWEEPS = 2
# How much better (objective per question) a setting must score on the tuning data to move a constant: with
# a bare improvement the fit follows single questions and loses on the held-out folds.
FIT_MARGIN = 0.006


@dataclass
class FitRow:
    evidence: object  # retrieval.Evidence
    expected: frozenset[int]  # positions of the expected articles among the evidence's candidates
    set_name: str


def fit_rows(index, names: tuple[str, ...] = TUNING_SETS) -> list[FitRow]:
    """Each tuning question's evidence (the expensive part, computed once); the fusion is then recomputed
    for every candidate setting of the constants."""
    rows = []
    for name in names:
        if name in FROZEN_SETS:
            raise ValueError(f"{name} is frozen: the fusion is never fitted on it")
        for q in load_eval(name):
            ev = index.evidence(q.question)
            wanted = {index.corpus.by_key[key].idx for key in q.expected}
            expected = frozenset(j for j, a in enumerate(ev.ids) if int(a) in wanted)
            rows.append(FitRow(ev, expected, name))
    return rows


def fused_rank(index, row: FitRow, fusion) -> int | None:
    """Rank (1-based, within DEPTH) of the first expected article under `fusion`."""
    from .retrieval import _ranks

    if not row.expected:
        return None
    fused = index.fuse(row.evidence, fusion)
    for pos, j in enumerate(_ranks(fused, DEPTH)):
        if int(j) in row.expected:
            return pos + 1
    return None


def _ranks_of(index, rows: list[FitRow], fusion) -> list[int | None]:
    return [fused_rank(index, row, fusion) for row in rows]


def _objective_of(rows: list[FitRow], ranks: list[int | None]) -> float:
    per_set: dict[str, list[float]] = {}
    for row, rank in zip(rows, ranks, strict=True):
        per_set.setdefault(row.set_name, []).append(1.0 / rank + (1.0 if rank <= 5 else 0.0) if rank else 0.0)
    if not per_set:
        return 0.0
    return sum(sum(s) / len(s) for s in per_set.values()) / len(per_set)


def _found_in_five(rows: list[FitRow], ranks: list[int | None]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row, rank in zip(rows, ranks, strict=True):
        found[row.set_name] = found.get(row.set_name, 0) + bool(rank and rank <= 5)
    return found


def fit_objective(index, rows: list[FitRow], fusion) -> float:
    """MRR plus hit@5 (both matter: the first answer, and a right article among those shown), averaged per
    set and then over the sets, so the small later sets count as much as the large first one."""
    return _objective_of(rows, _ranks_of(index, rows, fusion))


def _with(fusion, name: str, value: float):
    from dataclasses import replace

    if name in fusion.weights:
        return replace(fusion, weights={**fusion.weights, name: value})
    return replace(fusion, **{name: value})


def _value(fusion, name: str) -> float:
    return fusion.weights[name] if name in fusion.weights else getattr(fusion, name)


def fit_constants(index, rows: list[FitRow], start, sweeps: int = FIT_SWEEPS, margin: float = FIT_MARGIN):
    """Coordinate ascent over FIT_GRID from `start`: each constant in turn takes its best value with the
    others held, `sweeps` times over (a full grid of these nine constants would be millions of settings).

    A setting is taken only when it scores `margin` better than the one held, and only when the tuning data
    as a whole find no fewer questions' articles in the first five than with `start` (a right article among
    those shown matters most; a gain at rank 1 never pays for a net loss from the list)."""
    start_ranks = _ranks_of(index, rows, start)
    floor = sum(_found_in_five(rows, start_ranks).values())
    best, best_score = start, _objective_of(rows, start_ranks)
    for _ in range(sweeps):
        moved = False
        for name, values in FIT_GRID.items():
            for value in values:
                if value == _value(best, name):
                    continue
                candidate = _with(best, name, value)
                ranks = _ranks_of(index, rows, candidate)
                score = _objective_of(rows, ranks)
                if score <= best_score + margin:
                    continue
                if sum(_found_in_five(rows, ranks).values()) < floor:
                    continue
                best, best_score, moved = candidate, score, True
        if not moved:
            break
    return best, best_score


def _set_metrics(index, rows: list[FitRow], fusion) -> dict:
    out: dict[str, list[float]] = {}
    for row in rows:
        rank = fused_rank(index, row, fusion)
        m = out.setdefault(row.set_name, [0, 0.0, 0.0, 0.0])
        m[0] += 1
        m[1] += rank == 1
        m[2] += bool(rank and rank <= 5)
        m[3] += 1.0 / rank if rank else 0.0
    return {
        name: {"hit@1": round(h1 / n, 3), "hit@5": round(h5 / n, 3), "mrr": round(rr / n, 3)}
        for name, (n, h1, h5, rr) in out.items()
    }


def restatement_rows(index) -> list[FitRow]:
    """Restatements of articles outside the frozen near-verbatim set (its disjoint tuning sample)."""
    from .verbatim import build

    rows = []
    for item in build(index.corpus, tuning=True):
        ev = index.evidence(item["q"])
        wanted = {index.corpus.parse_ref(ref).idx for ref in item["expect"]}
        rows.append(FitRow(ev, frozenset(j for j, a in enumerate(ev.ids) if int(a) in wanted), "restatements"))
    return rows


def phrasing_rows(index, folds: int = 2, only: int | None = None) -> list[FitRow]:
    """The phrasing check as fitting rows: every `folds`-th phrasing of each article that has several is
    taken out of the index in turn (only fold `only` when given) and asked as a question (no evaluation set
    at all). The index's phrasings are restored afterwards."""
    from .retrieval import phrasings_from_data

    full = phrasings_from_data(index.corpus)
    rows = []
    try:
        for fold in range(folds) if only is None else (only,):
            kept = {
                idx: [line for j, line in enumerate(lines) if len(lines) < 2 or j % folds != fold]
                for idx, lines in full.items()
            }
            index.set_phrasings(kept)
            for idx, lines in full.items():
                if len(lines) < 2:
                    continue
                for line in lines[fold::folds]:
                    ev = index.evidence(line)
                    ev.fill_coverage(index)
                    expected = frozenset(j for j, a in enumerate(ev.ids) if int(a) == idx)
                    rows.append(FitRow(ev, expected, "phrasings"))
    finally:
        index.set_phrasings(full)
    return rows


def fit_fusion(folds: int = 4, *, phrasings: bool = True) -> dict:
    """Fit the fusion constants on the tuning data only (never a frozen set), with k-fold cross-validation.

    The tuning data are the tuning sets and, with `phrasings`, the phrasing check (each phrasing held out of
    the index and asked): the map was written from the first tuning set, so the phrasings are what tells a
    setting that generalises from one that suits the map. Each fold is scored with the constants fitted on
    the other folds, beside the current constants on the same fold, so the figure says whether fitting helps
    on questions it did not see. The constants fitted on all the tuning data are returned with their per-set
    figures and, as a check never fitted on, restatements of articles outside the frozen near-verbatim set."""
    from .retrieval import Fusion, get_index

    started, cpu = time.perf_counter(), time.process_time()
    index = get_index()
    # Half the phrasings held out (one fold of the phrasing check) keep the fitting quick.
    rows = fit_rows(index) + (phrasing_rows(index, only=0) if phrasings else [])
    current = Fusion.current()
    # Folds within each set, so every fold holds some of every set.
    fold_of = {}
    for name in dict.fromkeys(row.set_name for row in rows):
        for i, row in enumerate(r for r in rows if r.set_name == name):
            fold_of[id(row)] = i % folds
    cv_fitted, cv_current = [], []
    for f in range(folds):
        train = [row for row in rows if fold_of[id(row)] != f]
        test = [row for row in rows if fold_of[id(row)] == f]
        fitted, _ = fit_constants(index, train, current)
        cv_fitted.append(fit_objective(index, test, fitted))
        cv_current.append(fit_objective(index, test, current))
    fitted, score = fit_constants(index, rows, current)
    checks = restatement_rows(index)
    cv_gain = sum(cv_fitted) / folds - sum(cv_current) / folds
    return {
        "questions": len(rows),
        "current": current.as_dict(),
        "fitted": fitted.as_dict(),
        "objective_current": round(fit_objective(index, rows, current), 4),
        "objective_fitted": round(score, 4),
        "cv_objective_current": round(sum(cv_current) / folds, 4),
        "cv_objective_fitted": round(sum(cv_fitted) / folds, 4),
        "cv_folds_fitted_better": sum(a > b + 1e-9 for a, b in zip(cv_fitted, cv_current, strict=True)),
        "advice": "采用拟合常数" if cv_gain > FIT_MARGIN else "保留现用常数（拟合常数在留出折上没有明显更好）",
        "sets_current": _set_metrics(index, rows + checks, current),
        "sets_fitted": _set_metrics(index, rows + checks, fitted),
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
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
