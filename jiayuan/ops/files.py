"""Files sealed at rest: sealing the ones stored before sealing existed, and re-sealing under a new data key.

A model keeps its files sealed when it has a file field beside a boolean `encrypted` field (case attachments
today): the stored file is then the Fernet token of the content under the data keys (`core.crypto`). Found
by introspection, like the protected fields of `rotation.py`, so no app is named here.

Both operations go one row at a time and never overwrite the only copy: the new file is written under a new
name first, the row is switched to it in a short transaction that checks the row has not moved meanwhile,
and the old file is removed only after that commit. Interrupted, they leave at worst an unreferenced new
file; run again, they skip what is done. The content, the recorded size and the download path are unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from jiayuan.core import crypto

from .rotation import _newest

SEALED_SUFFIX = ".enc"


@dataclass
class FilesReport:
    done: dict[str, int] = field(default_factory=dict)
    already: int = 0  # already sealed (backfill) or under the newest key (rotation)
    missing: list[str] = field(default_factory=list)  # rows whose file is gone from storage

    @property
    def total(self) -> int:
        return sum(self.done.values())


def sealed_file_models() -> list[tuple[type[models.Model], str]]:
    """(model, file field name) of every model that keeps its files sealed."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        if not model._meta.label_lower.startswith(tuple(f"{c.label}." for c in _own_apps())):
            continue
        names = {f.name: f for f in model._meta.local_fields}
        flag = names.get("encrypted")
        if not isinstance(flag, models.BooleanField):
            continue
        files = [f.name for f in model._meta.local_fields if isinstance(f, models.FileField)]
        found.extend((model, name) for name in files)
    return sorted(found, key=lambda pair: pair[0]._meta.label_lower)


def _own_apps():
    return [c for c in apps.get_app_configs() if c.name.startswith("jiayuan.")]


def _read(fieldfile) -> bytes | None:
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _new_name(instance, file_field: models.FileField, old_name: str) -> str:
    """Where the sealed file goes: the model's own upload path, named by time and type, never by the user's
    file name (which can name a person)."""
    _root, ext = os.path.splitext(old_name[: -len(SEALED_SUFFIX)] if old_name.endswith(SEALED_SUFFIX) else old_name)
    return file_field.generate_filename(instance, f"{timezone.now():%Y%m%d%H%M%S%f}{ext.lower()[:10]}{SEALED_SUFFIX}")


def _switch(instance, file_name: str, new_content: bytes, *, sealed_before: bool) -> bool:
    """Write the new file, point the row at it if the row still holds the old one, then drop the old file."""
    model = type(instance)
    old = getattr(instance, file_name)
    old_name, storage = old.name, old.storage
    saved = storage.save(_new_name(instance, model._meta.get_field(file_name), old_name), ContentFile(new_content))
    with transaction.atomic():
        # The model's own manager may refuse updates (append-only records); this changes how the content is
        # stored, never what it is, so it goes through the base manager, guarded by the values read.
        switched = model._base_manager.filter(
            pk=instance.pk, **{file_name: old_name, "encrypted": sealed_before}
        ).update(**{file_name: saved, "encrypted": True})
        if switched:
            transaction.on_commit(lambda: storage.delete(old_name))
    if not switched:
        storage.delete(saved)  # the row moved meanwhile (another run got there first)
    return bool(switched)


def _batches(model, file_name: str, *, sealed: bool):
    """The rows holding a file, sealed or not, in batches of 100 by primary key."""
    last = None
    while True:
        qs = model._base_manager.filter(encrypted=sealed).exclude(**{file_name: ""}).order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        batch = list(qs[:100])
        if not batch:
            return
        last = batch[-1].pk
        yield batch


def seal_plain_files(*, dry_run: bool = False, say: Callable[[str], None] | None = None) -> FilesReport:
    """Seal every file stored before sealing existed (`encrypted=False`) under the newest data key."""
    say = say or (lambda *_: None)
    report = FilesReport()
    for model, file_name in sealed_file_models():
        label = model._meta.label_lower
        count = 0
        report.already += model._base_manager.filter(encrypted=True).exclude(**{file_name: ""}).count()
        for batch in _batches(model, file_name, sealed=False):
            for instance in batch:
                data = _read(getattr(instance, file_name))
                if data is None:
                    report.missing.append(f"{label} {instance.pk}")
                    continue
                if dry_run or _switch(instance, file_name, crypto.encrypt_bytes(data), sealed_before=False):
                    count += 1
        report.done[label] = count
        if count:
            say(f"{label}: {count}")
    return report


def _is_current(token: bytes, newest: Fernet) -> bool:
    try:
        newest.decrypt(token)
        return True
    except InvalidToken:
        return False


def rotate_sealed_files(*, dry_run: bool = False, say: Callable[[str], None] | None = None) -> FilesReport:
    """Re-seal every sealed file not yet under the newest data key."""
    say = say or (lambda *_: None)
    report = FilesReport()
    newest = _newest()
    for model, file_name in sealed_file_models():
        label = model._meta.label_lower
        count = 0
        for batch in _batches(model, file_name, sealed=True):
            for instance in batch:
                token = _read(getattr(instance, file_name))
                if token is None:
                    report.missing.append(f"{label} {instance.pk}")
                    continue
                if _is_current(token, newest):
                    report.already += 1
                    continue
                fresh = crypto.fernet().rotate(token)
                if dry_run or _switch(instance, file_name, fresh, sealed_before=True):
                    count += 1
        report.done[label] = count
        if count:
            say(f"{label}: {count}")
    return report


def files_left() -> tuple[int, int]:
    """(files stored unsealed, sealed files not under the newest key)."""
    newest = _newest()
    plain = old = 0
    for model, file_name in sealed_file_models():
        plain += model._base_manager.filter(encrypted=False).exclude(**{file_name: ""}).count()
        for batch in _batches(model, file_name, sealed=True):
            for instance in batch:
                token = _read(getattr(instance, file_name))
                if token is not None and not _is_current(token, newest):
                    old += 1
    return plain, old
