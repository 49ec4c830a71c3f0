"""The referring worker changes what an existing referral shares without revoking it: each change is on the
case's record, an item taken away is hidden from the agency at once, the agency's reveals stay logged. The API's
case view carries the shared items for the agency's users, masked as on the page, in full only by a logged
reveal."""

from __future__ import annotations

import pytest

from jiayuan.accounts.models import ApiToken
from jiayuan.audit.models import AccessLog, Action
from jiayuan.cases import rules, services
from jiayuan.cases.models import CaseEvent, CaseMove, EventKind, MoveKind
from jiayuan.notifications.models import Notification
from tests.factories import actor_of, make_person

from .conftest import new_case

ACCOUNT = "丈夫扬言要杀了我，昨晚掐我脖子。"


def _referred(world):
    person = make_person(world.c1, name="王秀兰", phone="13912345678", address="竹林路 8 号 3 栋 201", id_number=None)
    case = new_case(world, person=person, consent=True, account=ACCOUNT, by=world.worker)
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind=MoveKind.REFER, reason="legal_action", to_agency=world.police
    )
    assert set(move.shares) == {"name", "phone", "account", "address"} == set(rules.referral_share_defaults("police"))
    return case, move


def _reveals(user) -> int:
    return AccessLog.objects.filter(user=user, action=Action.REVEAL).count()


