"""The embedded default: SQLite in var/, development keys generated into var/ on first run."""

from __future__ import annotations

import os

from jiayuan.core.devkeys import ensure_dev_keys

from .base import *
from .base import DATA_ENCRYPTION_KEYS, VAR_DIR, env_bool

# Off unless asked for: a newcomer meets the product's own Chinese 404 and 500 pages, not Django's technical
# pages (WhiteNoise serves the static files either way).
DEBUG = env_bool("DJANGO_DEBUG", False)
_keys = ensure_dev_keys(VAR_DIR)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _keys["secret_key"]
DATA_ENCRYPTION_KEYS = DATA_ENCRYPTION_KEYS or [_keys["data_key"]]
BLIND_INDEX_KEY = os.environ.get("JIAYUAN_INDEX_KEY") or _keys["index_key"]
AUDIT_CHAIN_KEY = os.environ.get("JIAYUAN_AUDIT_KEY") or _keys["audit_key"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
