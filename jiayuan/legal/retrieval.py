"""Ranking statute articles for an everyday question: several rankers, fused.

``LegalIndex`` runs several rankers over every article and fuses them by weighted reciprocal rank (RRF):

- *mapped*: BM25 over legal-dictionary jieba tokens of each article (its text, the headings above it and the
  law's short name), with the question expanded by the everyday → legal map, a per-statute prior and a lift
  for the articles of the topics the question is recognised as (the ranker of the first rounds);
- *words*: the same BM25 over the article text with the question's own words only (no map, no topic);
- *phrasings*: BM25 over the article's everyday phrasings (``data/phrasings.yaml``, kept by reviewers);
- *phrasing_chars*: BM25 over character bigrams of those phrasings (a caller's words that jieba cuts
  differently from the phrasing's still meet);
- *chars*: BM25 over character bigrams of the article text, for words jieba splits badly and for questions
  that restate an article;
- *topic*: the articles of the topics the question is recognised as (``data/topics.yaml``), core ones first;
- *clauses*: the mapped BM25 over each sentence or list item of the articles on its own, an article scoring as
  its best clause (a specific rule beats a long article that spreads the question's words over other rules);
- *phrasing_best*: character-bigram BM25 over each everyday phrasing on its own, an article scoring as its
  nearest phrasing.

The rankers are combined by a *learned* linear score over features of each candidate (each ranker's reciprocal
rank and relative score, the share of the question's words the article, its text alone and its best clause hold,
the restatement and direct-match signals, the statute prior and part, the article's length and number of
phrasings) plus a fitted term per article: its weights are fitted offline by ``legal_eval --fit --write`` and
read from ``data/ranking_weights.json``; without that file, by weighted reciprocal rank (below).

The topic map only adds candidates: a *strong lexical match* (the question restates an article: most of its
character bigrams occur in it, and it leads the character ranker) is put first whatever the topics say.
A *direct word match* (the leader of BM25 over
the article text with the question's own words, holding most of them) keeps a place in the first five
whatever the priors and topics say. The fused first articles are reordered *specific over general*: an
article whose text and phrasings hold more of the question's rarer words (and of the legal terms the map
adds) moves up, since a general principle shares only the question's common words.
Postings are numpy arrays with the BM25 weight precomputed, so a question costs one vector add per query term.

``BaselineIndex``: the plain comparison — rank-bm25 over plain jieba tokens of the article texts.

Both are built once per process (``get_index()`` / ``get_baseline()``).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .corpus import Corpus, CorpusArticle, get_corpus
from .parser import law_entries
from .text import normalize, query_terms, tokens
from .topics import Topic, TopicData, match_topics, topic_data

# The words that frame a question, not its content.
_FRAME_RE = re.compile(
    r"法律(上)?是不是规定|法律(上)?规定|是不是规定|听说|请问|是这样吗|是不是这样|对吗|对不对|是吗|吗|呢|吧|"
    r"是不是|能不能|可不可以|有没有|我想问一下|我想问|想问一下|想问"
)
_RUN_RE = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
# An article's clauses: its sentences and the items of its lists (a clause rules one situation).
_CLAUSE_RE = re.compile(r"[。；;！？!?\n]")
K1 = 1.2
B = 0.75  # length normalisation: the usual value (0.5 fitted the tuned set better but not the old holdout)
TOPIC_LIFT = 0.35  # share of the best BM25 score added to the articles of a recognised topic
CORE_LIFT = 1.2  # the topic's core articles get this much more of the lift
PATH_REPEAT = 1  # how many times the headings above an article count in its text

# Fusion (weighted reciprocal rank), the reordering and the protection below. Chosen on the tuning sets (eval,
# holdout, dev) and on the phrasings held out of the index in turn (`legal_eval --phrasing-cv`), never on a
# frozen set. `legal_eval --fit` refits all of them with 5-fold cross-validation over the tuning sets (see
# evaluation.fit_fusion); change them only when the cross-validated figure of the fitted constants beats
# these on the held-out folds.
RRF_K = 2
FUSION_DEPTH = 40  # each ranker contributes its first 40 articles
# Fitted by `legal_eval --fit` (December 2026, after the phrasings of the protective laws were written): on the
# held-out folds of the tuning data it scored 1.568 against 1.546 for the earlier hand-chosen weights
# (words 0, chars 0, topic 0.2, phrasing_chars 0.4), better in 3 of 4 folds.
W_MAPPED = 1.0
W_WORDS = 0.2
W_PHRASINGS = 0.2
W_CHARS = 0.2
W_TOPIC = 0.3
W_PHRASING_CHARS = 0.8
# A strong lexical match: share of the question's character bigrams found in the article.
STRONG_COVERAGE = 0.55
# Specific over general: the fused first articles are reordered by how much of the question (its own words,
# weighted by rarity, and its expanded legal terms) each one's text and phrasings hold.
RERANK_DEPTH = 20
RERANK_WEIGHT = 0.2
RERANK_EXPANDED = 0.3
# A direct word match is never pushed out: the leader of the plain-words ranker (BM25 over the article text
# with the question's own words, no map, no prior, no topic) keeps at least this rank when the article holds
# this share of the question's rarity-weighted words.
PROTECT_RANK = 5
PROTECT_COVERAGE = 0.7
RANKERS = ("mapped", "words", "phrasings", "chars", "topic", "phrasing_chars", "clauses", "phrasing_best")

# The learned combination (third fusion round): a linear score over FEATURES of each candidate article, its
# weights fitted by `legal_eval --fit --write` (evaluation.fit_learned: a listwise logistic model with 5-fold
# cross-validation over the tuning sets and the phrasings held out of the index) and stored as data in
# WEIGHTS_FILE; nothing is trained when the index is built. Without the file the ranking falls back to the
# weighted reciprocal-rank fusion above (``Fusion.rrf()``). The protected direct word match and the
# restatement rule apply after either.
LEARNED_RR_K = 2  # rank features are 1 / (LEARNED_RR_K + 1 + position)
INTERACTING_RANKERS = ("mapped", "phrasings", "phrasing_chars", "words")
STATUTE_GROUPS = (
    "civil_general",  # 民法典 第一编 总则
    "civil_family",  # 民法典 第五编 婚姻家庭
    "civil_succession",  # 民法典 第六编 继承
    "civil_other",  # the rest of 民法典
    "family_interpretations",  # 婚姻家庭编解释（一）（二）, 继承编解释（一）
    "general_interpretation",  # 总则编解释
    "court_rules",  # 人身安全保护令规定, 彩礼纠纷规定
    "protective_laws",  # 反家庭暴力法, 妇女权益保障法, 未成年人保护法 and the other laws
)
FEATURES = (
    *(f"rank_{name}" for name in RANKERS),  # reciprocal rank within the ranker's first FUSION_DEPTH
    *(f"score_{name}" for name in RANKERS),  # the ranker's score over its best score for the question
    *(f"first_{name}" for name in ("mapped", "words", "phrasing_chars", "phrasings", "chars")),  # its leader
    "own_coverage",  # share of the question's own (rarity-weighted) words the article's text/phrasings hold
    "added_coverage",  # share of the legal terms the map adds that it holds
    "strong_match",  # the question restates this article
    "direct_match",  # the leader of the plain-words ranker, by the share of the question's words it holds
    "log_prior",  # the statute prior (laws.yaml)
    *(f"statute_{group}" for group in STATUTE_GROUPS),
    # A ranker's vote counts for more when the article also holds the question's own words.
    *(f"own_coverage_x_rank_{name}" for name in INTERACTING_RANKERS),
    "text_coverage",  # share of the question's own (rarity-weighted) words the article's text alone holds
    "clause_coverage",  # the same share held by the article's best single clause
    "log_length",  # how long the article is (log of its words): a general article is often a long one
    "log_phrasings",  # how many everyday phrasings it has (log of one more)
)
WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "ranking_weights.json"


def statute_group(article: CorpusArticle) -> int:
    """The index in STATUTE_GROUPS of the part of the statutes an article belongs to."""
    if article.law == "民法典":
        part = article.path[0] if article.path else ""
        for i, prefix in enumerate(("第一编", "第五编", "第六编")):
            if part.startswith(prefix):
                return i
        return 3
    if article.law in ("婚姻家庭编解释（一）", "婚姻家庭编解释（二）", "继承编解释（一）"):
        return 4
    if article.law == "总则编解释":
        return 5
    if article.law in ("人身安全保护令规定", "彩礼纠纷规定"):
        return 6
    return 7


def learned_weights(path: Path | None = None) -> tuple[float, ...] | None:
    """The fitted weights of FEATURES from the weights file (None when it is missing or names other
    features: the ranking then falls back to the reciprocal-rank fusion)."""
    path = path or WEIGHTS_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = data.get("weights", {})
    if tuple(weights) != FEATURES:
        return None
    return tuple(float(w) for w in weights.values())


def learned_bias(corpus: Corpus, path: Path | None = None) -> np.ndarray | None:
    """The fitted per-article term of the learned combination, over the corpus's articles (zero for the
    articles the file does not name; None without a file). It carries what the rankers' features do not: how
    often an article answers the callers' questions it is a candidate for, against its neighbours."""
    path = path or WEIGHTS_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    bias = np.zeros(len(corpus.articles), dtype=np.float64)
    for ref, value in data.get("article_bias", {}).items():
        law, _, number = ref.rpartition(":")
        article = corpus.get(law, int(number))
        if article is not None:  # an article no longer in the statutes is left out
            bias[article.idx] = float(value)
    return bias


