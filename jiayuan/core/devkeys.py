"""Development keys for the embedded default, generated once into var/ and kept there."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


def ensure_dev_keys(var_dir: Path) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "dev-keys.json"
    fresh = {
        "secret_key": lambda: secrets.token_urlsafe(50),
        "data_key": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "index_key": lambda: secrets.token_urlsafe(32),
        "audit_key": lambda: secrets.token_urlsafe(32),  # the access log's MAC key (added later: filled in)
    }
    keys = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if all(name in keys for name in fresh):
        return keys
    for name, make in fresh.items():
        keys.setdefault(name, make())
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(keys), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return keys
