"""A user's own draft for a page (nobody reads another's)."""

from __future__ import annotations

import json

from django.db.models import Q

from .models import Draft
from .services import KEEP_DAYS, draft_key


def page_drafts(*, user, path: str) -> dict[str, dict]:
    """Every draft of one page's forms (the page's own and its named forms, "path#name"), by key, in one query:
    a page with many small forms (the case page) reads them once, not once per form."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = Draft.objects.filter(user=user).filter(Q(key=draft_key(path)) | Q(key__startswith=f"{path}#"))
    return {row.key: read for row in rows if (read := _read(row)) is not None}


def _read(draft: Draft) -> dict | None:
    try:
        fields = json.loads(draft.data)
    except (TypeError, ValueError):
        return None
    return {"fields": fields, "saved_at": draft.saved_at, "keep_days": KEEP_DAYS}
