"""Signing in: failures logged and locked out, successes logged, idle sessions end, CSRF and security headers."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from jiayuan.audit.models import AccessLog, Action
from tests.factories import PASSWORD, XIANGMIHU, make_user


@pytest.fixture
def user(db):
    return make_user(Role.STREET_STAFF, XIANGMIHU, username="linxuefang")


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_successful_login_is_logged(client, user):
    response = _login(client, "linxuefang", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    row = AccessLog.objects.get(action=Action.LOGIN)
    assert row.user_id == user.pk and row.ip == "127.0.0.1" and row.posting_id is not None
    assert client.get("/").status_code == 200


def test_failed_login_is_logged_with_a_chinese_message(client, user):
    response = _login(client, "linxuefang", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    row = AccessLog.objects.get(action=Action.LOGIN_FAILED)
    assert row.username == "linxuefang" and row.user_id is None
    assert client.get("/").status_code == 302  # still signed out


def test_five_failures_lock_the_account(client, user):
    for _ in range(4):
        assert _login(client, "linxuefang", "wrong-password").status_code == 200
    locked = _login(client, "linxuefang", "wrong-password")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    # Even the right password is refused now, and nobody is signed in.
    again = _login(client, "linxuefang", PASSWORD)
    assert again.status_code == 429 and "账号已暂时锁定" in again.content.decode()
    assert client.get("/").status_code == 302
    assert AccessLog.objects.filter(action=Action.LOGIN_FAILED).count() == 6
    assert not AccessLog.objects.filter(action=Action.LOGIN).exists()
    # The API's token door is locked too.
    response = client.post(
        "/api/token", {"username": "linxuefang", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json() == {"detail": "登录失败次数过多，账号已暂时锁定，请 30 分钟后再试。"}
    assert ApiToken.objects.count() == 0


def test_idle_session_ends_after_thirty_minutes(client, user):
    client.force_login(user)
    assert client.get("/").status_code == 200
    session = client.session
    assert session["last_seen"] <= int(time.time())
    session["last_seen"] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS + 60
    session.save()
    assert client.get("/").status_code == 200  # 29 minutes: still in
    session = client.session
    session["last_seen"] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS - 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get("/people/").status_code == 302


def test_login_post_needs_csrf(user):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "linxuefang", PASSWORD).status_code == 403
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/", {"username": "linxuefang", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_pages_post_needs_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/accounts/logout/").status_code == 403


def test_security_headers(client, user):
    for response in (client.get("/accounts/login/"), client.get("/api/openapi.json")):
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cache-Control"] == "no-store"
    client.force_login(user)
    response = client.get("/people/")
    assert response["Cache-Control"] == "no-store" and response["X-Frame-Options"] == "DENY"


def test_passwords_are_hashed_with_argon2_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert base.AXES_FAILURE_LIMIT == 5 and base.IDLE_TIMEOUT_SECONDS == 30 * 60


def test_logout_is_logged_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.post("/accounts/logout/").status_code == 302
    assert AccessLog.objects.filter(action=Action.LOGOUT, user=user).exists()
    assert client.get("/").status_code == 302


def test_open_redirect_after_login_is_refused(client, user):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "linxuefang", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"


def test_api_with_the_session_needs_csrf_for_writes(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/me").status_code == 200
    response = client.post(
        "/api/people", {"name": "王芳", "division_code": XIANGMIHU + "001"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_logs_are_scrubbed_of_identifiers():
    import logging

    from jiayuan.core.logging import ScrubPersonalDataFilter, scrub

    assert (
        scrub("身份证 44030419900307123X 手机 +8613812345678 座机 0755-83456789")
        == "身份证 [身份证号] 手机 [手机号] 座机 [电话]"
    )
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "查询 %s", ("440304201506150028",), None)
    ScrubPersonalDataFilter().filter(record)
    assert record.getMessage() == "查询 [身份证号]"
