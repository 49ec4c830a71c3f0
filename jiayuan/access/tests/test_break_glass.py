"""Break-glass reads and access requests: reasons, logging, the supervisor told, view only, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import AccessGrant, AccessRequest, GrantKind
from jiayuan.access.roles import Role
from jiayuan.access.services import access_request_create, access_request_decide, break_glass_open
from jiayuan.audit.models import AccessLog, Action
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.divisions.models import Division, Level
from jiayuan.notifications.models import Notification
from jiayuan.people.models import Person
from tests.factories import (
    FUTIAN,
    NANSHAN,
    XIANGMIHU,
    community_of,
    ensure_divisions,
    make_person,
    make_user,
)

REASON = "来电称当事人正遭受家暴，需立即核实其登记信息"


@pytest.fixture
def scene(db):
    ensure_divisions()
    community = Division.objects.filter(code__startswith=NANSHAN, level=Level.COMMUNITY).order_by("code").first()
    street = community.parent_id
    person = make_person(community.code, phone="13912345678")
    operator = make_user(Role.HOTLINE_OPERATOR, FUTIAN)
    supervisor = make_user(Role.STREET_STAFF, street)
    bystander = make_user(Role.STREET_STAFF, XIANGMIHU)  # another street: not told
    return {"person": person, "operator": operator, "supervisor": supervisor, "bystander": bystander, "street": street}


def test_break_glass_needs_a_reason_of_ten_characters(client, scene):
    person = scene["person"]
    actor = Actor.for_user(scene["operator"])
    for reason in ("", "   ", "紧急情况需要查看"):
        with pytest.raises(ValidationFailed) as info:
            break_glass_open(actor=actor, label="people.person", object_id=person.pk, reason=reason)
        assert "不少于 10 个字" in info.value.errors["reason"]
    client.force_login(scene["operator"])
    response = client.post(f"/access/break-glass/people.person/{person.pk}/", {"reason": "太短了"})
    assert response.status_code == 400
    assert "不少于 10 个字" in response.content.decode()
    assert not AccessGrant.objects.filter(kind=GrantKind.BREAK_GLASS).exists()
    assert not AccessLog.objects.filter(action=Action.BREAK_GLASS).exists()
    assert not Notification.objects.filter(user=scene["supervisor"]).exists()


def test_break_glass_is_logged_notifies_the_supervisor_grants_view_only_and_expires(client, scene):
    person, operator = scene["person"], scene["operator"]
    client.force_login(operator)
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/access/break-glass/people.person/{person.pk}/").status_code == 200

    response = client.post(f"/access/break-glass/people.person/{person.pk}/", {"reason": REASON})
    assert response.status_code == 302 and response.url == f"/people/{person.pk}/"

    row = AccessLog.objects.get(action=Action.BREAK_GLASS)
    assert (row.user_id, row.object_type, row.object_id) == (operator.pk, "people.person", str(person.pk))
    assert row.division_code == person.division_id
    assert row.ip == "127.0.0.1"
    assert row.detail["reason_length"] == len(REASON)

    told = Notification.objects.get(user=scene["supervisor"])
    assert told.level == "urgent" and str(person.pk) in told.body and REASON in told.body
    assert not Notification.objects.filter(user=scene["bystander"]).exists()

    # View only: the page opens; editing, revealing and history stay closed.
    actor = Actor.for_user(operator)
    assert policy.allows(actor, "people.view", person)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    for perm in ("people.edit", "people.reveal", "people.delete"):
        assert not policy.allows(actor, perm, person), perm
    assert client.get(f"/people/{person.pk}/edit/").status_code == 404
    assert client.post(f"/people/{person.pk}/reveal/phones/").status_code == 404

    # It lasts a limited time: set its end in the past and it opens nothing.
    grant = AccessGrant.objects.get(kind=GrantKind.BREAK_GLASS)
    assert grant.valid_until is not None
    assert dt.timedelta(minutes=1) < grant.valid_until - timezone.now() <= dt.timedelta(hours=24)
    AccessGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    assert not policy.allows(Actor.for_user(operator), "people.view", person)
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_break_glass_needs_its_permission(client, scene):
    worker = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    client.force_login(worker)
    person = scene["person"]
    assert client.post(f"/access/break-glass/people.person/{person.pk}/", {"reason": REASON}).status_code == 404
    assert client.get(f"/access/break-glass/unknown.label/{person.pk}/").status_code == 404
    assert not AccessGrant.objects.exists()


def test_break_glass_on_a_missing_record_is_404(client, scene):
    client.force_login(scene["operator"])
    missing = Person.objects.order_by("-pk").first().pk + 100
    assert client.post(f"/access/break-glass/people.person/{missing}/", {"reason": REASON}).status_code == 404


def test_access_request_is_decided_by_the_records_supervisor(client, scene):
    person, supervisor = scene["person"], scene["supervisor"]
    requester = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    client.force_login(requester)
    from jiayuan.access.services import ACCESS_REQUEST_SALT
    from jiayuan.core import crypto

    token = crypto.seal(f"{ACCESS_REQUEST_SALT}:{person.pk}")
    response = client.post("/access/request/person/", {"token": token, "reason": "该妇女来本社区求助，需核实"})
    assert response.status_code == 302
    item = AccessRequest.objects.get()
    assert item.requester == requester and item.division_id == person.division_id
    note = Notification.objects.get(user=supervisor)
    assert note.url == "/access/requests/"
    assert AccessLog.objects.filter(action=Action.ACCESS_REQUEST, user=requester).exists()
    assert client.get(f"/people/{person.pk}/").status_code == 404

    # Someone else's street cannot decide it.
    with pytest.raises(NotFound):
        access_request_decide(actor=Actor.for_user(scene["bystander"]), access_request=item, approve=True)
    client.force_login(scene["bystander"])
    assert client.post(f"/access/requests/{item.pk}/", {"decision": "approve"}).status_code == 404

    client.force_login(supervisor)
    page = client.get("/access/requests/")
    assert page.status_code == 200 and "该妇女来本社区求助" in page.content.decode()
    assert client.post(f"/access/requests/{item.pk}/", {"decision": "approve"}).status_code == 302
    item.refresh_from_db()
    assert item.status == AccessRequest.Status.APPROVED and item.decided_by == supervisor
    assert Notification.objects.filter(user=requester, title__contains="同意").exists()

    client.force_login(requester)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert not policy.allows(Actor.for_user(requester), "people.edit", person)


def test_rejected_request_grants_nothing(scene):
    person, supervisor = scene["person"], scene["supervisor"]
    requester = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    item = access_request_create(
        actor=Actor.for_user(requester), label="people.person", object_id=person.pk, reason="核实身份信息"
    )
    access_request_decide(actor=Actor.for_user(supervisor), access_request=item, approve=False)
    assert not policy.allows(Actor.for_user(requester), "people.view", person)
    with pytest.raises(ValidationFailed):
        access_request_create(actor=Actor.for_user(requester), label="people.person", object_id=person.pk, reason="")
