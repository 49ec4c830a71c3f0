"""The draft endpoint (the page's script saves what is typed as the user types) and the session extension."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_login
from jiayuan.core.errors import ValidationFailed

from .context import session_deadline
from .services import draft_discard, draft_save

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


@require_POST
@require_login
def save(request: HttpRequest) -> HttpResponse:
    """Body: {"key": page path, "fields": {name: value or [values]}}; an empty `fields` discards the draft."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "草稿格式不正确。"}, status=400)
    key = str(body.get("key") or "")
    fields = body.get("fields") or {}
    if not key.startswith("/"):
        return JsonResponse({"detail": "草稿格式不正确。"}, status=400)
    if not fields:
        draft_discard(user=cast("User", request.user), key=key)
        return JsonResponse({"saved": False})
    try:
        draft = draft_save(user=cast("User", request.user), key=key, fields=fields)
    except ValidationFailed as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    _touch(request)  # typing is activity
    return JsonResponse({"saved": True, "at": draft.saved_at.isoformat(), "deadline": session_deadline(request)})


@require_POST
@require_login
def extend(request: HttpRequest) -> HttpResponse:
    """Activity that is not a page load (typing, the "继续工作" button): the idle clock starts again."""
    _touch(request)
    return JsonResponse({"deadline": session_deadline(request)})


def _touch(request: HttpRequest) -> None:
    request.session["last_seen"] = int(time.time())
