"""The statute corpus in memory: every article of the shipped laws with its citation key and address.

Built from the data files (the same parser ``load_laws`` uses), so retrieval, citation checks and the
``ask`` command work without a database; the DB copy serves the browsable law pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .parser import ParsedLaw, cn_to_int, law_entries, parse_all


@dataclass(frozen=True)
class CorpusArticle:
    idx: int
    law_slug: str
    law: str  # short name used in citations, e.g. 反家庭暴力法
    law_title: str
    number: int
    label: str
    path: tuple[str, ...]
    text: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.law, self.number)

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.label}"

    @property
    def url(self) -> str:
        return article_url(self.law_slug, self.number)


def article_url(slug: str, number: int) -> str:
    """The article's own page; falls back to the known pattern when URLs are not loaded (pure tests)."""
    try:
        from django.urls import reverse

        return reverse("legal:article", args=[slug, number])
    except Exception:  # noqa: BLE001 - outside a configured project (the parser's command line)
        return f"/legal/laws/{slug}/{number}/"


_CITE_NUM_RE = re.compile(r"^\d+$")


class Corpus:
    def __init__(self, laws: list[ParsedLaw]):
        self.laws = laws
        self.articles: list[CorpusArticle] = []
        self.by_key: dict[tuple[str, int], CorpusArticle] = {}
        self.law_by_slug = {law.slug: law for law in laws}
        self.counts: dict[str, int] = {}
        names: dict[str, str] = {}
        aliases = {e.slug: e.aliases for e in law_entries()}
        for law in laws:
            self.counts[law.short_name] = len(law.articles)
            for name in (law.short_name, law.title, *aliases.get(law.slug, ())):
                names[name] = law.short_name
            for art in law.articles:
                item = CorpusArticle(
                    idx=len(self.articles),
                    law_slug=law.slug,
                    law=law.short_name,
                    law_title=law.title,
                    number=art.number,
                    label=art.label,
                    path=art.path,
                    text=art.text,
                )
                self.articles.append(item)
                self.by_key[item.key] = item
        self.law_names = names

    def resolve_law(self, name: str) -> str | None:
        """Short name of a law written in any known form (short, full, alias), or None."""
        name = name.strip().strip("《》〈〉")
        if name in self.law_names:
            return self.law_names[name]
        # "《中华人民共和国民法典》" written without the prefix, or with it where the alias lacks it.
        for prefix in ("中华人民共和国",):
            if name.startswith(prefix) and name[len(prefix) :] in self.law_names:
                return self.law_names[name[len(prefix) :]]
            if prefix + name in self.law_names:
                return self.law_names[prefix + name]
        return None

    def get(self, law: str, number: int) -> CorpusArticle | None:
        short = self.resolve_law(law)
        if short is None:
            return None
        return self.by_key.get((short, number))

    def parse_ref(self, ref: str) -> CorpusArticle:
        """``"<law>:<n>"`` → article; raises KeyError when either does not exist."""
        law, _, num = ref.rpartition(":")
        art = self.get(law, int(num)) if _CITE_NUM_RE.match(num.strip()) else None
        if art is None:
            raise KeyError(f"no such article: {ref}")
        return art

    def expand_refs(self, refs: list[str]) -> list[CorpusArticle]:
        """Refs with ranges (``"民法典:1084"``, ``"反家庭暴力法:23-32"``) → articles, checked to exist."""
        out: list[CorpusArticle] = []
        for ref in refs:
            law, _, nums = str(ref).rpartition(":")
            if "-" in nums:
                lo, hi = (int(x) for x in nums.split("-"))
                out.extend(self.parse_ref(f"{law}:{n}") for n in range(lo, hi + 1))
            else:
                out.append(self.parse_ref(ref))
        return out


def number_from_text(numeral: str) -> int:
    """An article number written as digits (``1079``) or in Chinese (``一千零七十九``)."""
    numeral = numeral.strip()
    return int(numeral) if numeral.isdigit() else cn_to_int(numeral)


@lru_cache(maxsize=1)
def get_corpus() -> Corpus:
    return Corpus(parse_all())
