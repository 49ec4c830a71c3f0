"""Topic data of the legal assistant (``data/topics.yaml``): recognising a question's topic, the articles a
topic rests on, and the seed text of the reviewer-editable guidance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from .corpus import get_corpus
from .parser import DATA_DIR
from .text import normalize, trigger_matches


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    triggers: tuple[str, ...]
    also_any: tuple[str, ...]
    article_idx: frozenset[int]
    core_idx: frozenset[int]
    article_refs: tuple[str, ...]
    guidance: tuple[str, ...]
    help: tuple[str, ...]
    order: int
    safety: bool = False  # about someone's safety: its guidance is never swapped for the articles' topic

    def match_strength(self, normalized_question: str) -> int:
        """How many distinct trigger phrases occur (0 when `also_any` is set and none of it occurs)."""
        hits = sum(1 for t in self.triggers if trigger_matches(t, normalized_question))
        if hits and self.also_any and not any(trigger_matches(a, normalized_question) for a in self.also_any):
            return 0
        return hits


@dataclass(frozen=True)
class TopicData:
    topics: tuple[Topic, ...]
    contacts: dict

    def by_slug(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)


def _raw() -> dict:
    return yaml.safe_load((DATA_DIR / "topics.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def topic_data() -> TopicData:
    corpus = get_corpus()
    raw = _raw()
    topics = []
    for i, item in enumerate(raw["topics"]):
        arts = corpus.expand_refs(item.get("articles", []))
        core = corpus.expand_refs(item.get("core", []))
        topics.append(
            Topic(
                slug=item["slug"],
                title=item["title"],
                triggers=tuple(normalize(t) for t in item.get("triggers", [])),
                also_any=tuple(normalize(t) for t in item.get("also_any", [])),
                article_idx=frozenset(a.idx for a in arts) | frozenset(a.idx for a in core),
                core_idx=frozenset(a.idx for a in core),
                article_refs=tuple(item.get("articles", [])),
                guidance=tuple(item.get("guidance", [])),
                help=tuple(str(h) for h in item.get("help", [])),
                order=i,
                safety=bool(item.get("safety", False)),
            )
        )
    contacts = {str(k): v for k, v in raw.get("contacts", {}).items()}
    return TopicData(topics=tuple(topics), contacts=contacts)


def contact_line(key: str, data: TopicData | None = None) -> str | None:
    """A help line of ``contacts`` with the local 12338 hours filled in (setting ``HOTLINE_12338_HOURS``)."""
    from django.conf import settings

    data = data or topic_data()
    text = data.contacts.get(key)
    if text is None:
        return None
    return str(text).replace("{hours}", getattr(settings, "HOTLINE_12338_HOURS", "人工接听时间以当地妇联公布的为准"))


def match_topics(question: str, data: TopicData | None = None) -> list[tuple[Topic, int]]:
    """Topics the question is about, strongest first."""
    data = data or topic_data()
    norm = normalize(question)
    found = [(t, t.match_strength(norm)) for t in data.topics]
    found = [(t, s) for t, s in found if s > 0]
    found.sort(key=lambda ts: (-ts[1], ts[0].order))
    return found