_learned: tuple[tuple[float, ...] | None, np.ndarray | None] | None = None


def _current_learned() -> tuple[tuple[float, ...] | None, np.ndarray | None]:
    global _learned
    if _learned is None:
        weights = learned_weights()
        _learned = (weights, learned_bias(get_corpus()) if weights is not None else None)
    return _learned


@dataclass(frozen=True)
class Fusion:
    """The constants of the fused ranking. The product uses the module's (``Fusion.current()``); the fitting
    (``legal_eval --fit``) varies them over the tuning sets and reports the best."""

    weights: dict[str, float]
    rrf_k: float
    rerank_weight: float
    rerank_expanded: float
    protect_coverage: float
    protect_rank: int = PROTECT_RANK
    rerank_depth: int = RERANK_DEPTH
    learned: tuple[float, ...] | None = None  # weights of FEATURES: the learned combination replaces the RRF
    # The learned per-article term (over the corpus's articles), added to the learned score.
    bias: np.ndarray | None = field(default=None, compare=False, repr=False)

    @classmethod
    def current(cls) -> Fusion:
        """What the product ranks with: the learned combination when its weights file is there."""
        weights, bias = _current_learned()
        return replace(cls.rrf(), learned=weights, bias=bias)

    @classmethod
    def rrf(cls) -> Fusion:
        """The weighted reciprocal-rank fusion with the module's constants (no learned weights)."""
        return cls(
            weights={
                "mapped": W_MAPPED,
                "words": W_WORDS,
                "phrasings": W_PHRASINGS,
                "chars": W_CHARS,
                "topic": W_TOPIC,
                "phrasing_chars": W_PHRASING_CHARS,
            },
            rrf_k=RRF_K,
            rerank_weight=RERANK_WEIGHT,
            rerank_expanded=RERANK_EXPANDED,
            protect_coverage=PROTECT_COVERAGE,
            protect_rank=PROTECT_RANK,
            rerank_depth=RERANK_DEPTH,
        )

    def as_dict(self) -> dict:
        if self.learned is not None:
            learned = dict(zip(FEATURES, self.learned, strict=True))
            return {"learned": learned, "PROTECT_COVERAGE": self.protect_coverage}
        return {
            **{f"W_{name.upper()}": w for name, w in self.weights.items()},
            "RRF_K": self.rrf_k,
            "RERANK_WEIGHT": self.rerank_weight,
            "RERANK_EXPANDED": self.rerank_expanded,
            "PROTECT_COVERAGE": self.protect_coverage,
        }


