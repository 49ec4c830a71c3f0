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
    "round5": DATA_DIR / "eval_round5.yaml",  # fifth round, 261 questions: tuning data since the third fusion round
    "verbatim": DATA_DIR / "eval_verbatim.yaml",  # near-verbatim restatements, generated (verbatim.py)
    "dev": DATA_DIR / "eval_dev.yaml",  # development questions of the second fusion round: tuning data
    "round6": DATA_DIR / "eval_round6.yaml",  # sixth round, 59 questions: tuning data since the third fusion round
    "round7": DATA_DIR / "eval_round7.yaml",  # seventh round, 331 questions: tuning data since the fourth fusion round
    "round8": DATA_DIR / "eval_round8.yaml",  # eighth round, 442 questions: tuning data since the fifth fusion round
    "round9": DATA_DIR / "eval_round9.yaml",  # ninth round, written before the fifth ranking round's results: frozen
}
# Sets that were written before the changes they measure and are never used for tuning.
# round5 and round6 were frozen until their figures were reported (third fusion round), round7 until the fourth
# fusion round, round8 until the fifth; they are tuning data now.
FROZEN_SETS = ("holdout2", "verbatim", "round9")
DEPTH = 10


def measured_sets(*, frozen: bool = False) -> tuple[str, ...]:
    """The sets a whole run measures: the tuning sets, and the frozen ones only when a round is reported."""
    return tuple(name for name in EVAL_FILES if frozen or name not in FROZEN_SETS)


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


# --- fitting the learned combination of the rankers ----------------------------------------------------

# The tuning data: every set that is not frozen, and the phrasings, each held out of the index in turn and asked
# (training questions that come from no evaluation set).
TUNING_SETS = ("eval", "holdout", "dev", "round5", "round6", "round7", "round8")
FIT_FOLDS = 5
# The rounds each written at once by someone who was not tuning: `fit_learned` also holds each out whole.
ROUND_SETS = ("round5", "round7", "round8")
FIT_L2 = 1e-2  # ridge on the standardised weights
FIT_BIAS_L2 = 5e-3  # ridge on the per-article terms (they move only as far as many questions agree)
FIT_ITERATIONS = 400
FIT_RATE = 0.05
FIT_DECIMALS = 6  # the weights file keeps this many decimals
# Each set weighs the same in total, except the first evaluation set (302 hotline questions over every statute),
# which weighs four, and the held-out phrasings (short FAQ lines, not callers' accounts), which weigh half. With
# the eighth round among the tuning sets (fifth fusion round), four rather than three keeps the hotline questions
# at their earlier hit@5 (301 of 302 in the first five, against 300) and holds the eighth round out whole no worse.
FIT_SET_WEIGHTS = {"eval": 4.0, "phrasings": 0.5}


@dataclass
class FitRow:
    evidence: object  # retrieval.Evidence (its features computed; the rankers' full scores dropped)
    expected: frozenset[int]  # positions of the expected articles among the evidence's candidates
    set_name: str
    group: int = 0  # rows of one group share a cross-validation fold (a phrasing row: its article)


def _settle(index, ev) -> None:
    """Compute what the fusion reads of the evidence and drop the rest (the rankers' scores over every
    article), so thousands of rows fit in memory."""
    ev.fill_coverage(index)
    ev.rankers = {}


def fit_rows(index, names: tuple[str, ...] = TUNING_SETS) -> list[FitRow]:
    """Each tuning question's evidence (the expensive part, computed once); the fusion is then recomputed
    for every candidate setting."""
    rows = []
    for name in names:
        if name in FROZEN_SETS:
            raise ValueError(f"{name} is frozen: the ranking is never fitted on it")
        for i, q in enumerate(load_eval(name)):
            ev = index.evidence(q.question)
            _settle(index, ev)
            wanted = {index.corpus.by_key[key].idx for key in q.expected}
            expected = frozenset(j for j, a in enumerate(ev.ids) if int(a) in wanted)
            rows.append(FitRow(ev, expected, name, group=i))
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


def _set_metrics(index, rows: list[FitRow], fusion) -> dict:
    return _metrics_of(rows, [fused_rank(index, row, fusion) for row in rows])


