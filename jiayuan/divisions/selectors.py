"""Reading the division tree: children, ancestors, subtrees (all by code, never a Python walk)."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.core.errors import NotFound

from .codes import self_and_ancestors
from .models import Division, Level, subtree_q


def division_get(code: str) -> Division:
    division = division_find(code)
    if division is None:
        raise NotFound("未找到该区划")
    return division


def division_find(code: str) -> Division | None:
    """The division with this code, or None."""
    return Division.objects.filter(code=code).first() if code else None


def division_children(division: Division | None, *, include_special: bool = False) -> QuerySet[Division]:
    qs = Division.objects.filter(parent=division) if division else Division.objects.filter(level=Level.CITY)
    if not include_special:
        qs = qs.filter(special=False)
    return qs.order_by("code")


def division_ancestors(division: Division) -> list[Division]:
    """The chain from the top down to `division`, read in one query by code prefixes."""
    codes = self_and_ancestors(division.code)
    return sorted(Division.objects.filter(code__in=codes), key=lambda d: d.depth)


def division_subtree(prefix: str, *, level: str | None = None) -> QuerySet[Division]:
    qs = Division.objects.filter(subtree_q(prefix, "code"))
    if level:
        qs = qs.filter(level=level)
    return qs


def division_choices(prefix: str, *, level: str = Level.COMMUNITY) -> QuerySet[Division]:
    """Divisions a user may pick for a record: the given level, within their scope, no special zones."""
    return division_subtree(prefix, level=level).filter(special=False).order_by("code")


def divisions_by_codes(codes: list[str]) -> list[Division]:
    """These divisions (those that exist), by code."""
    return list(Division.objects.filter(code__in=codes).order_by("code"))
