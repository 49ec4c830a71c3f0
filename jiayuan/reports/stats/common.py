"""The plain figures and sections the module statistics pages show."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode


@dataclass
class Figure:
    label: str
    value: int | Decimal | str
    url: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


def _url(path: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return f"{path}?{urlencode(clean)}" if clean else path
