"""Per-client rate limits for the public endpoints, counted in Django's cache (no personal data kept:
the client address is hashed with the secret key before it becomes a cache key)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# (requests, seconds) per client address; override with settings.LEGAL_RATE_LIMITS.
DEFAULT_LIMITS = {"ask": (20, 60), "callback": (5, 3600)}


def _limits(bucket: str) -> tuple[int, int]:
    return getattr(settings, "LEGAL_RATE_LIMITS", {}).get(bucket, DEFAULT_LIMITS[bucket])


def client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]


def allow(request, bucket: str) -> bool:
    """Count this request; False once the client is over the limit for the current window."""
    limit, window = _limits(bucket)
    key = f"legal:rl:{bucket}:{client_key(request)}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit


RATE_LIMITED_MESSAGE = "提问太频繁了，请稍等一分钟再试。如有紧急危险，请立即拨打 110；也可以拨打 12338 妇女维权热线。"
