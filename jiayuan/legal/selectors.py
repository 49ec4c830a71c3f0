"""Reads of the legal assistant: the law pages, search, reviewer data (guides, curated answers), the
review queue and the call-back tickets.

The statutes are public; guides, curated answers, questions and tickets are read by staff holding
``legal.staff`` / ``legal.curate`` (both granted at scope 全部, so there is no division filter to apply).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound

from .corpus import get_corpus
from .models import (
    Article,
    ArticlePhrasing,
    AskedQuestion,
    CallbackTicket,
    CuratedAnswer,
    Law,
    ReviewStatus,
    TopicGuide,
)

CURATED_MIN_SIMILARITY = 0.62


# --- statutes -------------------------------------------------------------------------------------


def law_list() -> QuerySet[Law]:
    return Law.objects.all()


def law_get(slug: str) -> Law:
    law = Law.objects.filter(slug=slug).first()
    if law is None:
        raise NotFound("未找到该法律")
    return law


def article_list(law: Law) -> QuerySet[Article]:
    return law.articles.order_by("number")


def article_get(slug: str, number: int) -> Article:
    article = Article.objects.select_related("law").filter(law__slug=slug, number=number).first()
    if article is None:
        raise NotFound("未找到该条文")
    return article


def article_neighbours(article: Article) -> tuple[int | None, int | None]:
    prev_n = article.number - 1 if article.number > 1 else None
    next_n = article.number + 1 if article.number < article.law.article_count else None
    return prev_n, next_n


def article_search(query: str, *, limit: int = 20) -> list[Article]:
    """Articles for a search box: the assistant's ranking, returned as DB rows in rank order."""
    from .retrieval import get_index

    query = (query or "").strip()
    if not query:
        return []
    hits = get_index().search(query, k=limit).hits
    keys = [(h.article.law_slug, h.article.number) for h in hits]
    rows = {
        (a.law.slug, a.number): a
        for a in Article.objects.select_related("law").filter(
            law__slug__in={s for s, _ in keys}, number__in={n for _, n in keys}
        )
    }
    return [rows[k] for k in keys if k in rows]


# --- topic guides -----------------------------------------------------------------------------------


def topic_guide_list() -> QuerySet[TopicGuide]:
    return TopicGuide.objects.select_related("updated_by").order_by("id")


def topic_guide_get(slug: str) -> TopicGuide:
    guide = TopicGuide.objects.filter(slug=slug).first()
    if guide is None:
        raise NotFound("未找到该主题")
    return guide


_cache_lock = threading.Lock()
_guide_cache: dict = {"stamp": None, "map": {}}


def topic_guide_map() -> dict:
    """Active guides by slug as ``answers.Guide``; reloaded when a guide changes (one aggregate query)."""
    from .answers import Guide

    latest = TopicGuide.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    stamp = (latest["n"], latest["at"])
    if _guide_cache["stamp"] != stamp:
        with _cache_lock:
            _guide_cache["map"] = {
                g.slug: Guide(slug=g.slug, title=g.title, guidance=tuple(g.guidance_lines), help=tuple(g.help_lines))
                for g in TopicGuide.objects.filter(is_active=True)
            }
            _guide_cache["stamp"] = stamp
    return _guide_cache["map"]


# --- everyday phrasings per article ------------------------------------------------------------------


def phrasing_list(query: str = "") -> QuerySet[ArticlePhrasing]:
    qs = ArticlePhrasing.objects.select_related("updated_by").order_by("id")
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(ref__icontains=query) | Q(phrasings__icontains=query))
    return qs


def phrasing_get(entry_id: int) -> ArticlePhrasing:
    entry = ArticlePhrasing.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("未找到该条文的问法")
    return entry


def phrasings_refresh(index) -> None:
    """Give the index the reviewers' phrasings when they changed (one aggregate query per answer). With the
    table empty (statutes not loaded yet) the index keeps the seed of ``data/phrasings.yaml``."""
    latest = ArticlePhrasing.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    stamp = (latest["n"], latest["at"])
    if not stamp[0] or getattr(index, "phrasing_stamp", None) == stamp:
        return
    corpus = index.corpus
    by_idx: dict[int, list[str]] = {}
    for entry in ArticlePhrasing.objects.filter(is_active=True):
        law, _, num = entry.ref.rpartition(":")
        art = corpus.get(law, int(num)) if num.isdigit() else None
        if art is not None:
            by_idx.setdefault(art.idx, []).extend(entry.lines)
    with _cache_lock:
        index.set_phrasings(by_idx)
        index.phrasing_stamp = stamp


# --- curated answers --------------------------------------------------------------------------------


