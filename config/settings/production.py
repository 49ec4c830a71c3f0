"""Production: every secret from the environment, HTTPS only, PostgreSQL by DATABASE_URL."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import AUDIT_CHAIN_KEY, BLIND_INDEX_KEY, DATA_ENCRYPTION_KEYS, SECRET_KEY, env_bool

DEBUG = False
if not SECRET_KEY or not DATA_ENCRYPTION_KEYS or not BLIND_INDEX_KEY or not AUDIT_CHAIN_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY, JIAYUAN_DATA_KEYS, JIAYUAN_INDEX_KEY and JIAYUAN_AUDIT_KEY must be set in production"
    )

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The container's own health check calls the web server directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# One cache shared by every worker process: sessions are cached (cached_db), rate-limit counters live
# there too. A per-process memory cache would let a session signed out in one worker stay valid in
# another, and would multiply every rate limit by the number of workers. With REDIS_URL the base settings
# already put it on the shared Redis (every host); without, a file cache shared on this host.
import os as _os

from .base import REDIS_URL as _REDIS_URL
from .base import VAR_DIR as _VAR_DIR

if not _REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _os.environ.get("JIAYUAN_CACHE_DIR", str(_VAR_DIR / "cache")),
        },
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _os.environ.get("JIAYUAN_CACHE_DIR", str(_VAR_DIR / "cache")) + "-progress",
        },
    }
