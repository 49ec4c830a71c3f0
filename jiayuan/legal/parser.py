"""Parse the statute Markdown files in ``data/laws/`` into articles.

Pure Python (no Django) so that the parser, the retrieval index and their tests run without a database.
The file layout is described in ``data/laws/SOURCES.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ARTICLE_RE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条[ 　]")
HEADING_RE = re.compile(r"^(#{2,6})\s+(.+?)\s*$")
META_RE = re.compile(r"^- (名称|简称|类型|通过/修订|施行)：(.*)$")
HISTORY_HEADING = "制定与修订沿革"

DATA_DIR = Path(__file__).resolve().parent / "data"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(numeral: str) -> int:
    """Convert a Chinese numeral as written in article numbers (``一千零七十九``) to an int."""
    total = 0
    digit = None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            # "十二" means 12: a unit without a leading digit counts as one.
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    if digit:
        total += digit
    return total


def int_to_cn(number: int) -> str:
    """Inverse of :func:`cn_to_int` for 1..9999, written the way statutes write article numbers."""
    if not 0 < number < 10000:
        raise ValueError(number)
    digits = "零一二三四五六七八九"
    parts = []
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    zero_pending = False
    started = False
    for value, unit in units:
        d = number // value % 10
        if d == 0:
            if started:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        if not (d == 1 and value == 10 and not started):
            parts.append(digits[d])
        parts.append(unit)
        started = True
    return "".join(parts)


@dataclass(frozen=True)
class ParsedArticle:
    number: int
    label: str  # as written, e.g. "第一千零七十九条"
    path: tuple[str, ...]  # 编/章/节 headings above the article
    text: str  # article body without the label; paragraphs joined by "\n"


@dataclass(frozen=True)
class ParsedLaw:
    slug: str
    file: str
    title: str
    short_name: str
    kind: str
    enacted: str
    effective: str
    preamble: str
    articles: tuple[ParsedArticle, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LawEntry:
    """One line of ``data/laws.yaml``: which file, URL slug, names and retrieval prior."""

    slug: str
    file: str
    short_name: str
    aliases: tuple[str, ...]
    order: int
    prior: float
    part_priors: dict


def laws_dir() -> Path:
    """Where the statute files live; ``settings.LEGAL_LAWS_DIR`` overrides the project copy."""
    try:
        from django.conf import settings

        configured = getattr(settings, "LEGAL_LAWS_DIR", None) if settings.configured else None
    except Exception:  # noqa: BLE001  # pragma: no cover - Django not importable
        configured = None
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "data" / "laws"


@lru_cache(maxsize=1)
def law_entries() -> tuple[LawEntry, ...]:
    raw = yaml.safe_load((DATA_DIR / "laws.yaml").read_text(encoding="utf-8"))
    entries = []
    for i, item in enumerate(raw["laws"]):
        entries.append(
            LawEntry(
                slug=item["slug"],
                file=item["file"],
                short_name=item["short_name"],
                aliases=tuple(item.get("aliases", [])),
                order=i + 1,
                prior=float(item.get("prior", 1.0)),
                part_priors=dict(item.get("part_priors", {})),
            )
        )
    return tuple(entries)


def parse_law_text(text: str, *, slug: str, file: str, short_name: str | None = None) -> ParsedLaw:
    """Parse one statute file's text. Raises ``ValueError`` when numbering is not 1..N."""
    lines = text.splitlines()
    title = lines[0].lstrip("# ").split("（")[0].strip() if lines else ""
    meta: dict[str, str] = {}
    headings: list[tuple[int, str]] = []  # (level, heading) stack
    in_history = False
    preamble: list[str] = []
    articles: list[ParsedArticle] = []
    current: dict | None = None

    def flush():
        if current is not None:
            articles.append(
                ParsedArticle(
                    number=current["number"],
                    label=current["label"],
                    path=current["path"],
                    text="\n".join(current["paras"]).strip(),
                )
            )

    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            continue
        m = META_RE.match(stripped)
        if m and not articles and current is None:
            meta[m.group(1)] = m.group(2).strip()
            continue
        h = HEADING_RE.match(stripped)
        if h:
            level, heading = len(h.group(1)), h.group(2)
            in_history = heading == HISTORY_HEADING
            flush()
            current = None
            if in_history:
                continue
            while headings and headings[-1][0] >= level:
                headings.pop()
            headings.append((level, heading))
            continue
        if stripped.startswith("- ") and (in_history or (current is None and not articles)):
            continue  # metadata and history bullets are not part of the body
        in_history = False
        a = ARTICLE_RE.match(stripped)
        if a:
            flush()
            label = f"第{a.group(1)}条"
            current = {
                "number": cn_to_int(a.group(1)),
                "label": label,
                "path": tuple(h for _, h in headings),
                "paras": [stripped[a.end() :].strip()],
            }
            continue
        if current is None:
            if not articles:
                preamble.append(stripped)
            continue
        current["paras"].append(stripped)
    flush()

    numbers = [a.number for a in articles]
    if numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, max(numbers or [0]) + 1)) - set(numbers))
        raise ValueError(f"{file}: article numbering is not 1..N (missing {missing[:10]})")
    return ParsedLaw(
        slug=slug,
        file=file,
        title=meta.get("名称", title),
        short_name=short_name or meta.get("简称", title),
        kind=meta.get("类型", ""),
        enacted=meta.get("通过/修订", ""),
        effective=meta.get("施行", ""),
        preamble="\n".join(preamble),
        articles=tuple(articles),
    )


def parse_law_file(entry: LawEntry, directory: Path | None = None) -> ParsedLaw:
    path = (directory or laws_dir()) / entry.file
    return parse_law_text(
        path.read_text(encoding="utf-8"), slug=entry.slug, file=entry.file, short_name=entry.short_name
    )


def parse_all(directory: Path | None = None) -> list[ParsedLaw]:
    """Every shipped statute, in the order of ``laws.yaml``."""
    return [parse_law_file(e, directory) for e in law_entries()]
