"""Sending notifications (who supervises a place is read from the postings: `accounts.selectors.supervisors_of`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import Level, Notification


def notify(
    *, users: Iterable, title: str, body: str = "", url: str = "", level: str = Level.INFO, dedupe_key: str = ""
) -> int:
    """Notify each user once (a repeated `dedupe_key` for the same user is ignored)."""
    count = 0
    for user in {u.pk: u for u in users if u is not None}.values():
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        Notification.objects.create(user=user, title=title, body=body, url=url, level=level, dedupe_key=dedupe_key)
        count += 1
    return count


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
