"""The JSON API: tokens, bearer auth, Chinese errors, the OpenAPI document and the divisions endpoints."""

from __future__ import annotations

import pytest

from jiayuan.access.registry import permission_table
from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from jiayuan.audit.models import AccessLog, Action
from tests.factories import FUTIAN, PASSWORD, XIANGMIHU, make_user


@pytest.fixture
def user(db):
    return make_user(Role.STREET_STAFF, XIANGMIHU, username="jiedao_api", display_name="林雪芳")


def test_token_and_bearer(client, user):
    response = client.post(
        "/api/token", {"username": "jiedao_api", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at", "id", "purpose"} and len(body["token"]) > 30
    # Only a digest is stored.
    assert not ApiToken.objects.filter(digest=body["token"]).exists()
    assert AccessLog.objects.filter(action=Action.TOKEN, user=user).exists()
    me = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json() == {"username": "jiedao_api", "display_name": "林雪芳", "roles": ["street_staff"]}
    assert client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {body['token']}").status_code == 200


def test_bad_password_is_401_in_chinese(client, user):
    response = client.post(
        "/api/token", {"username": "jiedao_api", "password": "nope-nope-nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码不正确。"}
    assert AccessLog.objects.filter(action=Action.LOGIN_FAILED, username="jiedao_api").exists()


def test_missing_bad_revoked_or_expired_token_is_401(client, user):
    from django.utils import timezone

    assert client.get("/api/people").json() == {"detail": "请先登录或提供有效的令牌。"}
    assert client.get("/api/people").status_code == 401
    assert client.get("/api/people", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401
    token, raw = ApiToken.issue(user, days=1)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    token, raw = ApiToken.issue(user, days=-1)
    assert client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_malformed_body_is_422_in_chinese(client, user):
    raw = ApiToken.issue(user, days=1)[1]
    response = client.post(
        "/api/people", {"name": 1}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数不正确，请检查后重试。"


def test_openapi_lists_every_operation_with_its_permission(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    table = permission_table()
    operations = [(path, method, op) for path, item in document["paths"].items() for method, op in item.items()]
    assert len(operations) >= 9
    for path, method, op in operations:
        perm = op.get("x-jiayuan-permission")
        assert perm, f"{method.upper()} {path} declares no permission"
        assert perm in ("public", "login") or perm in table, (path, perm)
    found = {(path, method) for path, method, _ in operations}
    for expected in [
        ("/api/token", "post"),
        ("/api/me", "get"),
        ("/api/people", "get"),
        ("/api/people", "post"),
        ("/api/people/{person_id}", "get"),
        ("/api/people/{person_id}", "put"),
        ("/api/people/{person_id}/reveal", "post"),
        ("/api/divisions", "get"),
        ("/api/divisions/{code}", "get"),
    ]:
        assert expected in found, expected


def test_divisions_endpoints(client, user):
    raw = ApiToken.issue(user, days=1)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    cities = client.get("/api/divisions", **auth).json()
    assert [c["code"] for c in cities] == ["440300"]
    districts = client.get("/api/divisions", {"parent": "440300"}, **auth).json()
    assert len(districts) == 10 and FUTIAN in {d["code"] for d in districts}  # 9 districts and 大鹏新区
    streets = client.get("/api/divisions", {"parent": FUTIAN}, **auth).json()
    assert {s["parent_code"] for s in streets} == {FUTIAN} and XIANGMIHU in {s["code"] for s in streets}
    one = client.get(f"/api/divisions/{FUTIAN}", **auth).json()
    assert one == {
        "code": FUTIAN,
        "name": "福田区",
        "official_name": one["official_name"],
        "level": "district",
        "parent_code": "440300",
    }
    missing = client.get("/api/divisions/999999", **auth)
    assert missing.status_code == 404 and missing.json() == {"detail": "未找到该记录。"}
    assert client.get("/api/divisions").status_code == 401
