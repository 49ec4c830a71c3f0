"""Accounts: lockout per account across addresses with the security officer's unlock, the trusted proxy,
tokens with a purpose and a short life (revoked by holder or officer, idle timeout), password changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from jiayuan.administration.accounts import services
from jiayuan.audit.models import AccessLog, Action
from jiayuan.core.errors import ApplicationError
from tests.factories import FUTIAN, XIANGMIHU, make_user

PASSWORD = "Jiayuan@2026"


@pytest.fixture
def staff(db):
    user = make_user(Role.STREET_STAFF, XIANGMIHU, username="jiedao-t")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(address: str, password: str, username: str = "jiedao-t"):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def test_lockout_follows_the_account_across_addresses_and_the_officer_unlocks(staff, settings):
    from django.core.cache import cache

    cache.clear()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(f"10.0.0.{i + 1}", "wrong-password")  # five addresses, one failure each
    locked = _login("10.9.9.9", PASSWORD)  # the right password, from yet another address
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    officer = make_user(Role.SECURITY_OFFICER, FUTIAN)
    client = Client()
    client.force_login(officer)
    assert "jiedao-t" in client.get("/accounts/locked/").content.decode()
    client.post("/accounts/locked/", {"username": "jiedao-t"})
    assert AccessLog.objects.filter(user=officer, detail__event="unlock").exists()
    assert _login("10.9.9.9", PASSWORD).status_code == 302
    # Only the security officer unlocks: an administrator's page is not there.
    admin = make_user(Role.SYSADMIN, "440300")
    client.force_login(admin)
    assert client.get("/accounts/locked/").status_code == 404
    cache.clear()


def test_the_client_address_comes_from_a_trusted_proxy_only(staff, settings):
    from django.test import override_settings

    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        behind = Client(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.1.2.3")
        behind.post("/accounts/login/", {"username": "jiedao-t", "password": PASSWORD})
        assert AccessLog.objects.filter(action=Action.LOGIN, user=staff).latest("id").ip == "203.0.113.7"
        # A client that is not our proxy cannot choose its address by sending the header itself.
        direct = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
        direct.post("/accounts/login/", {"username": "jiedao-t", "password": PASSWORD})
        assert AccessLog.objects.filter(action=Action.LOGIN, user=staff).latest("id").ip == "198.51.100.9"


def test_tokens_have_a_purpose_a_short_life_and_the_idle_timeout(staff, client, settings):
    response = client.post(
        "/api/token",
        {"username": "jiedao-t", "password": PASSWORD, "purpose": "移动端"},
        content_type="application/json",
    )
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.purpose == "移动端" and token.interactive
    assert token.expires_at - token.created_at <= dt.timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}
    assert client.get("/api/me", **auth).status_code == 200
    # Idle past the timeout: refused, like a session.
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(seconds=settings.IDLE_TIMEOUT_SECONDS + 60)
    )
    assert client.get("/api/me", **auth).status_code == 401
    # A machine token (not interactive) is not ended by idleness.
    machine, raw = ApiToken.issue(staff, days=30, purpose="对接", interactive=False)
    ApiToken.objects.filter(pk=machine.pk).update(last_used_at=timezone.now() - dt.timedelta(days=3))
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_the_holder_and_the_security_officer_revoke_tokens_and_nobody_else(staff):
    token, raw = ApiToken.issue(staff, hours=8, purpose="测试")
    other = make_user(Role.STREET_STAFF, XIANGMIHU)
    stranger = Client()
    stranger.force_login(other)
    assert stranger.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    holder = Client()
    holder.force_login(staff)
    assert "测试" in holder.get("/accounts/tokens/").content.decode()
    holder.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    second, raw2 = ApiToken.issue(staff, hours=8, purpose="第二个")
    officer = make_user(Role.SECURITY_OFFICER, FUTIAN)
    officer_client = Client()
    officer_client.force_login(officer)
    assert officer_client.post(f"/api/tokens/{second.pk}/revoke").status_code == 204
    second.refresh_from_db()
    assert second.revoked_by == officer
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401


def test_a_holder_mints_only_short_tokens_and_a_purpose_is_required(staff):
    actor = Actor.for_user(staff)
    with pytest.raises(ApplicationError):
        services.token_issue(actor=actor, user=staff, purpose="", hours=1)
    with pytest.raises(ApplicationError):
        services.token_issue(actor=actor, user=staff, purpose="长期", days=30)
    token, _ = services.token_issue(actor=actor, user=staff, purpose="外出走访", hours=4)
    assert token.interactive


def test_every_user_changes_her_password_and_a_reset_forces_a_change(staff):
    client = Client()
    client.force_login(staff)
    refused = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password": "Another#Pass2026", "new_password2": "Another#Pass2026"},
    )
    assert refused.status_code == 400 and "原密码不正确" in refused.content.decode()
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "Another#Pass2026", "new_password2": "Another#Pass2026"},
    )
    assert done.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Another#Pass2026")
    # A reset by the unit's user administrator (the account reaches case data: through the officer, see
    # test_separation_of_duties); here a legal reviewer's account, reset directly.
    reviewer = make_user(Role.LEGAL_REVIEWER, FUTIAN)
    admin = Actor.for_user(make_user(Role.SYSADMIN, "440300"))
    services.password_reset(actor=admin, user=reviewer, password="Temp#Reset2026")
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    assert reviewer_client.get("/legal/staff/")["Location"].endswith("/accounts/password/")
    assert reviewer_client.get("/api/me").status_code == 403
    reviewer_client.post(
        "/accounts/password/",
        {"old_password": "Temp#Reset2026", "new_password": "Mine#Own2026x", "new_password2": "Mine#Own2026x"},
    )
    reviewer.refresh_from_db()
    assert not reviewer.must_change_password
    assert reviewer_client.get("/api/me").status_code == 200
