"""Emergency cues in what someone says or an operator writes down: a threat to kill, a weapon, strangling,
violence going on now, suicide. One set of rules (``data/emergency_cues.yaml``) for the legal assistant's chat
and the hotline intake, so a caller's words raise the same alarm wherever they are typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).resolve().parent / "data" / "emergency_cues.yaml"
_WS_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    reason: str  # shown to the operator, e.g. 掐脖子或勒颈
    kind: str  # "danger" or "suicide"
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class EmergencyCues:
    cues: tuple[Cue, ...]
    guidance: tuple[str, ...]

    @property
    def danger(self) -> tuple[re.Pattern, ...]:
        return tuple(p for c in self.cues if c.kind == "danger" for p in c.patterns)

    @property
    def suicide(self) -> tuple[re.Pattern, ...]:
        return tuple(p for c in self.cues if c.kind == "suicide" for p in c.patterns)


@lru_cache(maxsize=1)
def emergency_cues() -> EmergencyCues:
    raw = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    cues = tuple(
        Cue(reason=str(c["reason"]), kind=str(c["kind"]), patterns=tuple(re.compile(p) for p in c["patterns"]))
        for c in raw["cues"]
    )
    return EmergencyCues(cues=cues, guidance=tuple(raw["guidance"]))


def _flat(text: str) -> str:
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def emergency_reasons(text: str) -> list[str]:
    """The reasons (in the order of the rules) whose cues occur in `text`."""
    flat = _flat(text)
    return [c.reason for c in emergency_cues().cues if any(p.search(flat) for p in c.patterns)]


def emergency_kind(text: str) -> str | None:
    """ "danger" (takes precedence), "suicide" or None."""
    flat = _flat(text)
    kinds = {c.kind for c in emergency_cues().cues if any(p.search(flat) for p in c.patterns)}
    if "danger" in kinds:
        return "danger"
    return "suicide" if "suicide" in kinds else None
