"""Federation organisations: scoped management, validated credit codes, version-checked edits, history."""

from __future__ import annotations

import pytest

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.core.errors import StaleEditError, ValidationFailed
from jiayuan.orgs.models import Organisation
from jiayuan.orgs.services import organisation_create, organisation_update
from tests.factories import MEILIN, XIANGMIHU, community_of, make_org, make_user


@pytest.fixture
def staff(db):
    return make_user(Role.STREET_STAFF, XIANGMIHU)


def test_create_edit_and_history(client, staff):
    client.force_login(staff)
    response = client.post(
        "/orgs/new/",
        {
            "name": "香蜜湖楼宇妇联",
            "kind": "new_domain",
            "domain_type": "building",
            "division": XIANGMIHU,
            "founded_on": "2021-03-08",
            "credit_code": "51440304mjl000016f",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="香蜜湖楼宇妇联")
    assert org.credit_code == "51440304MJL000016F" and org.domain_type == "building"
    form = {
        "name": "香蜜湖商务楼宇妇联",
        "kind": "new_domain",
        "domain_type": "building",
        "division": XIANGMIHU,
        "founded_on": "2021-03-08",
        "credit_code": "",
        "version": "1",
    }
    assert client.post(f"/orgs/{org.pk}/edit/", form).status_code == 302
    stale = client.post(f"/orgs/{org.pk}/edit/", {**form, "name": "别的名字"})
    assert stale.status_code == 409 and "该记录已被他人修改" in stale.content.decode()
    org.refresh_from_db()
    assert (org.name, org.version) == ("香蜜湖商务楼宇妇联", 2)
    assert [h.history_user for h in org.history.all()] == [staff, staff]


def test_management_is_scoped(client, staff):
    elsewhere = make_org(community_of(MEILIN, 0))
    client.force_login(staff)
    assert client.get(f"/orgs/{elsewhere.pk}/edit/").status_code == 404
    response = client.post("/orgs/new/", {"name": "梅林妇联", "kind": "street", "division": MEILIN})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert not Organisation.objects.filter(name="梅林妇联").exists()
    worker = make_user(Role.VOLUNTEER, community_of(XIANGMIHU, 0))
    client.force_login(worker)
    assert client.get("/orgs/").status_code == 200
    assert client.get("/orgs/new/").status_code == 404


def test_service_rules(staff):
    actor = Actor.for_user(staff)
    with pytest.raises(ValidationFailed) as info:
        organisation_create(actor=actor, name="园区妇联", kind="new_domain", division_code=XIANGMIHU)
    assert info.value.errors["domain_type"] == "新领域妇联须选择领域类别。"
    with pytest.raises(ValidationFailed) as info:
        organisation_create(
            actor=actor, name="园区妇联", kind="street", division_code=XIANGMIHU, founded_on="2999-01-01"
        )
    assert info.value.errors["founded_on"] == "成立日期不能晚于今天。"
    org = organisation_create(actor=actor, name="园区妇联", kind="street", division_code=XIANGMIHU)
    organisation_update(
        actor=actor, organisation=org, expected_version=1, name="园区妇联一", kind="street", division_code=XIANGMIHU
    )
    with pytest.raises(StaleEditError):
        organisation_update(
            actor=actor,
            organisation=Organisation.objects.get(pk=org.pk),
            expected_version=1,
            name="园区妇联二",
            kind="street",
            division_code=XIANGMIHU,
        )


def test_executive_member_history_names_the_author(staff):
    from jiayuan.orgs.services import executive_member_add
    from tests.factories import make_person

    org = make_org(XIANGMIHU, kind="street")
    person = make_person(community_of(XIANGMIHU, 0))
    member = executive_member_add(
        actor=Actor.for_user(staff), organisation=org, person_id=person.pk, post="executive", term_start="2026-01-01"
    )
    assert member.history.get().history_user == staff