def _metrics_of(rows: list[FitRow], ranks: list[int | None]) -> dict:
    out: dict[str, list[float]] = {}
    for row, rank in zip(rows, ranks, strict=True):
        m = out.setdefault(row.set_name, [0, 0.0, 0.0, 0.0])
        m[0] += 1
        m[1] += rank == 1
        m[2] += bool(rank and rank <= 5)
        m[3] += 1.0 / rank if rank else 0.0
    return {
        name: {"n": n, "hit@1": round(h1 / n, 3), "hit@5": round(h5 / n, 3), "mrr": round(rr / n, 3)}
        for name, (n, h1, h5, rr) in out.items()
    }


def restatement_rows(index) -> list[FitRow]:
    """Restatements of articles outside the frozen near-verbatim set (its disjoint tuning sample)."""
    from .verbatim import build

    rows = []
    for item in build(index.corpus, tuning=True):
        ev = index.evidence(item["q"])
        _settle(index, ev)
        wanted = {index.corpus.parse_ref(ref).idx for ref in item["expect"]}
        rows.append(FitRow(ev, frozenset(j for j, a in enumerate(ev.ids) if int(a) in wanted), "restatements"))
    return rows


def phrasing_rows(index, folds: int = 2, only: int | None = None) -> list[FitRow]:
    """The phrasing check as fitting rows: every `folds`-th phrasing of each article that has several is
    taken out of the index in turn (only fold `only` when given) and asked as a question, its own article
    the answer (no evaluation set at all). The index's phrasings are restored afterwards."""
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
                    _settle(index, ev)
                    expected = frozenset(j for j, a in enumerate(ev.ids) if int(a) == idx)
                    rows.append(FitRow(ev, expected, "phrasings", group=idx))
    finally:
        index.set_phrasings(full)
    return rows


def learn_weights(
    index,
    rows: list[FitRow],
    *,
    l2: float = FIT_L2,
    bias_l2: float = FIT_BIAS_L2,
    iterations: int = FIT_ITERATIONS,
    rate: float = FIT_RATE,
):
    """The weights of retrieval.FEATURES that best rank each row's expected articles first, and a term per
    article: a listwise logistic model (softmax over the question's candidates, the expected ones the target),
    every set weighing the same in total (FIT_SET_WEIGHTS apart), standardised features with a small ridge,
    the per-article terms with their own ridge, full-batch Adam from zero (deterministic: the same rows give
    the same weights). Returns (the weights of FEATURES, the per-article terms over the index's articles)."""
    import numpy as np

    used = [row for row in rows if row.expected]
    sizes: dict[str, int] = {}
    for row in used:
        sizes[row.set_name] = sizes.get(row.set_name, 0) + 1
    feats = [index.features(row.evidence) for row in used]
    lengths = np.array([len(f) for f in feats])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    segment = np.repeat(np.arange(len(used)), lengths)
    x = np.concatenate(feats)
    articles = np.concatenate([row.evidence.ids for row in used]).astype(np.int64)  # type: ignore[attr-defined]
    gold = np.zeros(len(x), dtype=bool)
    for start, row in zip(starts, used, strict=True):
        gold[start + np.fromiter(row.expected, dtype=np.int64)] = True
    share = {name: FIT_SET_WEIGHTS.get(name, 1.0) for name in sizes}
    total = sum(share.values())
    row_weight = np.array([share[row.set_name] / (sizes[row.set_name] * total) for row in used])[segment]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    xn = (x - mean) / scale
    k = x.shape[1]
    params = np.zeros(k + index.n)  # the weights, then the per-article terms
    m1, m2 = np.zeros_like(params), np.zeros_like(params)
    for t in range(1, iterations + 1):
        w, bias = params[:k], params[k:]
        s = xn @ w + bias[articles]
        e = np.exp(s - np.maximum.reduceat(s, starts)[segment])
        p = e / np.add.reduceat(e, starts)[segment]
        eg = e * gold
        pg = eg / np.add.reduceat(eg, starts)[segment]
        d = row_weight * (p - pg)
        grad = np.concatenate([d @ xn + l2 * w, np.bincount(articles, weights=d, minlength=index.n) + bias_l2 * bias])
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad**2
        params -= rate * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-8)
    weights = tuple(round(float(v), FIT_DECIMALS) for v in params[:k] / scale)
    return weights, np.round(params[k:], FIT_DECIMALS)


