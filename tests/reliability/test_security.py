"""Security settings: the production deploy check, the content security policy, rate limits."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from jiayuan.access.roles import Role
from jiayuan.core.middleware import CSP
from jiayuan.core.public_assets import public_csp
from jiayuan.core.ratelimit import rate_limit
from tests.factories import CITY, PASSWORD, make_user

from . import probe


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "prod-check-" + "k" * 60,
        "JIAYUAN_DATA_KEYS": Fernet.generate_key().decode(),
        "JIAYUAN_INDEX_KEY": "prod-check-index-key-0123456789abcdef",
        "JIAYUAN_AUDIT_KEY": "prod-check-audit-key-0123456789abcdef",
        "JIAYUAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "jiayuan.example.cn",
    }
    env.pop("DJANGO_SECURE_SSL_REDIRECT", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process, never in production
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=config.settings.production",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_keys(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SECRET", "JIAYUAN_DATA", "JIAYUAN_INDEX"))}
    env["JIAYUAN_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=config.settings.production"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "must be set in production" in result.stderr


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy():
    assert "script-src 'self'" in CSP and "style-src 'self'" in CSP and "unsafe-inline" not in CSP
    # The public pages carry their own files, allowed by hash: the same policy otherwise.
    public = public_csp()
    assert re.sub(r" 'sha256-[A-Za-z0-9+/=]+'", "", public) == CSP and public != CSP
    admin = make_user(Role.SYSADMIN, CITY)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(admin)
    clients = [Client(raise_request_exception=False), signed_in]
    urls = [route.url() for route in probe.page_routes()] + ["/api/people", "/api/openapi.json", "/nowhere/"]
    missing = []
    for url in urls:
        for client in clients:
            response = client.get(url)
            policy = response.get("Content-Security-Policy")
            if policy not in (CSP, public) or response.get("Cache-Control") != "no-store":
                missing.append(f"{url} ({response.status_code})")
    assert not missing, "responses without the security headers: " + ", ".join(missing)


@pytest.mark.django_db
def test_login_is_rate_limited_per_user_name_and_address():
    make_user(Role.COMMUNITY_WORKER, CITY, username="ratelimited")
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    statuses = [
        client.post("/accounts/login/", {"username": f"nobody{i}", "password": "x"}).status_code for i in range(3)
    ]
    assert 429 not in statuses
    statuses = [
        client.post("/accounts/login/", {"username": "someone", "password": "wrong"}).status_code for _ in range(12)
    ]
    assert statuses[-1] == 429
    response = client.post("/accounts/login/", {"username": "someone", "password": "wrong"})
    assert response.status_code == 429 and "请稍后再试" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    for i in range(20):  # a flood over many user names hits the per-address budget
        response = client.post("/accounts/login/", {"username": f"flood{i}", "password": "wrong"})
    assert response.status_code == 429
    # Even the right password waits now; the page itself stays reachable.
    assert client.post("/accounts/login/", {"username": "ratelimited", "password": PASSWORD}).status_code == 429
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
def test_token_endpoint_is_rate_limited_with_a_json_message():
    client = Client()
    answers = [
        client.post("/api/token", {"username": "robot", "password": "guess"}, content_type="application/json")
        for _ in range(12)
    ]
    assert answers[0].status_code == 401
    assert answers[-1].status_code == 429
    assert answers[-1].json()["detail"] == "操作过于频繁，请稍后再试。"


def test_the_decorator_counts_per_scope_and_address(settings):
    settings.JIAYUAN_RATE_LIMITS = {"legal_chat": (3, 86400)}  # a day-long window: no boundary mid-test

    @rate_limit("legal_chat", methods=("POST",))
    def chat(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    assert chat.jiayuan_rate_limit == "legal_chat"
    assert [chat(factory.post("/legal/chat/", REMOTE_ADDR="10.0.0.1")).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert chat(factory.get("/legal/chat/", REMOTE_ADDR="10.0.0.1")).status_code == 200
    assert chat(factory.post("/legal/chat/", REMOTE_ADDR="10.0.0.2")).status_code == 200
