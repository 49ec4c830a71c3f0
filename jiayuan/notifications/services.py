"""Sending notifications (who supervises a place is read from the postings: `accounts.selectors.supervisors_of`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Level, Notification

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


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


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def notifications_trim(*, keep_after: int | None, keep: int = 3) -> int:
    """Called with `keep_after=None`: the id of the newest notification (a mark). Called with a mark: of the
    notifications made after it, each user keeps the `keep` that matter most (unread, urgent first, newest
    first, one per link) and the rest are removed; returns how many were removed. Older ones are never touched."""
    if keep_after is None:
        return Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    fresh = Notification.objects.filter(id__gt=keep_after, read_at__isnull=True)
    rank = {Level.URGENT: 0}
    kept: set[int] = set()
    by_user: dict[int, list] = {}
    for row in fresh.order_by("-created_at", "-id").values("id", "user_id", "level", "url"):
        by_user.setdefault(row["user_id"], []).append(row)
    for rows in by_user.values():
        rows.sort(key=lambda r: rank.get(r["level"], 1))
        seen_urls: set[str] = set()
        for row in rows:
            if len(seen_urls) >= keep:
                break
            if row["url"] and row["url"] in seen_urls:
                continue
            seen_urls.add(row["url"] or f"#{row['id']}")
            kept.add(row["id"])
    return Notification.objects.filter(id__gt=keep_after).exclude(id__in=kept).delete()[0]