def _folds_of(rows: list[FitRow], folds: int) -> list[int]:
    """A fold per row: within every set in turn, so each fold holds some of every set; a group (a
    phrasing's article) stays in one fold."""
    out = []
    seen: dict[tuple[str, int], int] = {}
    count: dict[str, int] = {}
    for row in rows:
        key = (row.set_name, row.group)
        if key not in seen:
            seen[key] = count.get(row.set_name, 0) % folds
            count[row.set_name] = count.get(row.set_name, 0) + 1
        out.append(seen[key])
    return out


def fit_learned(folds: int = FIT_FOLDS, *, write: bool = False) -> dict:
    """Fit the learned combination on the tuning data only (never a frozen set), with k-fold
    cross-validation, and report it per set beside the weights in use and the reciprocal-rank fusion.

    Each held-out fold is ranked with weights fitted on the other folds, so the figures say how the method
    does on questions it did not see; each of ROUND_SETS is also held out whole (the harder, more honest
    figure for a round by a new writer). The weights fitted on all the tuning data are returned (and, with
    `write`, stored in the weights file the product reads), with their in-sample figures and, as a check never
    fitted on, restatements of articles outside the frozen near-verbatim set."""
    from dataclasses import replace

    from .retrieval import FEATURES, WEIGHTS_FILE, Fusion, get_index

    started, cpu = time.perf_counter(), time.process_time()
    index = get_index()
    rows = fit_rows(index) + phrasing_rows(index)
    current, rrf = Fusion.current(), Fusion.rrf()
    fold_of = _folds_of(rows, folds)
    cv_ranks: list[int | None] = [None] * len(rows)
    for f in range(folds):
        weights, bias = learn_weights(index, [row for row, k in zip(rows, fold_of, strict=True) if k != f])
        fitted = replace(rrf, learned=weights, bias=bias)
        for i, row in enumerate(rows):
            if fold_of[i] == f:
                cv_ranks[i] = fused_rank(index, row, fitted)
    # Whole rounds held out: each round written at once by one writer is ranked with weights fitted on every
    # other set. Folds mix a round's questions, so they share its writer's habits with the training rows; a
    # round held out whole is what a new round by someone else looks like (the eighth round, frozen until the
    # fifth fusion round, came out at the figure this gives, well below the folds').
    held_rounds = {}
    for name in ROUND_SETS:
        weights, bias = learn_weights(index, [row for row in rows if row.set_name != name])
        held = [row for row in rows if row.set_name == name]
        held_rounds.update(_set_metrics(index, held, replace(rrf, learned=weights, bias=bias)))
    weights, bias = learn_weights(index, rows)
    fitted = replace(rrf, learned=weights, bias=bias)
    checks = restatement_rows(index)
    report = {
        "questions": len(rows),
        "folds": folds,
        "weights": dict(zip(FEATURES, weights, strict=True)),
        "article_bias": article_bias(index, bias),
        "cv_fitted": _metrics_of(rows, cv_ranks),
        "held_out_rounds": held_rounds,
        "in_sample_fitted": _set_metrics(index, rows + checks, fitted),
        "current": _set_metrics(index, rows + checks, current),
        "rrf": _set_metrics(index, rows + checks, rrf),
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
    }
    if write:
        write_weights(weights, report, WEIGHTS_FILE)
    return report


def article_bias(index, bias) -> dict[str, float]:
    """The per-article terms by citation ("民法典:1128"), the articles the fit left at zero left out."""
    return {
        f"{art.law}:{art.number}": float(value)
        for art, value in zip(index.corpus.articles, bias, strict=True)
        if abs(value) >= 10**-FIT_DECIMALS
    }


def write_weights(weights: tuple[float, ...], report: dict, path: Path) -> None:
    import json

    from .retrieval import FEATURES

    data = {
        "about": (
            "Weights of the learned combination of the legal assistant's rankers (retrieval.FEATURES) and its "
            "per-article terms, written by `manage.py legal_eval --fit --write` from the tuning sets and the "
            "held-out phrasings; never edit by hand."
        ),
        "fitted_on": {name: m["n"] for name, m in report["in_sample_fitted"].items() if name != "restatements"},
        "cross_validated": report["cv_fitted"],
        "held_out_rounds": report["held_out_rounds"],
        "weights": dict(zip(FEATURES, weights, strict=True)),
        "article_bias": report["article_bias"],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


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
