"""Composing the assistant's answer: what to do now, the articles it rests on, where to get help.

``compose_answer`` is pure (no writes). With ``db=True`` it also reads reviewer-edited topic guidance and
curated question–answer pairs from the database; with ``llm=True`` and an endpoint configured it lets the
LLM phrase the answer from the retrieved articles, keeping the phrasing only when every article it cites
exists and was among those given (``llm.py``).
"""

from __future__ import annotations

import re
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

# What the assistant can and cannot do, said plainly whenever a question is outside it.
CAN_DO = (
    "我可以解答婚姻家庭、继承和遗嘱、监护和收养、家庭暴力和人身安全保护令、彩礼、性骚扰和就业歧视、"
    "未成年人保护方面的法律问题，并列出所依据的法律条文；我不能代替律师办理案件，也不回答这些范围以外的问题。"
)
NOT_CHINESE = "目前我只能理解中文提问，请用中文描述你遇到的情况。（I can only answer questions written in Chinese.）"
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# Text that tries to steer the optional LLM instead of asking a question: the LLM is not asked at all.
_INJECTION_RE = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会)(掉)?(以上|之前|上面|前面|先前|你的|所有|全部)|"
    r"(系统|system)\s*(提示|prompt)|提示词|你现在(是|扮演)|扮演(一个|一名)?|越狱|"
    r"ignore\s+(all\s+|the\s+)?(previous|above|prior)|disregard\s+(all|previous)|you\s+are\s+now|jailbreak",
    re.IGNORECASE,
)


def looks_like_injection(text: str) -> bool:
    return bool(_INJECTION_RE.search(text or ""))


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
    follow_up_of: str = ""  # the earlier question (without personal data) this one was read together with
    scope: str = "ok"  # "ok", "not_chinese" (no Chinese in it) or "outside" (not what the statutes speak to)
    conversation_id: str = ""

    @property
    def can_do(self) -> str:
        return CAN_DO

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
    context: list | None = None,
) -> Answer:
    """The answer to `question`; with `context` (the earlier turns of the conversation, ``conversation.Turn``)
    a follow-up question is read together with the question before it."""
    from .conversation import is_follow_up
    from .topics import match_topics

    question = (question or "").strip()
    index = index or get_index()
    if db:
        from .selectors import phrasings_refresh

        try:
            phrasings_refresh(index)
        except DatabaseError:  # tables not migrated yet: the seed phrasings of data/phrasings.yaml
            pass
    kind = emergency_kind(question)
    if question and not _CJK_RE.search(question):
        answer = Answer(
            question=question,
            answer="",
            citations=[],
            emergency=kind is not None,
            emergency_kind=kind,
            confidence=0.0,
            topic=None,
            low_confidence=True,
            help=_contact_lines(GENERIC_HELP),
            emergency_guidance=list(emergency_cues().guidance) if kind else [],
            scope="not_chinese",
        )
        answer.answer = render_text(answer)
        return answer
    previous = context[-1] if context else None
    follow_up = previous is not None and is_follow_up(question)
    search_text = f"{question}。{previous.question}" if follow_up and previous is not None else question
    result = index.search(search_text, k=max(k, 10))
    if follow_up and previous is not None:
        # The follow-up's own topic leads when the joint reading finds its articles ("那孩子归谁？" after
        # "我想离婚" is custody); otherwise the earlier question's topic ("那房子怎么分？" after a death is
        # succession, not dividing a couple's property).
        first = {h.article.idx for h in result.hits[:5]}
        topics = [(t, 2) for t, _ in match_topics(question, index.topics) if first & t.article_idx]
        earlier = index.topics.by_slug(previous.topic) if previous.topic else None
        if earlier is not None and earlier not in [t for t, _ in topics]:
            topics.append((earlier, 1))
        result.topics = topics or result.topics
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
        follow_up_of=previous.question if follow_up and previous is not None else "",
        scope="outside" if low else "ok",
    )
    answer.answer = render_text(answer)
    if llm and not low and shown and not looks_like_injection(question):
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
    top five, then the more specific (earlier in topics.yaml). When no recognised topic holds any of the top
    five articles but another topic holds two of the top three, that one: the guidance follows the articles
    cited ("房子" recognises property at divorce, but a question about a late father's house cites succession);
    a safety topic (violence, abuse, harassment: `safety` in topics.yaml) is never replaced.
    With none recognised but a confident ranking, the topic holding at least two of the top three articles.
    The ranking is not touched: only which guidance goes with it."""
    corpus = get_corpus()
    top_idx = [corpus.by_key[c.key].idx for c in ranked[:5] if c.key in corpus.by_key]
    if result.topics:
        chosen = min(
            result.topics,
            key=lambda ts: (-ts[1], -sum(1 for i in top_idx if i in ts[0].article_idx), ts[0].order),
        )[0]
        if chosen.safety or any(i in t.article_idx for t, _ in result.topics for i in top_idx):
            return chosen
        return _topic_holding(top_idx[:3]) or chosen
    if result.confidence >= LOW_CONFIDENCE and top_idx:
        return _topic_holding(top_idx[:3])
    return None


def _topic_holding(top3: list[int]) -> Topic | None:
    """The topic holding at least two of the top three articles (the first in topics.yaml on a tie)."""
    best, best_hits = None, 0
    for topic in topic_data().topics:
        hits = sum(1 for i in top3 if i in topic.article_idx)
        if hits > best_hits:
            best, best_hits = topic, hits
    return best if best_hits >= 2 else None


def _contact_lines(keys) -> list[str]:
    from .topics import contact_line

    return [line for line in (contact_line(k) for k in keys) if line]


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
    if answer.follow_up_of:
        parts.append(f"（接着你前面问的“{answer.follow_up_of}”来回答）")
    if answer.emergency:
        parts.append("【紧急情况请先看这里】\n" + "\n".join(f"· {line}" for line in answer.emergency_guidance))
    if answer.scope == "not_chinese":
        parts.append(NOT_CHINESE + "\n" + CAN_DO)
    elif body is not None:
        parts.append(body.strip())
    elif answer.curated_answer:
        parts.append(answer.curated_answer.strip())
    elif answer.low_confidence:
        parts.append(
            "这个问题可能超出了我目前掌握的法律条文范围，我没有把握给出准确的法律依据，"
            "下面列出的条文仅供参考。建议拨打 12338 妇女维权热线，或向当地法律援助中心咨询专业人员。"
            if answer.citations
            else "这个问题超出了我目前掌握的法律条文，我无法给出可靠的回答。"
            + CAN_DO
            + "其他问题建议拨打 12348 公共法律服务热线，或向当地法律援助中心咨询专业人员。"
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
