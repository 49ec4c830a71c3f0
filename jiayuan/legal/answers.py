"""Composing the assistant's answer: what to do now, the articles it rests on, where to get help.

``compose_answer`` is pure (no writes). With ``db=True`` it also reads reviewer-edited topic guidance and
curated question–answer pairs from the database; with ``llm=True`` and an endpoint configured it lets the
LLM phrase the answer from the retrieved articles, keeping the phrasing only when every article it cites
exists and was among those given (``llm.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import DatabaseError

from .corpus import CorpusArticle, get_corpus
from .retrieval import LegalIndex, SearchResult, get_index
from .safety import emergency_cues, emergency_kind
from .topics import Topic, topic_data

# Below this the assistant says plainly that the question is outside what it knows.
LOW_CONFIDENCE = 0.45
# Below this it shows no articles at all: they would only be noise.
NO_CITATIONS = 0.25
SHOWN_CITATIONS = 5
EXCERPT_CHARS = 160

GENERIC_HELP = ["12338", "legal_aid", "mediation", "court"]


@dataclass(frozen=True)
class Citation:
    law: str
    article: int
    label: str
    text: str
    url: str
    law_slug: str

    @classmethod
    def of(cls, art: CorpusArticle) -> Citation:
        return cls(law=art.law, article=art.number, label=art.label, text=art.text, url=art.url, law_slug=art.law_slug)

    @property
    def key(self) -> tuple[str, int]:
        return (self.law, self.article)

    @property
    def title(self) -> str:
        return f"《{self.law}》{self.label}"

    @property
    def excerpt(self) -> str:
        flat = self.text.replace("\n", " ")
        return flat if len(flat) <= EXCERPT_CHARS else flat[:EXCERPT_CHARS] + "……"

    def as_dict(self) -> dict:
        return {"law": self.law, "article": self.article, "text": self.text, "url": self.url}


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation]
    emergency: bool
    confidence: float
    topic: str | None
    topic_title: str = ""
    emergency_kind: str | None = None
    low_confidence: bool = False
    guidance: list[str] = field(default_factory=list)
    help: list[str] = field(default_factory=list)
    emergency_guidance: list[str] = field(default_factory=list)
    curated_id: int | None = None
    curated_answer: str = ""
    llm_used: bool = False
    ranked: list[Citation] = field(default_factory=list)  # the whole ranking, for evaluation

    def as_dict(self) -> dict:
        """The documented shape of the API and of ``ask --json``."""
        return {
            "answer": self.answer,
            "citations": [c.as_dict() for c in self.citations],
            "emergency": self.emergency,
            "confidence": self.confidence,
            "topic": self.topic,
        }


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    guidance: tuple[str, ...]
    help: tuple[str, ...]


def compose_answer(
    question: str,
    *,
    index: LegalIndex | None = None,
    db: bool = True,
    curated: bool = True,
    llm: bool = True,
    k: int = SHOWN_CITATIONS,
) -> Answer:
    question = (question or "").strip()
    index = index or get_index()
    if db:
        from .selectors import phrasings_refresh

        try:
            phrasings_refresh(index)
        except DatabaseError:  # tables not migrated yet: the seed phrasings of data/phrasings.yaml
            pass
    kind = emergency_kind(question)
    result = index.search(question, k=max(k, 10))
    ranked = [Citation.of(h.article) for h in result.hits]
    confidence = result.confidence

    match = None
    if db and curated:
        from .selectors import curated_match

        try:
            match = curated_match(question, index=index)
        except DatabaseError:  # tables not migrated yet: answer from the statutes alone
            match = None
    if match is not None:
        _, similarity, cited = match
        ranked = _merge(cited, ranked)
        confidence = max(confidence, round(similarity, 3))

    topic = _choose_topic(result, ranked)
    guide = _guide_for(topic, db=db) if topic else None
    low = confidence < LOW_CONFIDENCE and match is None
    shown = [] if (confidence < NO_CITATIONS and match is None) else ranked[:k]

    answer = Answer(
        question=question,
        answer="",
        citations=shown,
        emergency=kind is not None,
        emergency_kind=kind,
        confidence=confidence,
        topic=topic.slug if topic else None,
        topic_title=guide.title if guide else (topic.title if topic else ""),
        low_confidence=low,
        guidance=list(guide.guidance) if guide and not low else [],
        help=list(guide.help) if guide else _contact_lines(GENERIC_HELP),
        emergency_guidance=list(emergency_cues().guidance) if kind else [],
        curated_id=match[0].pk if match else None,
        curated_answer=match[0].answer if match else "",
        ranked=ranked,
    )
    answer.answer = render_text(answer)
    if llm and not low and shown:
        from .llm import llm_configured, phrase_answer

        if llm_configured():
            phrased = phrase_answer(answer, corpus=index.corpus)
            if phrased:
                answer.llm_used = True
                answer.answer = render_text(answer, body=phrased)
    return answer


def _merge(first: list[Citation], rest: list[Citation]) -> list[Citation]:
    seen = {c.key for c in first}
    return list(first) + [c for c in rest if c.key not in seen]


def _choose_topic(result: SearchResult, ranked: list[Citation]) -> Topic | None:
    """Among the recognised topics: the strongest match, then the one with most articles among the
    top five, then the more specific (earlier in topics.yaml). With none recognised but a confident
    ranking, the topic holding at least two of the top three articles."""
    corpus = get_corpus()
    top_idx = [corpus.by_key[c.key].idx for c in ranked[:5] if c.key in corpus.by_key]
    if result.topics:
        return min(
            result.topics,
            key=lambda ts: (-ts[1], -sum(1 for i in top_idx if i in ts[0].article_idx), ts[0].order),
        )[0]
    if result.confidence >= LOW_CONFIDENCE and top_idx:
        best, best_hits = None, 0
        for topic in topic_data().topics:
            hits = sum(1 for i in top_idx[:3] if i in topic.article_idx)
            if hits > best_hits:
                best, best_hits = topic, hits
        if best_hits >= 2:
            return best
    return None


def _contact_lines(keys) -> list[str]:
    contacts = topic_data().contacts
    return [contacts[k] for k in keys if k in contacts]


def _guide_for(topic: Topic, *, db: bool) -> Guide:
    if db:
        from .selectors import topic_guide_map

        try:
            stored = topic_guide_map().get(topic.slug)
        except DatabaseError:  # tables not migrated yet: the seed text of data/topics.yaml
            stored = None
        if stored is not None:
            return stored
    return Guide(slug=topic.slug, title=topic.title, guidance=topic.guidance, help=tuple(_contact_lines(topic.help)))


def render_text(answer: Answer, *, body: str | None = None) -> str:
    """The plain-text answer: emergency first, then what to do now, the articles, where to get help."""
    parts: list[str] = []
    if answer.emergency:
        parts.append("【紧急情况请先看这里】\n" + "\n".join(f"· {line}" for line in answer.emergency_guidance))
    if body is not None:
        parts.append(body.strip())
    elif answer.curated_answer:
        parts.append(answer.curated_answer.strip())
    elif answer.low_confidence:
        parts.append(
            "这个问题可能超出了我目前掌握的法律条文范围，我没有把握给出准确的法律依据，"
            "下面列出的条文仅供参考。建议拨打 12338 妇女维权热线，或向当地法律援助中心咨询专业人员。"
            if answer.citations
            else "这个问题超出了我目前掌握的婚姻家庭、家庭暴力和未成年人保护方面的法律条文，我无法给出可靠的回答。"
            "建议拨打 12338 妇女维权热线，或向当地法律援助中心咨询专业人员。"
        )
    elif answer.guidance:
        title = f"关于“{answer.topic_title}”，现在可以这样做：" if answer.topic_title else "现在可以这样做："
        parts.append(title + "\n" + "\n".join(f"{i}. {line}" for i, line in enumerate(answer.guidance, 1)))
    else:
        parts.append("下面是与你的问题最相关的法律条文。每个人的情况不同，结果也可能不同，拿不准时请拨打 12338 咨询。")
    if answer.citations:
        parts.append("法律依据：\n" + "\n".join(f"· {c.title}：{c.excerpt}" for c in answer.citations))
    if answer.help:
        parts.append("可以找谁帮忙：\n" + "\n".join(f"· {line}" for line in answer.help))
    parts.append("以上内容依据现行法律条文整理，仅供参考，不能代替律师的具体意见。")
    return "\n\n".join(parts)
