"""No personal data in logs or error pages, even when a request carrying it fails."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

ID_NUMBER = "110101199003077758"
PHONE = "13912345678"


def _console_handler():
    for handler in logging.getLogger("django.request").handlers:
        if isinstance(handler, logging.StreamHandler):
            return handler
    raise AssertionError("django.request has no console handler")


@pytest.fixture
def log_output():
    """What the configured console handler (with its scrubbing filter) actually writes."""
    handler = _console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.urls("tests.reliability.boom_urls")
@pytest.mark.parametrize("url", ["/boom/", "/api/boom/"])
@pytest.mark.django_db
def test_a_failing_request_with_personal_data_leaks_it_nowhere(url, settings, caplog, log_output):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    request_logger = logging.getLogger("django.request")
    request_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO):
            response = client.post(
                f"{url}?id_number={ID_NUMBER}&phone={PHONE}", {"id_number": ID_NUMBER, "phone": PHONE, "name": "王秀英"}
            )
    finally:
        request_logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    body = response.content.decode()
    assert ID_NUMBER not in body and PHONE not in body and "王秀英" not in body
    assert "错误" in (response.json()["detail"] if url.startswith("/api/") else body)
    written = log_output.getvalue()
    assert "Internal Server Error" in written and "ValueError" in written  # the error is still logged
    assert ID_NUMBER not in written and PHONE not in written
    captured = caplog.text + "".join(logging.Formatter().format(r) for r in caplog.records)
    assert ID_NUMBER not in captured and PHONE not in captured


@pytest.mark.django_db
def test_not_found_pages_do_not_echo_the_request(client):
    for url in [f"/people/{ID_NUMBER}/", f"/no-such-page/?phone={PHONE}", f"/api/people/{ID_NUMBER}"]:
        response = client.get(url)
        assert response.status_code in (404, 302, 401)
        assert ID_NUMBER not in response.content.decode() and PHONE not in response.content.decode()
