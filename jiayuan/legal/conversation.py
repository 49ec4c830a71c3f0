"""Conversation context of the legal assistant: what a caller asked just before, so that a follow-up
("那孩子归谁？", "如果他不同意呢？") is answered in its light.

Kept in the cache only (never in the database), under a random conversation id the page or the API client
holds, for 30 minutes after the last question and at most three questions back. What is kept is what the
question record already keeps for good: the question without personal data (``scrub_personal_data``), its
topic and the first articles cited. So the context stores nothing the retention rules do not already allow,
and it is gone within half an hour.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache

from .safety import scrub_personal_data
from .text import normalize

TTL_SECONDS = 30 * 60
MAX_TURNS = 3
ID_RE = re.compile(r"^[0-9a-f]{32}$")
_PREFIX = "legal:conversation:"

# What marks a question as leaning on the one before: it opens with a connective or a pronoun, ends asking
# "…呢", or is too short to stand alone.
_FOLLOW_UP_START = re.compile(
    r"^(那|那么|那要是|如果|要是|假如|万一|还有|另外|然后|可是|但是|他|她|对方|孩子|这|这个|这种|这样)"
)
_FOLLOW_UP_END = re.compile(r"(呢|的话)[?？!！。]*$")
SHORT_QUESTION = 12


@dataclass(frozen=True)
class Turn:
    question: str  # without personal data
    topic: str | None
    citations: tuple[str, ...]


def valid_id(conversation_id: str | None) -> bool:
    return bool(conversation_id) and bool(ID_RE.match(conversation_id or ""))


def new_id() -> str:
    return secrets.token_hex(16)


def turns(conversation_id: str | None) -> list[Turn]:
    """The questions asked before in this conversation (oldest first); none when unknown or expired."""
    if not valid_id(conversation_id):
        return []
    raw = cache.get(_PREFIX + str(conversation_id)) or []
    return [Turn(question=q, topic=t, citations=tuple(c)) for q, t, c in raw]


def remember(conversation_id: str | None, *, question: str, topic: str | None, citations: list[str]) -> str:
    """Add a question to the conversation (a new one when the id is missing, unknown or expired: an id is
    always one the server issued); returns its id."""
    known = turns(conversation_id)
    cid = str(conversation_id) if known else new_id()
    raw = [(t.question, t.topic, list(t.citations)) for t in known]
    raw.append((scrub_personal_data(question)[:200], topic, list(citations[:3])))
    cache.set(_PREFIX + cid, raw[-MAX_TURNS:], timeout=TTL_SECONDS)
    return cid


def forget(conversation_id: str | None) -> None:
    if valid_id(conversation_id):
        cache.delete(_PREFIX + str(conversation_id))


def is_follow_up(question: str) -> bool:
    text = normalize(question)
    return bool(_FOLLOW_UP_START.match(text) or _FOLLOW_UP_END.search(text) or len(text) <= SHORT_QUESTION)
