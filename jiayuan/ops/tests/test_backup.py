"""Backup and restore: every table comes back row by row, files too; a bad file or key changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from jiayuan.access.roles import Role
from jiayuan.audit.models import AccessLog, Action
from jiayuan.audit.services import access_log_write
from jiayuan.ops.backup import (
    RestoreError,
    _delete_all,
    backup_models,
    backup_restore,
    backup_write,
    raw_encrypted_values,
)
from jiayuan.ops.crypto import BackupDecryptError, derive_key
from jiayuan.people.models import Person
from jiayuan.people.services import PersonInput, person_update
from tests.factories import XIANGMIHU, actor_of, community_of, make_person, make_user


def _tables() -> dict[str, list[dict]]:
    with raw_encrypted_values():
        return {m._meta.label_lower: list(m._base_manager.order_by("pk").values()) for m in backup_models()}


def _some_data():
    home = community_of(XIANGMIHU, 0)
    worker = make_user(Role.COMMUNITY_WORKER, home)
    person = make_person(home, name="王秀英", phone="13800138000", address="香蜜湖路 1 号 2 栋 301")
    person_update(
        actor=actor_of(worker),
        person=person,
        expected_version=person.version,
        data=PersonInput(
            name="王秀英",
            division_code=home,
            id_type=person.id_type,
            id_number=person.id_number,
            address_detail="香蜜湖路 1 号 2 栋 302",
            notes="家暴求助，勿上门",
        ),
    )
    access_log_write(actor=actor_of(worker), action=Action.VIEW, obj=person, field_classes=["personal"])
    media = Path(settings.MEDIA_ROOT) / "attachments" / "probe-evidence.txt"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes("证据照片说明".encode())
    return person, media


def _wipe(media: Path) -> None:
    _delete_all(backup_models())
    media.unlink()


@pytest.mark.django_db
def test_backup_flush_restore_gives_every_row_and_file_back(tmp_path):
    person, media = _some_data()
    before = _tables()
    assert before["people.person"] and before["people.historicalperson"] and before["audit.accesslog"]
    stored = before["people.person"][-1]["address_detail"]
    assert stored.startswith("enc1:") and "香蜜湖" not in stored  # ciphertext, also inside the backup
    target = tmp_path / "jiayuan.backup"
    call_command("backup", output=str(target), stdout=io.StringIO())
    content = target.read_bytes()
    assert b"enc1:" not in content and "王秀英".encode() not in content  # the backup itself is encrypted

    _wipe(media)
    assert Person.objects.count() == 0 and AccessLog.objects.count() == 0
    call_command("restore", input=str(target), stdout=io.StringIO())

    after = _tables()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} differs after restore"
    assert media.read_bytes() == "证据照片说明".encode()
    assert Person.objects.get(pk=person.pk).notes == "家暴求助，勿上门"


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data():
    _some_data()
    buffer = io.BytesIO()
    backup_write(buffer)
    buffer.seek(0)
    with pytest.raises(RestoreError):
        backup_restore(buffer)


@pytest.mark.django_db
def test_a_tampered_truncated_or_wrongly_keyed_backup_restores_nothing():
    _, media = _some_data()
    buffer = io.BytesIO()
    backup_write(buffer)
    data = buffer.getvalue()
    _wipe(media)
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    for broken, key in [
        (bytes(tampered), None),
        (data[: len(data) - 40], None),
        (data, derive_key(b"another-installation-key-0123456789")),
    ]:
        with pytest.raises(BackupDecryptError):
            backup_restore(io.BytesIO(broken), key=key)
        assert Person.objects.count() == 0
    assert not media.exists()


@pytest.mark.django_db
def test_restore_command_reports_a_missing_file_in_chinese(tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", input=str(tmp_path / "none.backup"))
