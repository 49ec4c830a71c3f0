"""Streaming authenticated encryption for backups (AES-256-GCM in 1 MiB chunks).

File layout: MAGIC, a 7-byte random file id, then chunks of [4-byte big-endian length][ciphertext]. Each
chunk's nonce is the file id + a 4-byte counter + a 1-byte "final" flag, and the header is authenticated
with every chunk, so chunks cannot be reordered, dropped, spliced from another backup or cut off.
The AES key is derived (HKDF-SHA256) from `JIAYUAN_BACKUP_KEY`, or from the first data key when unset.
"""

from __future__ import annotations

import base64
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"JYBAK1\n"
CHUNK = 1024 * 1024


class BackupDecryptError(Exception):
    pass


def backup_key_material() -> bytes:
    raw = os.environ.get("JIAYUAN_BACKUP_KEY") or getattr(settings, "BACKUP_KEY", "") or ""
    if not raw:
        keys = settings.DATA_ENCRYPTION_KEYS
        if not keys:
            raise ImproperlyConfigured("JIAYUAN_BACKUP_KEY or JIAYUAN_DATA_KEYS must be set to encrypt backups")
        raw = keys[0]
    try:
        material = base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4))
        if len(material) < 32:
            raise ValueError
    except ValueError:
        material = raw.encode("utf-8")
    if len(material) < 16:
        raise ImproperlyConfigured("the backup key is too short")
    return material


def derive_key(material: bytes | None = None) -> bytes:
    material = material if material is not None else backup_key_material()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiayuan-backup-v1", info=b"backup").derive(material)


class EncryptingWriter:
    """A write-only file object: what is written goes out encrypted, chunk by chunk."""

    def __init__(self, out, key: bytes):
        self._out = out
        self._aes = AESGCM(key)
        self._file_id = os.urandom(7)
        self._header = MAGIC + self._file_id
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def _emit(self, data: bytes | bytearray, final: bool) -> None:
        nonce = self._file_id + struct.pack(">IB", self._counter, 1 if final else 0)
        sealed = self._aes.encrypt(nonce, bytes(data), self._header)
        self._out.write(struct.pack(">I", len(sealed)))
        self._out.write(sealed)
        self._counter += 1

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(self._buffer[:CHUNK], final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(self._buffer, final=True)
            self._buffer = bytearray()
            self._closed = True

    def flush(self) -> None:
        pass


class DecryptingReader:
    """A read-only file object over an encrypted backup; fails on any tampering or truncation."""

    def __init__(self, source, key: bytes):
        self._src = source
        self._aes = AESGCM(key)
        header = source.read(len(MAGIC) + 7)
        if len(header) != len(MAGIC) + 7 or not header.startswith(MAGIC):
            raise BackupDecryptError("不是家园备份文件，或文件已损坏。")
        self._header = header
        self._file_id = header[len(MAGIC) :]
        self._buffer = b""
        self._counter = 0
        self._done = False

    def _next(self) -> None:
        size = self._src.read(4)
        if len(size) != 4:
            raise BackupDecryptError("备份文件不完整（被截断）。")
        (length,) = struct.unpack(">I", size)
        sealed = self._src.read(length)
        if len(sealed) != length:
            raise BackupDecryptError("备份文件不完整（被截断）。")
        for final in (0, 1):
            nonce = self._file_id + struct.pack(">IB", self._counter, final)
            try:
                plain = self._aes.decrypt(nonce, sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            self._buffer += plain
            self._done = bool(final)
            return
        raise BackupDecryptError("无法解密备份：密钥不正确，或文件已被篡改。")

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._next()
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
