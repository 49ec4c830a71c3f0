"""Field encryption (Fernet under a rotatable key list) and keyed hashes for exact look-up."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("JIAYUAN_DATA_KEYS is not set")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.DATA_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # a key was removed before its values were rotated
        raise ImproperlyConfigured("a protected value cannot be decrypted with the configured keys") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content sealed under the newest key (authenticated: a changed byte fails to decrypt)."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken as exc:
        raise ImproperlyConfigured("a protected file cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value: equal values give equal hashes, the hash reveals nothing."""
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("JIAYUAN_INDEX_KEY is not set")
    message = f"{purpose}:{value}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:40]


def seal(value: str) -> str:
    """An opaque, tamper-proof token carrying `value` (e.g. a record id a page must not disclose)."""
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def unseal(token: str, *, max_age: int) -> str | None:
    """The value of a token made by `seal`, or None when it is forged or older than `max_age` seconds."""
    try:
        return fernet().decrypt(token.encode("ascii"), ttl=max_age).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        return None
