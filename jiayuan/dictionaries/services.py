"""Seeding and editing code tables; codes never change once used, labels may."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import DictionaryItem


def dictionary_ensure(kind: str, items: list[tuple[str, str]]) -> int:
    """Create missing items of a code table (idempotent); returns how many were created."""
    created = 0
    for order, (code, label) in enumerate(items):
        _, was_created = DictionaryItem.objects.get_or_create(
            kind=kind, code=code, defaults={"label": label, "order": order}
        )
        created += was_created
    return created


def dictionary_items(kind: str, *, active_only: bool = True) -> QuerySet[DictionaryItem]:
    qs = DictionaryItem.objects.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "code")
