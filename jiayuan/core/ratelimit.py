"""A small cache-based rate limiter for the doors anyone can knock on (login, tokens, the public legal chat).

    @rate_limit("login", methods=("POST",))
    def login_view(request): ...

Each scope has a budget per client IP and, where a user name is sent, per (IP, user name), counted over a
sliding window in the default cache (shared between workers when the cache is; see docs/operations.md). Over the
budget a page answers 429 with a Chinese message and a `Retry-After` header; an API operation (path under
/api/) raises `RateLimited`, which the API turns into `{"detail": ...}` with 429.
Budgets can be changed per scope in settings: `JIAYUAN_RATE_LIMITS = {"login": (30, 60), ...}`
(requests, window seconds).
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from .errors import ApplicationError

# scope -> (requests per window per IP, window seconds); a third value limits per (IP, user name).
DEFAULT_LIMITS: dict[str, tuple[int, int] | tuple[int, int, int]] = {
    "login": (30, 60, 10),
    "token": (30, 60, 10),
    "legal_chat": (20, 60),
    "legal_public": (60, 60),
    "legal_callback": (5, 3600),
    # Per signed-in user (check_key): Excel imports, existence checks that answer "registered elsewhere".
    "import": (20, 600),
    "exists_elsewhere": (20, 3600),
}
MESSAGE = "操作过于频繁，请稍后再试。"


class RateLimited(ApplicationError):
    status_code = 429

    def __init__(self, retry_after: int):
        super().__init__(MESSAGE)
        self.retry_after = retry_after


def _limits(scope: str):
    configured = getattr(settings, "JIAYUAN_RATE_LIMITS", {}) or {}
    return configured.get(scope) or DEFAULT_LIMITS.get(scope) or (60, 60)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _username(request) -> str:
    value = ""
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                import json

                body = json.loads(request.body or b"{}")
                value = body.get("username", "") if isinstance(body, dict) else ""
            except (ValueError, UnicodeDecodeError):
                value = ""
        else:
            value = request.POST.get("username", "")
    return str(value or "")[:150].strip().lower()


def _hit(key: str, limit: int, window: int) -> int | None:
    """Count one request; return the seconds to wait when over `limit`, else None.

    A sliding-window estimate over two clock-aligned windows: this window's count plus the previous window's,
    weighted by how much of it still lies within the last `window` seconds. A burst that straddles a window's
    edge is still counted whole (a plain fixed window would start again from zero there)."""
    now = time.time()
    start = int(now) - int(now) % window
    bucket = f"rl:{key}:{start}"
    if cache.add(bucket, 1, timeout=2 * window + 5):
        count = 1
    else:
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.add(bucket, 1, timeout=2 * window + 5)
            count = 1
    previous = cache.get(f"rl:{key}:{start - window}") or 0
    estimated = count + previous * (1 - (now - start) / window)
    if estimated > limit:
        return max(int(start + window - now), 1)
    return None


def check(request, scope: str) -> int | None:
    """Count the request against `scope`; seconds to wait if it is over budget."""
    limits = _limits(scope)
    per_ip, window = limits[0], limits[1]
    ip = _client_ip(request)
    wait = _hit(f"{scope}:ip:{ip}", per_ip, window)
    if len(limits) > 2:
        name = _username(request)
        if name:
            digest = hashlib.sha256(f"{ip}|{name}".encode()).hexdigest()[:24]
            wait = _hit(f"{scope}:user:{digest}", limits[2], window) or wait
    return wait


def check_key(scope: str, key: str) -> int | None:
    """Count one request against `scope` for `key` (e.g. a user id); seconds to wait if over budget."""
    limits = _limits(scope)
    return _hit(f"{scope}:{key}", limits[0], limits[1])


def rate_limit(scope: str, *, methods: tuple[str, ...] | None = None):
    """Limit a page view or an API operation; only `methods` count (all when None)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                wait = check(request, scope)
                if wait is not None:
                    if request.path.startswith("/api/"):
                        raise RateLimited(wait)
                    response = HttpResponse(
                        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>请稍后再试</title>'
                        f"</head><body><h1>请稍后再试</h1><p>{MESSAGE}</p></body></html>",
                        status=429,
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        wrapped.jiayuan_rate_limit = scope
        return wrapped

    return decorator