@pytest.mark.django_db
def test_the_worker_takes_items_away_and_adds_them_back_on_the_record(world, client):
    case, move = _referred(world)
    url = f"/cases/moves/{move.pk}/shares/"
    client.force_login(world.police_user)
    assert "竹林路 8 号" in client.post(f"/cases/moves/{move.pk}/shared/").content.decode()
    # the worker's form shows what is shared now; she takes the address and the account away
    client.force_login(world.worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="{url}"' in page and 'name="shares" value="address" checked' in page
    taken = {"shares": ["name", "phone"], "reason": "当事人要求不再提供住址", "version": str(move.version)}
    assert client.post(url, taken).status_code == 302
    move.refresh_from_db()
    assert move.shares == ["name", "phone"] and move.status == "pending"
    entry = CaseEvent.objects.filter(case=case, kind=EventKind.MOVE).latest("id")
    assert entry.actor == world.worker and entry.note == taken["reason"]
    assert "取消 当事人陈述、住址" in entry.title and world.police.name in entry.title
    assert entry.data["removed"] == ["account", "address"]
    # hidden from the agency at once: page, reveal; her earlier reveal stays logged and so does this one
    client.force_login(world.police_user)
    assert Notification.objects.filter(user=world.police_user, title__contains="转介共享内容已更改").exists()
    before = _reveals(world.police_user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "王*兰" in page and "139****5678" in page and "住址" not in page.split('id="referral-h"')[1][:600]
    shown = client.post(f"/cases/moves/{move.pk}/shared/").content.decode()
    assert "王秀兰" in shown and "13912345678" in shown and "竹林路" not in shown and ACCOUNT not in shown
    assert _reveals(world.police_user) == before + 1
    assert AccessLog.objects.filter(user=world.police_user, action=Action.REVEAL).latest("id").detail["fields"] == [
        "name",
        "phone",
    ]
    # a form read before that change is refused in Chinese, nothing changed; then the address comes back
    client.force_login(world.worker)
    stale = client.post(url, {"shares": ["name"], "version": "1"})
    assert "已被他人更改" in client.get(stale["Location"]).content.decode()
    move.refresh_from_db()
    assert move.shares == ["name", "phone"]
    client.post(url, {"shares": ["name", "phone", "address"], "version": str(move.version)})
    move.refresh_from_db()
    assert move.shares == ["name", "phone", "address"]
    assert "增加 住址" in CaseEvent.objects.filter(case=case, kind=EventKind.MOVE).latest("id").title
    client.force_login(world.police_user)
    assert "竹林路 8 号" in client.post(f"/cases/moves/{move.pk}/shared/").content.decode()
    # nobody else changes it: another community's worker, the agency itself
    for user in (world.worker3, world.police_user):
        client.force_login(user)
        assert client.post(url, {"shares": ["name"], "version": str(move.version)}).status_code in (403, 404)
    # everything taken away: the agency sees that nothing is shared and the reveal is a 404
    client.force_login(world.worker)
    client.post(url, {"version": str(move.version), "reason": "当事人撤回同意共享"})
    move.refresh_from_db()
    assert move.shares == [] and move.status == "pending"
    client.force_login(world.police_user)
    assert "转介人未共享当事人信息" in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/moves/{move.pk}/shared/").status_code == 404
    # a revoked referral cannot be changed back into sharing
    services.case_move_revoke(actor=actor_of(world.worker), move=move, reason="改由法院处理")
    client.force_login(world.worker)
    refused = client.post(url, {"shares": ["name"], "version": str(CaseMove.objects.get(pk=move.pk).version)})
    assert "不能更改共享内容" in client.get(refused["Location"]).content.decode()
    assert CaseMove.objects.get(pk=move.pk).shares == []


def _auth(user) -> dict:
    _, raw = ApiToken.issue(user, days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_the_api_case_view_carries_the_shared_items_for_the_agency(world, client):
    case, move = _referred(world)
    police = _auth(world.police_user)
    response = client.get(f"/api/cases/{case.pk}", **police)
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert "王秀兰" not in text and "13912345678" not in text and "竹林路" not in text
    (referral,) = response.json()["referrals"]
    shared = {s["item"]: s["value"] for s in referral["shared"]}
    assert referral["id"] == move.pk and referral["referred_by"] == "社工甲" and referral["status_code"] == "pending"
    assert shared["name"] == "王*兰" and shared["phone"] == "139****5678" and "已隐藏" in shared["account"]
    # the full values only by a reveal, logged like the page's
    before = _reveals(world.police_user)
    full = client.post(f"/api/cases/referrals/{move.pk}/shared", **police)
    assert full.status_code == 200, full.content
    values = {v["label"]: v["value"] for v in full.json()}
    assert values["求助人姓名"] == "王秀兰" and values["安全联系电话"] == "13912345678" and ACCOUNT in values.values()
    log = AccessLog.objects.filter(user=world.police_user, action=Action.REVEAL).latest("id")
    assert _reveals(world.police_user) == before + 1 and log.detail["channel"] == "api"
    assert log.detail["referral"] == move.pk and "sensitive" in log.field_classes
    # the worker takes the phone away over the API (against the version read): gone from the API at once
    worker = _auth(world.worker)
    change = {"shares": ["name"], "reason": "当事人更换了号码", "version": move.version}
    url = f"/api/cases/referrals/{move.pk}/shares"
    assert client.post(url, change, content_type="application/json", **police).status_code in (403, 404)
    changed = client.post(url, change, content_type="application/json", **worker)
    assert changed.status_code == 200, changed.content
    assert changed.json()["shares"] == ["name"] and changed.json()["version"] == move.version + 1
    stale = client.post(url, {**change, "shares": []}, content_type="application/json", **worker)
    assert stale.status_code == 409 and "已被他人更改" in stale.json()["detail"]
    shared = {s["item"] for s in client.get(f"/api/cases/{case.pk}", **police).json()["referrals"][0]["shared"]}
    assert shared == {"name"}
    values = {v["label"] for v in client.post(f"/api/cases/referrals/{move.pk}/shared", **police).json()}
    assert values == {"求助人姓名"}
    # another agency, and federation staff (who read the case itself, not a referral to them)
    assert client.post(f"/api/cases/referrals/{move.pk}/shared", **_auth(world.court_user)).status_code == 404
    assert client.post(f"/api/cases/referrals/{move.pk}/shared", **_auth(world.worker)).status_code == 404
    assert client.get(f"/api/cases/{case.pk}", **_auth(world.worker)).json()["referrals"] == []