@dataclass
class Evidence:
    """One question's evidence for the fusion, over its candidate articles ``ids`` (every article that some
    ranker puts in its first FUSION_DEPTH); positions, ``strong`` and ``lead`` index into ``ids``."""

    rankers: dict
    ids: np.ndarray
    positions: dict[str, np.ndarray]
    own: dict[str, float]
    added: dict[str, float]
    strong: int | None
    lead: int | None  # the direct word match: the leader of the plain-words ranker
    lead_coverage: float  # the share of the question's own (rarity-weighted) words its text holds
    own_cache: dict[int, float] = field(default_factory=dict)  # article → share of the own words it holds
    added_cache: dict[int, float] = field(default_factory=dict)  # article → share of the map's words it holds
    feature_cache: np.ndarray | None = None  # the candidates' FEATURES (LegalIndex.features)

    def own_coverage(self, index: LegalIndex, art: int) -> float:
        value = self.own_cache.get(art)
        if value is None:
            value = self.own_cache[art] = index.coverage(art, self.own)
        return value

    def added_coverage(self, index: LegalIndex, art: int) -> float:
        value = self.added_cache.get(art)
        if value is None:
            value = self.added_cache[art] = index.coverage(art, self.added) if self.added else 0.0
        return value

    def fill_coverage(self, index: LegalIndex) -> None:
        """Compute now what the fusion reads of each candidate (for evidence kept across a change of the
        index's phrasings, as the phrasing check does)."""
        for art in self.ids:
            self.own_coverage(index, int(art))
            self.added_coverage(index, int(art))
        index.features(self)


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