def curated_list() -> QuerySet[CuratedAnswer]:
    return CuratedAnswer.objects.select_related("updated_by")


def curated_get(curated_id: int) -> CuratedAnswer:
    entry = CuratedAnswer.objects.filter(pk=curated_id).first()
    if entry is None:
        raise NotFound("未找到该问答")
    return entry


@dataclass(frozen=True)
class _CuratedVector:
    entry: CuratedAnswer
    weights: dict
    norm: float
    citations: list


_curated_cache: dict = {"stamp": None, "vectors": []}


def _term_vector(question: str, index) -> dict[str, float]:
    from .text import query_terms

    vector = {}
    for term, weight in query_terms(question).items():
        posting = index.postings.get(term)
        df = len(posting[0]) if posting is not None else 1
        vector[term] = weight * math.log(1 + index.n / df)
    return vector


def curated_match(question: str, *, index=None):
    """The active curated answer whose question matches best, if similar enough:
    ``(entry, similarity, [Citation…])`` or None. Similarity is the cosine of IDF-weighted terms."""
    from .answers import Citation
    from .retrieval import get_index

    index = index or get_index()
    latest = CuratedAnswer.objects.filter(is_active=True).aggregate(n=Count("id"), at=Max("updated_at"))
    stamp = (latest["n"], latest["at"])
    if _curated_cache["stamp"] != stamp:
        corpus = get_corpus()
        vectors = []
        for entry in CuratedAnswer.objects.filter(is_active=True):
            weights = _term_vector(entry.question, index)
            cited = []
            for ref in entry.citation_refs:
                art = parse_citation(ref)
                if art is not None:
                    cited.append(Citation.of(corpus.by_key[art]))
            vectors.append(
                _CuratedVector(entry, weights, math.sqrt(sum(w * w for w in weights.values())) or 1.0, cited)
            )
        with _cache_lock:
            _curated_cache["vectors"] = vectors
            _curated_cache["stamp"] = stamp
    if not _curated_cache["vectors"]:
        return None
    query = _term_vector(question, index)
    qnorm = math.sqrt(sum(w * w for w in query.values())) or 1.0
    best, best_sim = None, 0.0
    for vec in _curated_cache["vectors"]:
        dot = sum(w * vec.weights[t] for t, w in query.items() if t in vec.weights)
        sim = dot / (qnorm * vec.norm)
        if sim > best_sim:
            best, best_sim = vec, sim
    if best is None or best_sim < CURATED_MIN_SIMILARITY:
        return None
    return best.entry, best_sim, best.citations


def parse_citation(ref: str) -> tuple[str, int] | None:
    """``民法典:1084``, ``民法典 1084``, ``《民法典》第一千零八十四条`` → ("民法典", 1084) if it exists."""
    from .corpus import number_from_text

    corpus = get_corpus()
    ref = ref.strip()
    m = re.fullmatch(r"《?([^《》:：\s]+?)》?\s*[:：\s]?\s*第?([0-9零〇一二三四五六七八九十百千两]+)条?", ref)
    if not m:
        return None
    law = corpus.resolve_law(m.group(1))
    try:
        number = number_from_text(m.group(2))
    except ValueError:
        return None
    if law is None or (law, number) not in corpus.by_key:
        return None
    return (law, number)


# --- questions and tickets ----------------------------------------------------------------------------


# Questions and call-back tickets belong to no place: the policy lets in the roles that hold the
# permission with scope "all" (every role that holds legal.staff or legal.curate does).


def question_get(question_id: int, *, actor: Actor, perm: str = "legal.curate") -> AskedQuestion:
    try:
        return policy.access_by_id(actor, perm, AskedQuestion.objects.all(), question_id)
    except NotFound:
        raise NotFound("未找到该咨询记录") from None


def review_queue(*, actor: Actor) -> QuerySet[AskedQuestion]:
    """Low-confidence questions not yet handled by a reviewer, newest first."""
    return policy.scoped(actor, "legal.curate", AskedQuestion).filter(
        low_confidence=True, review_status=ReviewStatus.PENDING
    )


def ticket_list(*, actor: Actor, status: str | None = None) -> QuerySet[CallbackTicket]:
    tickets = policy.scoped(actor, "legal.staff", CallbackTicket).select_related("question", "handled_by")
    if status:
        tickets = tickets.filter(status=status)
    return tickets


def ticket_get(ticket_id: int, *, actor: Actor) -> CallbackTicket:
    try:
        return policy.access_by_id(
            actor, "legal.staff", CallbackTicket.objects.select_related("question", "handled_by"), ticket_id
        )
    except NotFound:
        raise NotFound("未找到该工单") from None
