"""A user's own draft for a page (nobody reads another's)."""

from __future__ import annotations

import json

from .models import Draft
from .services import KEEP_DAYS, draft_key


def draft_get(*, user, key: str) -> dict | None:
    """{"fields": {...}, "saved_at": datetime} or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    draft = Draft.objects.filter(user=user, key=draft_key(key)).first()
    if draft is None:
        return None
    try:
        fields = json.loads(draft.data)
    except (TypeError, ValueError):
        return None
    return {"fields": fields, "saved_at": draft.saved_at, "keep_days": KEEP_DAYS}