class Postings:
    """Each term's documents and BM25 weights, kept as two arrays sorted by term and sliced on lookup (a view
    per term looked up, not an array per term of the vocabulary built up front)."""

    __slots__ = ("_bounds", "_docs", "_vals", "_where")

    def __init__(self, where: dict[str, int], bounds: np.ndarray, docs: np.ndarray, vals: np.ndarray):
        self._where, self._bounds, self._docs, self._vals = where, bounds, docs, vals

    def get(self, term: str, default: tuple[np.ndarray, np.ndarray] | None = None):
        i = self._where.get(term)
        if i is None:
            return default
        start, end = self._bounds[i], self._bounds[i + 1]
        return self._docs[start:end], self._vals[start:end]

    def __contains__(self, term: object) -> bool:
        return term in self._where

    def __len__(self) -> int:
        return len(self._where)


EMPTY_POSTINGS = Postings({}, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0))


def _bm25_postings(doc_tfs: list[Counter], n: int) -> Postings:
    """Postings with the BM25 weight (idf × saturated tf, length-normalised) precomputed per document."""
    lengths = np.array([sum(tf.values()) for tf in doc_tfs], dtype=np.float64)
    nonempty = lengths[lengths > 0]
    avgdl = float(nonempty.mean()) if len(nonempty) else 1.0
    docs_with_text = max(1, int((lengths > 0).sum()))
    return _postings(doc_tfs, K1 * (1 - B + B * lengths / avgdl), docs_with_text)


def _postings(doc_tfs: list[Counter], norm: np.ndarray, docs: int) -> Postings:
    """Each term's documents and BM25 weights (``norm``: each document's length normalisation; ``docs``: the
    document count of the idf), built with array operations."""
    vocab: dict[str, int] = {}
    doc_ids: list[int] = []
    term_ids: list[int] = []
    freqs: list[int] = []
    for d, tf in enumerate(doc_tfs):
        for term, f in tf.items():
            term_ids.append(vocab.setdefault(term, len(vocab)))
            doc_ids.append(d)
            freqs.append(f)
    if not vocab:
        return EMPTY_POSTINGS
    d_arr = np.asarray(doc_ids, dtype=np.int32)
    t_arr = np.asarray(term_ids, dtype=np.int64)
    f_arr = np.asarray(freqs, dtype=np.float64)
    df = np.bincount(t_arr, minlength=len(vocab))
    idf = np.log(1 + (docs - df + 0.5) / (df + 0.5))
    vals = f_arr * (K1 + 1) / (f_arr + norm[d_arr]) * idf[t_arr]
    order = np.argsort(t_arr, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(df)])
    return Postings(vocab, bounds, d_arr[order], vals[order])


def char_bigrams(text: str) -> list[str]:
    """Character bigrams of the Chinese and alphanumeric runs of `text` (punctuation breaks a run)."""
    out: list[str] = []
    for run in _RUN_RE.findall(normalize(text)):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _ranks(scores: np.ndarray, depth: int) -> np.ndarray:
    """Indices of the first `depth` positive scores, best first."""
    positive = int((scores > 0).sum())
    if positive == 0:
        return np.zeros(0, dtype=np.int64)
    depth = min(depth, positive)
    top = np.argpartition(-scores, depth - 1)[:depth]
    return top[np.argsort(-scores[top], kind="stable")]


