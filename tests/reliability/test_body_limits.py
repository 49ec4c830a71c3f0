"""Request bodies are refused before they are read: anonymous ones tightly, signed-in ones at the upload size."""

from __future__ import annotations

import pytest
from django.test import Client

from jiayuan.access.roles import Role
from tests.factories import XIANGMIHU, make_user


class Endless:
    """A request body that is never meant to be read: reading it fails the test."""

    def read(self, *args):  # pragma: no cover - reaching this is the failure
        raise AssertionError("the body was read")

    readline = read


def _post(client: Client, path: str, length: int, **extra):
    return client.generic(
        "POST", path, b"", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=str(length), **extra
    )


@pytest.mark.django_db
def test_the_public_legal_chat_refuses_100_mb_unread():
    client = Client(enforce_csrf_checks=True)
    response = _post(client, "/legal/ask/", 100 * 1024 * 1024, **{"wsgi.input": Endless()})
    assert response.status_code == 413
    assert "过大" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_body_over_the_small_budget_is_refused(settings):
    settings.ANONYMOUS_BODY_MAX_BYTES = 64 * 1024
    client = Client()
    assert _post(client, "/accounts/login/", 65 * 1024, **{"wsgi.input": Endless()}).status_code == 413
    assert (
        _post(client, "/api/legal/ask", 65 * 1024, **{"wsgi.input": Endless()})
        .json()["detail"]
        .startswith("提交的内容过大")
    )
    # A normal question goes through.
    assert client.post("/legal/ask/", {"q": "离婚后孩子归谁"}).status_code < 500


@pytest.mark.django_db
def test_a_signed_in_user_may_send_an_attachment_but_not_more_than_the_cap(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    client = Client()
    client.force_login(make_user(Role.STREET_STAFF, XIANGMIHU))
    assert _post(client, "/cases/1/attach/", 2 * 1024 * 1024, **{"wsgi.input": Endless()}).status_code == 413
    # Within the cap the request reaches the view (which answers for itself: here the case does not exist).
    response = client.post("/cases/987654321/attach/", {"note": "x" * (100 * 1024)})
    assert response.status_code in (302, 404)
