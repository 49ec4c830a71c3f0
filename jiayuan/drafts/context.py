"""The session clock for the page's script: when an idle session will end (epoch seconds), so it can warn."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest


def session_deadline(request: HttpRequest) -> int | None:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    last = request.session.get("last_seen") or int(time.time())
    return int(last) + int(settings.IDLE_TIMEOUT_SECONDS)


def session_clock(request: HttpRequest) -> dict:
    return {"session_deadline": session_deadline(request)}
