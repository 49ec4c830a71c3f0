"""Test settings: fast hashing, fixed throwaway keys, tasks run at once."""

from __future__ import annotations

from .base import *

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
# Throwaway keys for the test run only.
DATA_ENCRYPTION_KEYS = ["dzVetGtHfWxHuTRXqqHSCpAF1bX8X0o-x5R1MTD3Fnw="]
BLIND_INDEX_KEY = "test-blind-index-key-0123456789abcdef0123456789"
AUDIT_CHAIN_KEY = "test-audit-chain-key-0123456789abcdef0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Each test process keeps its own cache even when REDIS_URL is set for the distributed tests.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jiayuan-test"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jiayuan-test-progress"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
import tempfile as _tempfile
from pathlib import Path as _Path

MEDIA_ROOT = _Path(_tempfile.mkdtemp(prefix="jiayuan-media-"))
AUDIT_LOG_FLUSHABLE_FOR_TESTS = True
AUDIT_CHECKPOINT_DIR = str(_Path(_tempfile.mkdtemp(prefix="jiayuan-audit-checkpoints-")))
STATIC_ROOT = _Path(_tempfile.mkdtemp(prefix="jiayuan-static-"))
WHITENOISE_USE_FINDERS = True
