"""Chinese text processing for the legal assistant: the legal-domain jieba tokenizer, stopwords and the
everyday-words → legal-terms map (all kept as data files in ``data/``).

Pure Python (no Django). The tokenizer is a private ``jieba.Tokenizer`` so that the legal user dictionary
does not change how other apps (or the plain baseline) segment text.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jieba
import yaml

from .parser import DATA_DIR

jieba.setLogLevel(logging.WARNING)

_PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)
# Single characters that carry a family-law meaning on their own (statutes write "兄、姐", "夫或者妻").
MEANINGFUL_SINGLES = frozenset("兄姐弟妹夫妻孙")
_WS_RE = re.compile(r"\s+")
SUBWORD_WEIGHT = 0.7  # query weight of a dictionary sub-word of a longer question word
_lock = threading.Lock()


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to half-width), lower case, no whitespace."""
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def legal_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the legal-domain user dictionary loaded (built once per process)."""
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.load_userdict(str(DATA_DIR / "legal_dict.txt"))
        return tokenizer


def tokens(text: str) -> list[str]:
    """Search tokens of `text`: words and their dictionary sub-words, without stopwords or punctuation.

    Single characters are dropped: alone they match hundreds of articles and carry no meaning that the
    synonym map does not capture better.
    """
    stop = stopwords()
    result = []
    for word in legal_tokenizer().cut_for_search(normalize(text), HMM=False):
        if (len(word) < 2 and word not in MEANINGFUL_SINGLES) or word in stop or _PUNCT_RE.match(word):
            continue
        result.append(word)
    return result


def words(text: str) -> list[str]:
    """Whole words of `text` (no sub-words), without stopwords: a legal term stays one term."""
    stop = stopwords()
    return [
        w
        for w in legal_tokenizer().cut(normalize(text), HMM=False)
        if (len(w) > 1 or w in MEANINGFUL_SINGLES) and w not in stop and not _PUNCT_RE.match(w)
    ]


@dataclass(frozen=True)
class Expansion:
    triggers: tuple[str, ...]
    terms: tuple[str, ...]
    weight: float
    also_any: tuple[str, ...] = ()  # when set, one of these must occur too (context)


@lru_cache(maxsize=1)
def expansions() -> tuple[Expansion, ...]:
    raw = yaml.safe_load((DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8"))
    result = []
    for entry in raw["map"]:
        result.append(
            Expansion(
                triggers=tuple(normalize(str(s)) for s in entry["say"]),
                terms=tuple(str(t) for t in entry["means"]),
                weight=float(entry.get("w", 1.0)),
                also_any=tuple(normalize(str(s)) for s in entry.get("also_any", [])),
            )
        )
    return tuple(result)


@lru_cache(maxsize=1)
def _expansion_terms_tokens() -> tuple[tuple[tuple[str, ...], tuple[str, ...], float, tuple[str, ...]], ...]:
    """Each expansion as (triggers, context, weight, legal-term words), tokenized once.

    Legal terms are added as whole words ("人民调解委员会", not also "人民", "委员会"…): the articles are
    indexed with their sub-words too, so the whole word matches, and one concept counts once.
    """
    out = []
    for exp in expansions():
        toks: list[str] = []
        for term in exp.terms:
            toks.extend(words(term) or [normalize(term)])
        out.append((exp.triggers, exp.also_any, exp.weight, tuple(dict.fromkeys(toks))))
    return tuple(out)


def trigger_matches(trigger: str, normalized_text: str) -> bool:
    """A trigger is a phrase, or phrases joined by "+" that must all occur (``养老+协议``)."""
    if "+" in trigger:
        return all(part in normalized_text for part in trigger.split("+"))
    return trigger in normalized_text


def query_terms(question: str, *, expand: bool = True) -> dict[str, float]:
    """Weighted query terms: the question's own tokens (weight 1) plus legal terms from the map.

    A term reached several ways keeps its highest weight, so a long map cannot drown the question.
    """
    terms: dict[str, float] = {}
    whole = set(words(question))
    for tok in tokens(question):
        # A sub-word of a longer word ("抚养" in "抚养费") is evidence for the same concept: it counts less
        # than the whole word, so one long word does not outweigh the rest of the question.
        terms[tok] = 1.0 if tok in whole else max(terms.get(tok, 0.0), SUBWORD_WEIGHT)
    if expand:
        norm = normalize(question)
        for triggers, context, weight, toks in _expansion_terms_tokens():
            if any(trigger_matches(t, norm) for t in triggers) and (
                not context or any(trigger_matches(c, norm) for c in context)
            ):
                for tok in toks:
                    if terms.get(tok, 0.0) < weight:
                        terms[tok] = weight
    return terms
