"""Re-encrypting every protected field under the newest data key, without downtime.

Run with both keys configured, the new one first (`JIAYUAN_DATA_KEYS=new,old`): readers decrypt with
either, writers already use the new one. Rows are rotated in small batches, each in its own short
transaction. Values already under the newest key are skipped, so the command
can be interrupted and run again. When it reports nothing left, the old key can be removed.
Each batch locks its rows (SELECT ... FOR UPDATE) while it rewrites them with one UPDATE: an edit of one of
those rows waits a few milliseconds and then writes its own value, so nothing is lost or overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import Model

from jiayuan.core import crypto
from jiayuan.core.fields import PREFIX, EncryptedTextField

from .backup import backup_models, raw_encrypted_values


def encrypted_fields() -> list[tuple[type[Model], list[str]]]:
    """(model, [attnames]) for every model, history models included, that has protected fields."""
    found: list[tuple[type[Model], list[str]]] = []
    for model in backup_models():
        names = [f.attname for f in model._meta.local_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


@dataclass
class RotationReport:
    rotated: dict[str, int] = field(default_factory=dict)
    current: int = 0  # already under the newest key

    @property
    def total(self) -> int:
        return sum(self.rotated.values())


def _newest() -> Fernet:
    keys = settings.DATA_ENCRYPTION_KEYS
    return Fernet(keys[0].encode() if isinstance(keys[0], str) else keys[0])


def is_current(stored: str, newest: Fernet | None = None) -> bool:
    newest = newest or _newest()
    try:
        newest.decrypt(stored[len(PREFIX) :].encode("ascii"))
        return True
    except InvalidToken:
        return False


def rotate_all(*, batch_size: int = 500, dry_run: bool = False, say=None) -> RotationReport:
    say = say or (lambda *_: None)
    report = RotationReport()
    newest = _newest()
    for model, names in encrypted_fields():
        label = model._meta.label_lower
        manager = model._base_manager
        last_pk = None
        rotated = 0
        with raw_encrypted_values():
            while True:
                with transaction.atomic():
                    qs = manager.order_by("pk")
                    if last_pk is not None:
                        qs = qs.filter(pk__gt=last_pk)
                    if not dry_run:
                        # The batch's rows are locked until its commit (milliseconds): an edit of one of them
                        # waits and then writes its own value; readers never wait (MVCC).
                        qs = qs.select_for_update()
                    rows = list(qs.values_list("pk", *names)[:batch_size])
                    if not rows:
                        break
                    last_pk = rows[-1][0]
                    changed = []
                    for pk, *values in rows:
                        fresh = {}
                        for name, stored in zip(names, values):
                            if not stored or not stored.startswith(PREFIX):
                                continue
                            if is_current(stored, newest):
                                report.current += 1
                                continue
                            rotated += 1
                            fresh[name] = PREFIX + crypto.rotate(stored[len(PREFIX) :])
                        if fresh and not dry_run:
                            changed.append((pk, fresh))
                    for name in names:
                        objs = [model(pk=pk, **{name: fresh[name]}) for pk, fresh in changed if name in fresh]
                        if objs:
                            manager.bulk_update(objs, [name], batch_size=batch_size)
        report.rotated[label] = rotated
        if rotated:
            say(f"{label}: {rotated}")
    return report


def remaining_under_old_keys() -> int:
    """Protected values not yet under the newest key (0 means the old keys may be removed)."""
    newest = _newest()
    count = 0
    with raw_encrypted_values():
        for model, names in encrypted_fields():
            for row in model._base_manager.values_list(*names).iterator(chunk_size=2000):
                count += sum(1 for v in row if v and v.startswith(PREFIX) and not is_current(v, newest))
    return count
