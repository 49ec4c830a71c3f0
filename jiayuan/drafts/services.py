"""Saving and discarding drafts. A draft holds only the typed values (JSON), encrypted like the record it
will become; it is the user's own and nobody else reads it."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from django.utils import timezone

from jiayuan.core.errors import ValidationFailed

from .models import Draft

if TYPE_CHECKING:
    from jiayuan.accounts.models import User

MAX_BYTES = 200_000
KEEP_DAYS = 14  # a draft not touched for two weeks is dropped


def draft_key(path: str) -> str:
    return (path or "/")[:200]


def draft_save(*, user: User, key: str, fields: dict) -> Draft:
    if not isinstance(fields, dict) or not all(isinstance(k, str) for k in fields):
        raise ValidationFailed({"data": "草稿格式不正确。"})
    payload = json.dumps(fields, ensure_ascii=False)
    if len(payload.encode()) > MAX_BYTES:
        raise ValidationFailed({"data": "草稿过长，未能保存。"})
    draft, _ = Draft.objects.update_or_create(
        user=user, key=draft_key(key), defaults={"data": payload, "saved_at": timezone.now()}
    )
    return draft


def draft_discard(*, user: User, key: str) -> int:
    return Draft.objects.filter(user=user, key=draft_key(key)).delete()[0]


def drafts_purge(*, now: dt.datetime | None = None) -> int:
    """Drop drafts nobody has touched for KEEP_DAYS days (the scheduler's daily `drafts_purge` job)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    return Draft.objects.filter(saved_at__lt=cutoff).delete()[0]
