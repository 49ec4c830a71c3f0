"""Attachments stored before encryption at rest are sealed by `encrypt_attachments`; `rotate_key` re-seals
attachment files under the new data key. Throughout, the download through the case's permission check gives
back the same bytes, and no plaintext copy (or the user's file name) is left in storage."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from jiayuan.cases import services
from jiayuan.cases.models import CaseAttachment
from tests.factories import actor_of

from .conftest import new_case

CONTENT = b"%PDF-1.4 \xe9\xaa\x8c\xe4\xbc\xa4\xe6\x8a\xa5\xe5\x91\x8a legacy-marker-67890"
OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _stored(attachment: CaseAttachment) -> bytes:
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        return handle.read()


def _download(client, attachment: CaseAttachment) -> bytes:
    response = client.get(f"/cases/{attachment.case_id}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _legacy(case, name: str) -> CaseAttachment:
    """An attachment as stored before encryption at rest: the plain file under the uploader's file name."""
    attachment = CaseAttachment(
        case=case, name=name, content_type="application/pdf", size=len(CONTENT), at=timezone.now(), encrypted=False
    )
    attachment.file.save(name, ContentFile(CONTENT), save=False)
    attachment.save()
    return attachment


@pytest.mark.django_db
def test_backfill_seals_legacy_attachments_and_the_download_is_unchanged(
    world, client, django_capture_on_commit_callbacks
):
    case = new_case(world)
    legacy = [_legacy(case, "王秀英验伤报告.pdf"), _legacy(case, "调解协议.pdf")]
    sealed = services.case_attachment_add(
        actor=actor_of(world.street), case=case, upload=SimpleUploadedFile("新.pdf", CONTENT)
    )
    storage = legacy[0].file.storage
    old_names = [a.file.name for a in legacy]
    sealed_name = sealed.file.name
    client.force_login(world.street)
    assert _stored(legacy[0]) == CONTENT and _download(client, legacy[0]) == CONTENT

    out = io.StringIO()
    call_command("encrypt_attachments", "--dry-run", stdout=out)
    assert "需加密 2 个附件文件；此前已加密 1 个" in out.getvalue()
    assert CaseAttachment.objects.filter(encrypted=False).count() == 2  # a dry run changes nothing

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("encrypt_attachments", stdout=out)
    assert "已加密 2 个附件文件" in out.getvalue() and "全部附件文件均已加密存储" in out.getvalue()
    for before, name in zip(legacy, old_names):
        after = CaseAttachment.objects.get(pk=before.pk)
        assert after.encrypted and after.file.name != name
        assert "王秀英" not in after.file.name and after.file.name.endswith(".pdf.enc")
        stored = _stored(after)
        assert b"legacy-marker" not in stored and not stored.startswith(b"%PDF")
        assert not storage.exists(name), "the plaintext file must be gone"
        assert _download(client, after) == CONTENT
        assert (after.name, after.size) == (before.name, before.size)
    assert CaseAttachment.objects.get(pk=sealed.pk).file.name == sealed_name  # already sealed: untouched

    out = io.StringIO()
    call_command("encrypt_attachments", stdout=out)  # run again: nothing left
    assert "已加密 0 个附件文件；此前已加密 3 个" in out.getvalue()


@pytest.mark.django_db
def test_rotate_key_reseals_attachment_files_under_the_new_key(
    world, client, settings, django_capture_on_commit_callbacks
):
    before = list(settings.DATA_ENCRYPTION_KEYS)  # the test data's own protected values
    with override_settings(DATA_ENCRYPTION_KEYS=[OLD, *before]):
        case = new_case(world)
        attachment = services.case_attachment_add(
            actor=actor_of(world.street), case=case, upload=SimpleUploadedFile("协议.pdf", CONTENT)
        )
        legacy = _legacy(case, "旧附件.pdf")
    old_token, old_name = _stored(attachment), attachment.file.name
    assert Fernet(OLD.encode()).decrypt(old_token) == CONTENT
    client.force_login(world.street)

    with override_settings(DATA_ENCRYPTION_KEYS=[NEW, OLD, *before]):
        out, err = io.StringIO(), io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rotate_key", stdout=out, stderr=err)
        assert "已重新加密 1 个附件文件" in out.getvalue()
        assert "可以从 JIAYUAN_DATA_KEYS 中移除旧密钥" in out.getvalue()
        assert "1 个早期附件文件尚未加密" in err.getvalue()  # the legacy one is the backfill's job
        out = io.StringIO()
        call_command("rotate_key", stdout=out)  # resumable: nothing left
        assert "已重新加密 0 个附件文件；已是新密钥 1 个" in out.getvalue()

    rotated = CaseAttachment.objects.get(pk=attachment.pk)
    token = _stored(rotated)
    assert rotated.file.name != old_name and not attachment.file.storage.exists(old_name)
    assert Fernet(NEW.encode()).decrypt(token) == CONTENT
    with override_settings(DATA_ENCRYPTION_KEYS=[NEW]):  # the old key is gone: still readable
        assert _download(client, rotated) == CONTENT
        assert _download(client, legacy) == CONTENT
