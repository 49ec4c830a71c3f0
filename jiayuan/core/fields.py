"""Model fields whose value is encrypted in the database (and so in history tables and backups)."""
from __future__ import annotations

from django.db import models

from . import crypto

PREFIX = "enc1:"


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext.

    Not usable for look-ups: pair it with a blind-index column for exact matches.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        if value.startswith(PREFIX):
            return crypto.decrypt(value[len(PREFIX):])
        return value

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return crypto.decrypt(value[len(PREFIX):])
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and value.startswith(PREFIX):
            return value
        return PREFIX + crypto.encrypt(str(value))
