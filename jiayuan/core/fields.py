"""Model fields whose value is encrypted in the database (and so in history tables and backups)."""

from __future__ import annotations

import contextlib
import threading

from django.db import models

from . import crypto

PREFIX = "enc1:"
_raw = threading.local()


@contextlib.contextmanager
def raw_values():
    """Within the block, this thread reads and writes protected fields as stored (ciphertext).

    For backup, restore and key rotation only: nothing is decrypted, and stored tokens are written back
    as they are. Outside it, any text a user types (even one that looks like a token) is encrypted.
    """
    previous = getattr(_raw, "on", False)
    _raw.on = True
    try:
        yield
    finally:
        _raw.on = previous


def _raw_mode() -> bool:
    return getattr(_raw, "on", False)


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext.

    Not usable for look-ups: pair it with a blind-index column for exact matches.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or _raw_mode():
            return value
        if value.startswith(PREFIX):
            return crypto.decrypt(value[len(PREFIX) :])
        return value

    def to_python(self, value):
        # Python-side values are plaintext; only the database holds tokens (see raw_values()).
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if _raw_mode() and isinstance(value, str) and value.startswith(PREFIX):
            return value
        return PREFIX + crypto.encrypt(str(value))
