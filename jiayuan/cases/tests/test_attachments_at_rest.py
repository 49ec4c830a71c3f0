"""Case attachments are encrypted on disk and come back only through the case's permission check."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiayuan.audit.models import AccessLog, Action
from jiayuan.cases import services
from tests.factories import actor_of

from .conftest import new_case

CONTENT = b"%PDF-1.4 \xe8\xb0\x83\xe8\xa7\xa3\xe5\x8d\x8f\xe8\xae\xae secret-marker-12345"


@pytest.mark.django_db
def test_attachment_is_ciphertext_on_disk_and_plain_through_the_scoped_view(world, client):
    case = new_case(world)
    attachment = services.case_attachment_add(
        actor=actor_of(world.street), case=case, upload=SimpleUploadedFile("协议.pdf", CONTENT)
    )
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert attachment.encrypted
    assert b"secret-marker" not in stored and not stored.startswith(b"%PDF")
    client.force_login(world.street)
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert AccessLog.objects.filter(action=Action.EXPORT, object_id=str(case.pk)).exists()
    # Someone outside the case's area gets the same 404 as for a missing file.
    client.force_login(world.worker3)
    assert client.get(url).status_code == 404