class LegalIndex:
    def __init__(self, corpus: Corpus, topics: TopicData, phrasings: dict[int, list[str]] | None = None):
        started, cpu = time.perf_counter(), time.process_time()
        self.corpus = corpus
        self.topics = topics
        n = len(corpus.articles)
        priors = np.ones(n, dtype=np.float64)
        entries = {e.slug: e for e in law_entries()}
        doc_tfs: list[Counter] = []
        lengths = np.zeros(n, dtype=np.float64)
        heading_tokens: dict[str, list[str]] = {}  # headings and law names repeat: tokenized once each
        clause_tfs: list[Counter] = []
        clause_article: list[int] = []
        for art in corpus.articles:
            entry = entries[art.law_slug]
            priors[art.idx] = _prior(entry.prior, entry.part_priors, art.path)
            # The text clause by clause (the tokenizer breaks at these marks anyway: the tokens are the same).
            toks = []
            for clause in _CLAUSE_RE.split(art.text):
                clause_toks = tokens(clause) if clause.strip() else []
                if clause_toks:
                    clause_tfs.append(Counter(clause_toks))
                    clause_article.append(art.idx)
                    toks.extend(clause_toks)
            for heading in (*art.path, art.law):
                if heading not in heading_tokens:
                    heading_tokens[heading] = tokens(heading)
                toks.extend(heading_tokens[heading] * (PATH_REPEAT if heading != art.law else 1))
            tf = Counter(toks)
            doc_tfs.append(tf)
            lengths[art.idx] = len(toks)
        avgdl = float(lengths.mean()) if n else 1.0
        self.postings = _postings(doc_tfs, K1 * (1 - B + B * lengths / avgdl), n)
        self.doc_terms = [frozenset(tf) for tf in doc_tfs]
        self.log_lengths = np.log1p(lengths)
        # BM25 over single clauses: an article scores as its best clause (a specific rule beats a long
        # article that spreads the question's words over unrelated sentences).
        self.clause_postings = _bm25_postings(clause_tfs, len(clause_tfs))
        self.clause_article = np.asarray(clause_article, dtype=np.int64)
        self.clause_terms = [frozenset(tf) for tf in clause_tfs]
        self.article_clauses: list[list[int]] = [[] for _ in range(n)]
        for c, a in enumerate(clause_article):
            self.article_clauses[a].append(c)
        self.topic_arrays = {}
        for topic in topics.topics:
            idx = np.fromiter(sorted(topic.article_idx), dtype=np.int32)
            share = np.array([CORE_LIFT if i in topic.core_idx else 1.0 for i in idx], dtype=np.float64)
            self.topic_arrays[topic.slug] = (idx, share)
        self.priors = priors
        self.log_priors = np.log(priors)
        self.groups = np.array([statute_group(a) for a in corpus.articles], dtype=np.int64)
        self.n = n
        # Character bigrams of the article texts.
        grams = [Counter(char_bigrams(a.text)) for a in corpus.articles]
        self.doc_bigrams = [frozenset(g) for g in grams]
        self.char_postings = _bm25_postings(grams, n)
        self.set_phrasings(phrasings if phrasings is not None else phrasings_from_data(corpus))
        self.build_seconds = time.perf_counter() - started
        self.build_cpu_seconds = time.process_time() - cpu

    def set_phrasings(self, phrasings: dict[int, list[str]]) -> None:
        """(Re)build the phrasings ranker: one document per article, all its everyday phrasings."""
        tfs: list[Counter[str]] = [Counter() for _ in range(self.n)]
        for idx, lines in phrasings.items():
            for line in lines:
                tfs[idx].update(tokens(line))
        self.phrasing_postings = _bm25_postings(tfs, self.n)
        # The same phrasings as character bigrams: a caller's words that jieba cuts differently from the
        # phrasing's still meet.
        # Each phrasing on its own too (character bigrams): an article scores as its nearest phrasing.
        grams: list[Counter[str]] = [Counter() for _ in range(self.n)]
        line_grams: list[Counter[str]] = []
        line_article: list[int] = []
        for idx, lines in phrasings.items():
            for line in lines:
                line_grams.append(Counter(char_bigrams(line)))
                line_article.append(idx)
                grams[idx].update(line_grams[-1])
        self.phrasing_char_postings = _bm25_postings(grams, self.n)
        self.line_postings = _bm25_postings(line_grams, len(line_grams)) if line_grams else EMPTY_POSTINGS
        self.line_article = np.asarray(line_article, dtype=np.int64)
        self.log_phrasing_counts = np.log1p(np.bincount(self.line_article, minlength=self.n).astype(np.float64))
        self.phrasing_terms = [frozenset(tf) for tf in tfs]
        self.phrasing_count = sum(len(v) for v in phrasings.values())
        # What each article "holds" (its text, headings and phrasings) and how rare each word is across them.
        self.held_terms = [d | p for d, p in zip(self.doc_terms, self.phrasing_terms, strict=True)]
        held_df: Counter = Counter()
        for held in self.held_terms:
            held_df.update(held)
        self.held_idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in held_df.items()}

    @staticmethod
    def _score(postings: Postings, terms: dict[str, float] | list[str], n: int) -> np.ndarray:
        scores = np.zeros(n, dtype=np.float64)
        items = terms.items() if isinstance(terms, dict) else Counter(terms).items()
        for term, weight in items:
            posting = postings.get(term)
            if posting is not None:
                scores[posting[0]] += weight * posting[1]
        return scores

    def _mapped(self, question: str, terms: dict[str, float], use_topics: bool):
        """The first-round ranker: mapped BM25 with statute priors and the topic lift."""
        scores = self._score(self.postings, terms, self.n)
        scores *= self.priors
        best_bm25 = float(scores.max()) if self.n else 0.0
        topics = match_topics(question, self.topics) if use_topics else []
        if topics and best_bm25 > 0:
            strongest = topics[0][1]
            for topic, strength in topics:
                lift = TOPIC_LIFT * best_bm25 * strength / strongest
                idx, share = self.topic_arrays[topic.slug]
                # Only articles that share a word with the question are lifted, so a topic with many
                # articles does not push unrelated ones up.
                mask = scores[idx] > 0
                scores[idx[mask]] += lift * share[mask]
        return scores, topics

    def rankers(self, question: str, *, expand: bool = True, use_topics: bool = True) -> dict:
        """Each ranker's scores over all articles (for the fusion, its tests and the fitting)."""
        terms = query_terms(question, expand=expand)
        own = query_terms(question, expand=False)
        mapped, topics = self._mapped(question, terms, use_topics)
        return {
            "terms": terms,
            "topics": topics,
            "mapped": mapped,
            "words": self._score(self.postings, own, self.n),
            "phrasings": self._score(self.phrasing_postings, own, self.n),
            "chars": self._score(self.char_postings, char_bigrams(question), self.n),
            "phrasing_chars": self._score(self.phrasing_char_postings, char_bigrams(question), self.n),
            "topic": self._topic_scores(topics, mapped),
            "clauses": self._best_of(self.clause_postings, self.clause_article, terms),
            "phrasing_best": self._best_of(self.line_postings, self.line_article, char_bigrams(question)),
        }

    def _best_of(self, postings: Postings, owner: np.ndarray, terms: dict[str, float] | list[str]) -> np.ndarray:
        """BM25 over the parts of the articles (clauses, single phrasings): each article's best part."""
        scores = np.zeros(self.n, dtype=np.float64)
        if len(owner):
            np.maximum.at(scores, owner, self._score(postings, terms, len(owner)))
        return scores

    def _topic_scores(self, topics: list, mapped: np.ndarray) -> np.ndarray:
        """The topic ranker: the articles of the recognised topics (core ones first, stronger topics first),
        ties broken by the mapped score. It can bring in articles no word of the question reaches."""
        scores = np.zeros(self.n, dtype=np.float64)
        if not topics:
            return scores
        strongest = topics[0][1]
        top = float(mapped.max()) or 1.0
        for topic, strength in topics:
            idx, share = self.topic_arrays[topic.slug]
            value = (strength / strongest) * np.where(share > 1.0, 2.0, 1.0) + 0.5 * mapped[idx] / top
            scores[idx] = np.maximum(scores[idx], value)
        return scores

    def evidence(self, question: str, *, expand: bool = True, use_topics: bool = True) -> Evidence:
        """What the fusion works from, fixed by the question and the data: each ranker's first articles,
        the question's own and expanded terms, the strong lexical match and the direct word match."""
        r = self.rankers(question, expand=expand, use_topics=use_topics)
        orders = {name: _ranks(r[name], FUSION_DEPTH) for name in RANKERS}
        ids = np.unique(np.concatenate(list(orders.values()))) if self.n else np.zeros(0, dtype=np.int64)
        where = {int(a): j for j, a in enumerate(ids)}
        own = query_terms(question, expand=False)
        added = {t: w for t, w in r["terms"].items() if t not in own}
        lead, lead_coverage = None, 0.0
        if r["words"].any():
            lead = int(np.argmax(r["words"]))
            lead_coverage = self.coverage_in(self.doc_terms[lead], own)
        strong = self.strong_match(question, r["chars"])
        return Evidence(
            rankers=r,
            ids=ids,
            positions={name: np.asarray([where[int(a)] for a in o], dtype=np.int64) for name, o in orders.items()},
            own=own,
            added=added,
            strong=None if strong is None else where.get(strong),
            lead=None if lead is None else where.get(lead),
            lead_coverage=lead_coverage,
        )

    def features(self, ev: Evidence) -> np.ndarray:
        """FEATURES of every candidate article (rows in the order of ``ev.ids``), computed once per evidence."""
        if ev.feature_cache is not None:
            return ev.feature_cache
        ids = ev.ids
        m = len(ids)
        out = np.zeros((m, len(FEATURES)), dtype=np.float64)
        col = 0
        for name in RANKERS:
            pos = ev.positions[name]
            out[pos, col] = 1.0 / (LEARNED_RR_K + 1 + np.arange(len(pos)))
            col += 1
        for name in RANKERS:
            full = ev.rankers[name]
            best = float(full.max()) if len(full) else 0.0
            if best > 0:
                out[:, col] = full[ids] / best
            col += 1
        for name in ("mapped", "words", "phrasing_chars", "phrasings", "chars"):
            pos = ev.positions[name]
            if len(pos):
                out[pos[0], col] = 1.0
            col += 1
        out[:, col] = [ev.own_coverage(self, int(a)) for a in ids]
        out[:, col + 1] = [ev.added_coverage(self, int(a)) for a in ids]
        if ev.strong is not None:
            out[ev.strong, col + 2] = 1.0
        if ev.lead is not None:
            out[ev.lead, col + 3] = ev.lead_coverage
        own_col = col
        out[:, col + 4] = self.log_priors[ids]
        col += 5
        out[np.arange(m), col + self.groups[ids]] = 1.0
        col += len(STATUTE_GROUPS)
        for name in INTERACTING_RANKERS:
            out[:, col] = out[:, own_col] * out[:, RANKERS.index(name)]
            col += 1
        out[:, col] = [self.coverage_in(self.doc_terms[int(a)], ev.own) for a in ids]
        out[:, col + 1] = [
            max((self.coverage_in(self.clause_terms[c], ev.own) for c in self.article_clauses[int(a)]), default=0.0)
            for a in ids
        ]
        out[:, col + 2] = self.log_lengths[ids]
        out[:, col + 3] = self.log_phrasing_counts[ids]
        ev.feature_cache = out
        return out

    def fuse(self, ev: Evidence, fusion: Fusion | None = None) -> np.ndarray:
        """The final scores of the candidate articles (``ev.ids``): the learned combination of the rankers'
        features (or, without fitted weights, weighted reciprocal-rank fusion and then specific over
        general), then the direct word match kept in the first five, then the restated article first. The
        product and the fitting (``evaluation.fit_learned``) both rank through here."""
        fusion = fusion or Fusion.current()
        if fusion.learned is not None:
            fused = self._learned_scores(ev, fusion.learned, fusion.bias)
        else:
            fused = np.zeros(len(ev.ids), dtype=np.float64)
            for name, weight in fusion.weights.items():
                if weight <= 0:
                    continue
                pos = ev.positions[name]
                fused[pos] += weight / (fusion.rrf_k + 1 + np.arange(len(pos)))
            if (fusion.rerank_weight > 0 or fusion.rerank_expanded > 0) and fused.any():
                self._rerank(fused, ev, fusion)
        if fusion.protect_rank and ev.lead is not None and ev.lead_coverage >= fusion.protect_coverage:
            order = _ranks(fused, fusion.protect_rank)
            if ev.lead not in order:
                floor = float(fused[order[-1]]) if len(order) == fusion.protect_rank else 0.0
                fused[ev.lead] = max(floor * (1 + 1e-6), 1e-9)
        if ev.strong is not None:
            fused[ev.strong] = fused.max() + 1.0  # a restatement of an article comes first, whatever the topics
        return fused

    def _learned_scores(self, ev: Evidence, weights: tuple[float, ...], bias: np.ndarray | None) -> np.ndarray:
        """The linear score of each candidate, made positive and order-preserving (every candidate ranks)."""
        if not len(ev.ids):
            return np.zeros(0, dtype=np.float64)
        linear = self.features(ev) @ np.asarray(weights, dtype=np.float64)
        if bias is not None:
            linear = linear + bias[ev.ids]
        return np.exp(np.maximum(linear - linear.max(), -700.0))

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        expand: bool = True,
        use_topics: bool = True,
        weights: dict[str, float] | None = None,
        rrf_k: float | None = None,
    ) -> SearchResult:
        ev = self.evidence(question, expand=expand, use_topics=use_topics)
        fusion = Fusion.current()
        if weights is not None or rrf_k is not None:
            fusion = replace(
                Fusion.rrf(),
                weights=weights if weights is not None else fusion.weights,
                rrf_k=fusion.rrf_k if rrf_k is None else rrf_k,
            )
        fused = self.fuse(ev, fusion)
        r = ev.rankers
        k = max(1, min(k, self.n))
        top = _ranks(fused, k)
        hits = [Hit(self.corpus.articles[int(ev.ids[i])], float(fused[i])) for i in top]
        # Confidence rests on the evidence of the first article: its mapped BM25 score and how many of the
        # question's own words it (or its everyday phrasings) contains. Words added by the map prove
        # nothing about whether the statutes speak to this question.
        own = set(tokens(question))
        matched = 0.0
        top_score = 0.0
        if hits:
            first = hits[0].article.idx
            top_score = float(max(r["mapped"][first], r["phrasings"][first] * 0.8))
            if own:
                doc = self.doc_terms[first] | self.phrasing_terms[first]
                matched = sum(1 for t in own if t in doc) / len(own)
        return SearchResult(
            hits=hits,
            top_score=top_score,
            matched_weight=matched,
            topics=r["topics"],
            terms=r["terms"],
        )

    def coverage(self, idx: int, terms: dict[str, float]) -> float:
        """Share of the (rarity-weighted) terms that the article's text, headings or phrasings hold."""
        return self.coverage_in(self.held_terms[idx], terms)

    def coverage_in(self, doc: frozenset[str], terms: dict[str, float]) -> float:
        total = held = 0.0
        for term, weight in terms.items():
            value = weight * self.held_idf.get(term, 0.0)
            total += value
            if term in doc:
                held += value
        return held / total if total else 0.0

    def _rerank(self, fused: np.ndarray, ev: Evidence | None, fusion: Fusion | None = None, **terms) -> None:
        """Specific over general: among the first fused articles, the one that holds more of the question's
        rarer words moves up (a general principle shares only the question's common words). Positions in
        ``fused`` are ``ev.ids``; without evidence (``own=``, ``added=`` given instead) they are articles."""
        fusion = fusion or Fusion.current()
        if ev is None:
            own = terms["own"]
            ev = Evidence(
                rankers={},
                ids=np.arange(len(fused)),
                positions={},
                own=own,
                added={t: w for t, w in terms["added"].items() if t not in own},
                strong=None,
                lead=None,
                lead_coverage=0.0,
            )
        top = _ranks(fused, fusion.rerank_depth)
        best = float(fused[top[0]])
        for i in top:
            art = int(ev.ids[i])
            fused[i] = (
                fused[i] / best
                + fusion.rerank_weight * ev.own_coverage(self, art)
                + (fusion.rerank_expanded * ev.added_coverage(self, art) if fusion.rerank_expanded else 0.0)
            )

    def strong_match(
        self, question: str, char_scores: np.ndarray | None = None, threshold: float | None = None
    ) -> int | None:
        """The article the question restates: the character ranker's first, holding most of the bigrams of
        the question once its question frame ("听说……对吗", "法律是不是规定……") is set aside."""
        grams = set(char_bigrams(_FRAME_RE.sub("，", normalize(question))))
        if len(grams) < 6:
            return None
        if char_scores is None:
            char_scores = self._score(self.char_postings, char_bigrams(question), self.n)
        if not char_scores.any():
            return None
        best = int(np.argmax(char_scores))
        coverage = len(grams & self.doc_bigrams[best]) / len(grams)
        return best if coverage >= (STRONG_COVERAGE if threshold is None else threshold) else None


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


def phrasings_from_data(corpus: Corpus | None = None) -> dict[int, list[str]]:
    """The seed phrasings of ``data/phrasings.yaml`` by article index."""
    from .phrasings import seed_phrasings

    corpus = corpus or get_corpus()
    out: dict[int, list[str]] = defaultdict(list)
    for ref, lines in seed_phrasings().items():
        out[corpus.parse_ref(ref).idx].extend(lines)
    return dict(out)


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
