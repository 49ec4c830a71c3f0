"""Ranking statute articles for an everyday question.

``LegalIndex``: BM25 over legal-dictionary jieba tokens of each article (its text, the headings above it and
the law's short name), with the question expanded by the everyday → legal map, a per-statute prior and a
lift for the articles of the topics the question is recognised as. Postings are numpy arrays with the BM25
weight precomputed, so a question costs one vector add per query term.

``BaselineIndex``: the plain comparison — rank-bm25 over plain jieba tokens of the article texts.

Both are built once per process (``get_index()`` / ``get_baseline()``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from .corpus import Corpus, CorpusArticle, get_corpus
from .parser import law_entries
from .text import query_terms, tokens
from .topics import Topic, TopicData, match_topics, topic_data

K1 = 1.2
B = 0.75  # length normalisation: the usual value (0.5 fitted the tuned set better but not the old holdout)
TOPIC_LIFT = 0.35  # share of the best BM25 score added to the articles of a recognised topic
CORE_LIFT = 1.2  # the topic's core articles get this much more of the lift
PATH_REPEAT = 1  # how many times the headings above an article count in its text


@dataclass
class Hit:
    article: CorpusArticle
    score: float


@dataclass
class SearchResult:
    hits: list[Hit]
    top_score: float  # best final score
    matched_weight: float  # share of the question's own (weighted) terms found in the best article
    topics: list[tuple[Topic, int]] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)

    @property
    def confidence(self) -> float:
        return confidence_from(self.top_score, self.matched_weight, bool(self.topics))


def confidence_from(top_score: float, matched: float, has_topic: bool) -> float:
    """Map raw scores to 0..1: strong BM25 evidence and coverage of the question's words."""
    if top_score <= 0:
        return 0.0
    strength = 1.0 - math.exp(-top_score / 12.0)
    conf = 0.55 * strength + 0.35 * matched + (0.1 if has_topic else 0.0)
    if matched == 0 and not has_topic:
        # Only words the map added were found: the statutes may not speak to this question at all.
        conf *= 0.75
    return round(max(0.0, min(1.0, conf)), 3)


class LegalIndex:
    def __init__(self, corpus: Corpus, topics: TopicData):
        started = time.perf_counter()
        self.corpus = corpus
        self.topics = topics
        n = len(corpus.articles)
        priors = np.ones(n, dtype=np.float64)
        entries = {e.slug: e for e in law_entries()}
        doc_tfs: list[Counter] = []
        lengths = np.zeros(n, dtype=np.float64)
        for art in corpus.articles:
            entry = entries[art.law_slug]
            priors[art.idx] = _prior(entry.prior, entry.part_priors, art.path)
            toks = tokens(art.text)
            for heading in art.path:
                toks.extend(tokens(heading) * PATH_REPEAT)
            toks.extend(tokens(art.law))
            tf = Counter(toks)
            doc_tfs.append(tf)
            lengths[art.idx] = len(toks)
        avgdl = float(lengths.mean()) if n else 1.0
        df: Counter = Counter()
        for tf in doc_tfs:
            df.update(tf.keys())
        ids: dict[str, list[int]] = defaultdict(list)
        vals: dict[str, list[float]] = defaultdict(list)
        norm = K1 * (1 - B + B * lengths / avgdl)
        for d, tf in enumerate(doc_tfs):
            for term, f in tf.items():
                ids[term].append(d)
                vals[term].append(f * (K1 + 1) / (f + norm[d]))
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, d_list in ids.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            self.postings[term] = (
                np.asarray(d_list, dtype=np.int32),
                np.asarray(vals[term], dtype=np.float64) * idf,
            )
        self.doc_terms = [frozenset(tf) for tf in doc_tfs]
        self.topic_arrays = {}
        for topic in topics.topics:
            idx = np.fromiter(sorted(topic.article_idx), dtype=np.int32)
            share = np.array([CORE_LIFT if i in topic.core_idx else 1.0 for i in idx], dtype=np.float64)
            self.topic_arrays[topic.slug] = (idx, share)
        self.priors = priors
        self.n = n
        self.build_seconds = time.perf_counter() - started

    def search(self, question: str, *, k: int = 5, expand: bool = True, use_topics: bool = True) -> SearchResult:
        terms = query_terms(question, expand=expand)
        scores = np.zeros(self.n, dtype=np.float64)
        for term, weight in terms.items():
            posting = self.postings.get(term)
            if posting is not None:
                scores[posting[0]] += weight * posting[1]
        scores *= self.priors
        best_bm25 = float(scores.max()) if self.n else 0.0
        topics = match_topics(question, self.topics) if use_topics else []
        topic_arrays = self.topic_arrays
        if topics and best_bm25 > 0:
            strongest = topics[0][1]
            for topic, strength in topics:
                lift = TOPIC_LIFT * best_bm25 * strength / strongest
                idx, share = topic_arrays[topic.slug]
                # Only articles that share a word with the question are lifted, so a topic with many
                # articles does not push unrelated ones up.
                mask = scores[idx] > 0
                scores[idx[mask]] += lift * share[mask]
        k = max(1, min(k, self.n))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = [Hit(self.corpus.articles[int(i)], float(scores[i])) for i in top if scores[i] > 0]
        # Coverage counts the question's own words only: words added by the map prove nothing about
        # whether the statutes speak to this question.
        own = set(tokens(question))
        matched = 0.0
        if hits and own:
            doc = self.doc_terms[hits[0].article.idx]
            matched = sum(1 for t in own if t in doc) / len(own)
        return SearchResult(
            hits=hits,
            top_score=float(scores[top[0]]) if len(top) else 0.0,
            matched_weight=matched,
            topics=topics,
            terms=terms,
        )


def _prior(base: float, part_priors: dict, path: tuple[str, ...]) -> float:
    for heading in reversed(path):  # the most specific heading first (节 before 章 before 编)
        for prefix, value in part_priors.items():
            if heading.startswith(prefix):
                return base * float(value)
    return base


class BaselineIndex:
    """rank-bm25 (Okapi) over plain jieba tokens of the article texts: the comparison point."""

    def __init__(self, corpus: Corpus):
        import jieba
        from rank_bm25 import BM25Okapi

        started = time.perf_counter()
        self.corpus = corpus
        self._cut = jieba.lcut
        self.bm25 = BM25Okapi([self._tokens(a.text) for a in corpus.articles])
        self.build_seconds = time.perf_counter() - started

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self._cut(text) if t.strip() and not _is_punct(t)]

    def search(self, question: str, *, k: int = 5) -> list[CorpusArticle]:
        scores = self.bm25.get_scores(self._tokens(question))
        top = np.argsort(-scores, kind="stable")[:k]
        return [self.corpus.articles[int(i)] for i in top if scores[i] > 0]


def _is_punct(token: str) -> bool:
    return all(not ch.isalnum() for ch in token)


_index: LegalIndex | None = None
_baseline: BaselineIndex | None = None
_lock = threading.Lock()


def get_index() -> LegalIndex:
    """The process-wide index, built on first use."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = LegalIndex(get_corpus(), topic_data())
    return _index


def get_baseline() -> BaselineIndex:
    global _baseline
    if _baseline is None:
        with _lock:
            if _baseline is None:
                _baseline = BaselineIndex(get_corpus())
    return _baseline
