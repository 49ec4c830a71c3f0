"""Reading notifications: a user sees their own and nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at")


def notifications_latest(*, user, limit: int = 8) -> list[Notification]:
    return list(notification_list(user=user)[:limit])
