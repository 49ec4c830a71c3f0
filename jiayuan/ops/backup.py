"""Consistent, encrypted backups of the whole database and the uploaded files, and their restore.

A backup is a tar stream, encrypted in chunks (`ops/crypto.py`), holding
    meta.json                      format, time, database vendor, applied migrations, model list
    data/<app_label>.<model>.jsonl every row of every model (history, access log, join tables included),
                                   in Django's JSON-lines serialization; protected fields stay ciphertext
    media/<path>                   every uploaded file
    counts.json                    rows per model, checked after the restore
All tables are read in one transaction (REPEATABLE READ on PostgreSQL): one snapshot, writers go on.
`restore` loads into an empty, migrated database in one transaction; rows keep their primary keys and
are compared to the counts before the commit.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
import tempfile
import time
from pathlib import Path
from typing import IO, cast

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from jiayuan.core.fields import raw_values

from .crypto import DecryptingReader, EncryptingWriter, derive_key

FORMAT = 1
BATCH = 1000
# Tables that hold user data: a restore refuses a database where any of them has rows.
GUARD_MODELS = ["accounts.User", "people.Person", "audit.AccessLog"]


class RestoreError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        import datetime as dt

        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


@contextlib.contextmanager
def raw_encrypted_values():
    """Within the block, protected fields are read and written as stored (ciphertext), never decrypted."""
    with raw_values():
        yield


@contextlib.contextmanager
def stored_timestamps(models):
    """Within the block, auto_now/auto_now_add fields keep the value given (restored rows keep their times)."""
    saved = []
    for model in models:
        for f in model._meta.local_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def backup_models() -> list[type[Model]]:
    """Every concrete model with a table, including auto-created join tables and history models."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def _field_names(model) -> list[str]:
    return [f.name for f in model._meta.local_fields if f.serialize]


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([list(key) for key in recorder.applied_migrations()])


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


@contextlib.contextmanager
def _snapshot():
    """One read snapshot for every table."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def backup_write(out, *, key: bytes | None = None, media_root: Path | None = None, say=None) -> dict:
    """Write an encrypted backup to the binary file object `out`; return the rows per model."""
    say = say or (lambda *_: None)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    writer = EncryptingWriter(out, key or derive_key())
    counts: dict[str, int] = {}
    # A stream: tarfile writes it front to back and never seeks (the writer has write and close only).
    with tarfile.open(fileobj=cast(IO[bytes], writer), mode="w|") as tar, _snapshot(), raw_encrypted_values():
        models = backup_models()
        meta = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": _applied_migrations(),
            "models": [m._meta.label_lower for m in models],
        }
        _add_bytes(tar, "meta.json", json.dumps(meta, ensure_ascii=False).encode())
        for model in models:
            label = model._meta.label_lower
            with tempfile.TemporaryFile() as spool:
                text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
                qs = model._base_manager.order_by("pk")
                count = 0

                def rows(qs=qs):
                    nonlocal count
                    for obj in qs.iterator(chunk_size=BATCH):
                        count += 1
                        yield obj

                serializers.serialize("jsonl", rows(), stream=text, fields=_field_names(model), cls=ExactJSONEncoder)
                text.flush()
                size = spool.tell()
                spool.seek(0)
                info = tarfile.TarInfo(f"data/{label}.jsonl")
                info.size = size
                info.mtime = int(time.time())
                info.mode = 0o600
                tar.addfile(info, spool)
                text.detach()
            counts[label] = count
            if count:
                say(f"{label}: {count}")
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(str(path), arcname="media/" + path.relative_to(media_root).as_posix(), recursive=False)
        _add_bytes(tar, "counts.json", json.dumps(counts).encode())
    writer.close()
    return counts


def _delete_all(models) -> None:
    with connection.cursor() as cursor:
        for model in reversed(models):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _reset_sequences(models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _load_rows(model, lines: list[str]) -> int:
    items = list(serializers.deserialize("jsonl", lines, ignorenonexistent=False))
    if model._meta.parents:  # multi-table inheritance: bulk_create cannot; a raw save writes this table only
        for item in items:
            item.save()
    else:
        model._base_manager.bulk_create([item.object for item in items], batch_size=500)
    return len(items)


def _load_stream(model, handle) -> int:
    count, batch = 0, []
    while True:
        raw = handle.readline()
        if not raw:
            break
        line = raw.decode("utf-8")
        if line.strip():
            batch.append(line)
        if len(batch) >= BATCH:
            count += _load_rows(model, batch)
            batch = []
    if batch:
        count += _load_rows(model, batch)
    return count


def _safe_media_path(media_root: Path, name: str) -> Path:
    relative = name[len("media/") :]
    target = (media_root / relative).resolve()
    if not str(target).startswith(str(media_root.resolve()) + os.sep):
        raise RestoreError(f"备份中的文件路径不安全：{relative}")
    return target


def database_is_empty() -> bool:
    for label in GUARD_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._base_manager.exists():
            return False
    return True


def backup_restore(
    source, *, key: bytes | None = None, media_root: Path | None = None, say=None, require_empty: bool = True
) -> dict:
    """Load a backup into an empty, migrated database (one transaction) and its files into MEDIA_ROOT."""
    say = say or (lambda *_: None)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if require_empty and not database_is_empty():
        raise RestoreError("目标数据库不是空库：恢复只能在新安装、已迁移的空数据库上进行。")
    reader = DecryptingReader(source, key or derive_key())
    by_label = {m._meta.label_lower: m for m in backup_models()}
    loaded: dict[str, int] = {}
    expected: dict[str, int] | None = None
    media_files: list[tuple[Path, bytes]] = []
    with transaction.atomic(), raw_encrypted_values(), stored_timestamps(by_label.values()):
        with tarfile.open(fileobj=cast(IO[bytes], reader), mode="r|") as tar:  # read front to back
            for member in tar:
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is None:
                    continue
                if member.name.startswith("data/"):
                    label = member.name[len("data/") : -len(".jsonl")]
                    if label not in by_label:
                        raise RestoreError(f"目标安装缺少备份中的数据表：{label}")
                    loaded[label] = _load_stream(by_label[label], handle)
                    if loaded[label]:
                        say(f"{label}: {loaded[label]}")
                    continue
                data = handle.read()
                if member.name == "meta.json":
                    meta = json.loads(data)
                    if meta.get("format") != FORMAT:
                        raise RestoreError("备份格式版本不受支持。")
                    here = {tuple(m) for m in _applied_migrations()}
                    missing = [f"{a}.{n}" for a, n in meta["migrations"] if (a, n) not in here]
                    if missing:
                        raise RestoreError(
                            "目标数据库缺少备份时已有的迁移，请先升级并执行 migrate：" + ", ".join(missing[:5])
                        )
                    unknown = [label for label in meta["models"] if label not in by_label]
                    if unknown:
                        raise RestoreError("目标安装缺少备份中的数据表：" + ", ".join(unknown[:5]))
                    _delete_all(list(by_label.values()))
                elif member.name.startswith("media/"):
                    media_files.append((_safe_media_path(media_root, member.name), data))
                elif member.name == "counts.json":
                    expected = json.loads(data)
        if expected is None:
            raise RestoreError("备份文件不完整：缺少结尾的行数记录。")
        wrong = [label for label, n in expected.items() if loaded.get(label, 0) != n]
        if wrong:
            raise RestoreError("恢复的行数与备份不符：" + ", ".join(wrong[:5]))
        _reset_sequences(list(by_label.values()))
        connection.check_constraints()
    for path, data in media_files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return loaded
