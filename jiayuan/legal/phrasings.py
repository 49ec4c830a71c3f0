"""Everyday phrasings per article (``data/phrasings.yaml``): the seed of the reviewer-kept ArticlePhrasing
table and, without a database, what the phrasings ranker indexes."""

from __future__ import annotations

from functools import lru_cache

import yaml

from .parser import DATA_DIR

PHRASINGS_FILE = DATA_DIR / "phrasings.yaml"


@lru_cache(maxsize=1)
def seed_phrasings() -> dict[str, tuple[str, ...]]:
    """``{"<short name>:<n>": (phrasing, ...)}`` as written in the data file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster
    raw = yaml.load(PHRASINGS_FILE.read_text(encoding="utf-8"), Loader=loader)
    return {
        str(ref): tuple(str(line).strip() for line in lines if str(line).strip())
        for ref, lines in raw["phrasings"].items()
    }
