"""The registry's rules: invalid input saves nothing, one person one record, stale edits refused, history kept."""

from __future__ import annotations

import pytest

from jiayuan.access.actor import Actor
from jiayuan.access.models import AccessRequest
from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from jiayuan.audit.models import AccessLog, Action
from jiayuan.core.errors import StaleEditError
from jiayuan.notifications.models import Notification
from jiayuan.orgs.models import Organisation
from jiayuan.people.models import IdType, Person, PersonPhone
from jiayuan.people.selectors import person_history
from jiayuan.people.services import PersonInput, person_delete, person_update
from tests.factories import (
    MEILIN,
    XIANGMIHU,
    community_of,
    make_person,
    make_user,
    synthetic_id,
)

VALID_ID = "440304201506150028"


@pytest.fixture
def scene(db):
    home = community_of(XIANGMIHU, 0)
    worker = make_user(Role.COMMUNITY_WORKER, home)
    return {"home": home, "worker": worker, "token": ApiToken.issue(worker, days=1)[1]}


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def counts():
    return (
        Person.objects.count(),
        PersonPhone.objects.count(),
        Organisation.objects.count(),
        Person.history.model.objects.count(),
    )


def _form(home, **over):
    data = {
        "name": "王秀英",
        "division": home,
        "id_type": IdType.RESIDENT,
        "id_number": VALID_ID,
        "gender": "U",
        "phone": "13800138000",
        "address_detail": "",
        "ethnicity": "",
    }
    data.update(over)
    return data


BAD_INPUT = [
    ({"id_number": "440304199003071230"}, "校验位不正确"),
    ({"id_number": "440304199002301232"}, "出生日期不存在"),
    ({"id_number": "44030419900307123"}, "应为 18 位"),
    ({"id_number": "4403041990030712X3"}, "格式不正确"),
    ({"id_number": "440304209901011236"}, "晚于今天"),
    ({"phone": "1381234567"}, "11 位"),
    ({"phone": "8888"}, "电话号码格式不正确"),
    ({"name": ""}, "请填写姓名"),
    ({"division": XIANGMIHU}, "请选择人员所在的社区"),
]


@pytest.mark.parametrize("change,message", BAD_INPUT)
def test_invalid_input_on_the_page_gets_a_chinese_error_and_saves_nothing(client, scene, change, message):
    before = counts()
    client.force_login(scene["worker"])
    response = client.post("/people/new/", _form(scene["home"], **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("change,message", BAD_INPUT)
def test_invalid_input_over_the_api_gets_a_chinese_error_and_saves_nothing(client, scene, change, message):
    form = _form(scene["home"], **change)
    payload = {
        "name": form["name"],
        "division_code": form["division"],
        "id_type": form["id_type"],
        "id_number": form["id_number"],
        "phone": form["phone"],
    }
    before = counts()
    response = client.post("/api/people", payload, content_type="application/json", **bearer(scene["token"]))
    assert response.status_code == 400
    assert message in response.json()["detail"] or message in str(response.json().get("errors"))
    assert counts() == before


def test_out_of_scope_community_is_refused(client, scene):
    before = counts()
    client.force_login(scene["worker"])
    response = client.post("/people/new/", _form(community_of(MEILIN, 0)))
    assert "不在您的管辖范围内" in response.content.decode()
    assert counts() == before


def test_valid_input_saves_and_derives_birth_date_and_gender(client, scene):
    client.force_login(scene["worker"])
    response = client.post("/people/new/", _form(scene["home"], id_number=VALID_ID.lower(), phone="138-0013-8000"))
    assert response.status_code == 302
    person = Person.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    assert person.id_number == VALID_ID and person.gender == "F" and str(person.birth_date) == "2015-06-15"
    assert person.is_minor and person.name_initials == "wxy"
    assert [p.number for p in person.phones.all()] == ["13800138000"]
    assert person.created_by == scene["worker"]


@pytest.mark.parametrize(
    "code,message",
    [
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100I43", "不允许的字符"),
        ("9135010M000100Y43", "应为 18 位"),
    ],
)
def test_invalid_credit_code_on_the_organisation_form(client, db, code, message):
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    client.force_login(staff)
    before = counts()
    response = client.post(
        "/orgs/new/",
        {
            "name": "车公庙园区妇联",
            "kind": "new_domain",
            "domain_type": "park",
            "division": XIANGMIHU,
            "credit_code": code,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before
    response = client.post(
        "/orgs/new/",
        {
            "name": "车公庙园区妇联",
            "kind": "new_domain",
            "domain_type": "park",
            "division": XIANGMIHU,
            "credit_code": "51440304MJL000016F",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="车公庙园区妇联").credit_code == "51440304MJL000016F"


# --- one person, one record ----------------------------------------------------------------------------------


def test_duplicate_in_scope_leads_to_the_existing_record(client, scene):
    existing = make_person(scene["home"], name="李秀兰", id_number=VALID_ID)
    before = counts()
    client.force_login(scene["worker"])
    response = client.post("/people/new/", _form(scene["home"], name="李秀兰", id_number=VALID_ID.lower()))
    assert response.status_code == 302 and response.url == f"/people/{existing.pk}/"
    response = client.post(
        "/api/people",
        {"name": "李秀兰", "division_code": scene["home"], "id_type": "resident", "id_number": VALID_ID},
        content_type="application/json",
        **bearer(scene["token"]),
    )
    assert response.status_code == 409 and response.json()["existing_id"] == existing.pk
    assert counts() == before


def test_duplicate_out_of_scope_says_so_without_showing_anything(client, scene):
    elsewhere = community_of(MEILIN, 2)
    existing = make_person(elsewhere, name="欧阳春芳", id_number=VALID_ID, phone="13911112222", address="梅林路一号")
    supervisor = make_user(Role.STREET_STAFF, MEILIN)
    before = counts()
    client.force_login(scene["worker"])
    response = client.post("/people/new/", _form(scene["home"], name="王秀英"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "该人员已在其他辖区登记" in body and "提交查阅申请" in body
    from jiayuan.divisions.models import Division

    for secret in (
        "欧阳",
        "春芳",
        "欧*芳",
        Division.objects.get(code=elsewhere).name,
        "梅林",
        "1391111",
        f"/people/{existing.pk}/",
    ):
        assert secret not in body, secret
    response = client.post(
        "/api/people",
        {"name": "王秀英", "division_code": scene["home"], "id_type": "resident", "id_number": VALID_ID},
        content_type="application/json",
        **bearer(scene["token"]),
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "该人员已在其他辖区登记。如确需查阅，请提交查阅申请，经对方辖区同意后方可查看。",
        "existing_id": None,
    }
    assert counts() == before
    # The offered request reaches the record's supervisor; approval opens the record.
    import re

    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    from jiayuan.core import crypto

    assert crypto.unseal(token, max_age=60).endswith(f":{existing.pk}")  # opaque to the page, readable here
    response = client.post("/access/request/person/", {"token": token[:-2] + "xx", "reason": "伪造的申请凭据"})
    assert response.status_code == 302 and not AccessRequest.objects.exists()
    response = client.post("/access/request/person/", {"token": token, "reason": "该妇女来本社区求助，需核实身份"})
    assert response.status_code == 302
    request = AccessRequest.objects.get(requester=scene["worker"])
    assert Notification.objects.filter(user=supervisor, url="/access/requests/").exists()
    assert client.get(f"/people/{existing.pk}/").status_code == 404
    client.force_login(supervisor)
    client.post(f"/access/requests/{request.pk}/", {"decision": "approve"})
    client.force_login(scene["worker"])
    assert client.get(f"/people/{existing.pk}/").status_code == 200


def test_edit_to_an_existing_id_number_is_refused(scene):
    actor = Actor.for_user(scene["worker"])
    make_person(scene["home"], id_number=VALID_ID)
    other = make_person(scene["home"])
    from jiayuan.people.services import DuplicatePerson

    with pytest.raises(DuplicatePerson):
        person_update(
            actor=actor,
            person=other,
            expected_version=other.version,
            data=PersonInput(name=other.name, division_code=scene["home"], id_type=IdType.RESIDENT, id_number=VALID_ID),
        )


# --- stale edits ---------------------------------------------------------------------------------------------


def test_stale_edit_on_the_page_is_refused(client, scene):
    person = make_person(scene["home"], name="陈晓梅", id_number=VALID_ID)
    client.force_login(scene["worker"])
    first = client.get(f"/people/{person.pk}/edit/")
    assert first.status_code == 200 and 'name="version" value="1"' in first.content.decode()
    form = _form(scene["home"], version="1", phone="")
    assert client.post(f"/people/{person.pk}/edit/", {**form, "name": "陈晓梅甲"}).status_code == 302
    response = client.post(f"/people/{person.pk}/edit/", {**form, "name": "陈晓梅乙"})
    assert response.status_code == 409
    assert "该记录已被他人修改" in response.content.decode()
    person.refresh_from_db()
    assert (person.name, person.version) == ("陈晓梅甲", 2)


def test_stale_edit_over_the_api_is_refused(client, scene):
    person = make_person(scene["home"], name="陈晓梅", id_number=VALID_ID)
    payload = {
        "name": "陈晓梅甲",
        "division_code": scene["home"],
        "id_type": "resident",
        "id_number": VALID_ID,
        "version": 1,
    }
    ok = client.put(f"/api/people/{person.pk}", payload, content_type="application/json", **bearer(scene["token"]))
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.put(
        f"/api/people/{person.pk}",
        {**payload, "name": "陈晓梅乙"},
        content_type="application/json",
        **bearer(scene["token"]),
    )
    assert stale.status_code == 409
    assert stale.json()["detail"] == StaleEditError().message
    person.refresh_from_db()
    assert (person.name, person.version) == ("陈晓梅甲", 2)


def test_stale_service_edit_is_refused(scene):
    actor = Actor.for_user(scene["worker"])
    person = make_person(scene["home"])
    copy = Person.objects.get(pk=person.pk)
    data = PersonInput(name="甲", division_code=scene["home"])
    person_update(actor=actor, person=person, expected_version=1, data=data)
    with pytest.raises(StaleEditError):
        person_update(
            actor=actor, person=copy, expected_version=1, data=PersonInput(name="乙", division_code=scene["home"])
        )
    assert Person.objects.get(pk=person.pk).name == "甲"


# --- history and viewers -------------------------------------------------------------------------------------


def test_history_records_every_change_with_user_and_fields(client, scene):
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    actor = Actor.for_user(staff)
    client.force_login(scene["worker"])
    response = client.post("/people/new/", _form(scene["home"], name="黄丽娟", id_number=synthetic_id()))
    person = Person.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    person_update(
        actor=actor,
        person=person,
        expected_version=1,
        data=PersonInput(
            name="黄丽娟",
            division_code=scene["home"],
            id_type=person.id_type,
            id_number=person.id_number,
            address_detail="新地址一号",
        ),
    )
    person.refresh_from_db()
    person_update(
        actor=actor,
        person=person,
        expected_version=2,
        data=PersonInput(
            name="黄丽华",
            division_code=community_of(XIANGMIHU, 1),
            id_type=person.id_type,
            id_number=person.id_number,
            address_detail="新地址一号",
        ),
    )
    person.refresh_from_db()
    person_delete(actor=actor, person=person, reason="重复登记")

    versions = person_history(actor=actor, person=person)
    assert versions[-1]["type"] == "已创建" and versions[0]["type"] == "已修改"
    assert len(versions) == 4
    assert [v["user"] for v in versions] == [staff, staff, staff, scene["worker"]]
    assert versions[0]["reason"] == "删除" and "删除时间" in versions[0]["changed"]
    assert set(versions[1]["changed"]) == {"姓名", "所在社区"}
    assert versions[2]["changed"] == ["详细地址"]
    assert [v["version"] for v in versions] == [4, 3, 2, 1]

    client.force_login(staff)
    page = client.get(f"/people/{person.pk}/history/")
    assert page.status_code == 200 and "详细地址" in page.content.decode() and "新地址一号" not in page.content.decode()

    auditor = make_user(Role.AUDITOR, "440300")
    client.force_login(auditor)
    page = client.get("/audit/history/", {"model": "people.person", "object_id": person.pk})
    body = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["rows"]) == 4
    assert "姓名、所在社区" in body or "所在社区、姓名" in body
    assert "黄丽" not in body and "新地址一号" not in body
    page = client.get("/audit/history/", {"model": "people.person", "username": scene["worker"].username})
    assert [r["object_id"] for r in page.context["rows"]] == [person.pk]


def test_who_viewed_this_lists_views_and_reveals(client, scene):
    person = make_person(scene["home"], phone="13700001111")
    client.force_login(scene["worker"])
    client.get(f"/people/{person.pk}/")
    client.post(f"/people/{person.pk}/reveal/phones/")
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    client.force_login(staff)
    page = client.get(f"/people/{person.pk}/viewers/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.username, r.action) for r in rows] == [
        (scene["worker"].username, Action.REVEAL),
        (scene["worker"].username, Action.VIEW),
    ]
    body = page.content.decode()
    assert "查看完整信息" in body and "敏感个人信息" in body and "sensitive" not in body
    # A community worker may not see who viewed it.
    client.force_login(scene["worker"])
    assert client.get(f"/people/{person.pk}/viewers/").status_code == 404
    # The person's own rows: the view and the reveal (the viewers page and the refusal are logged as requests).
    assert AccessLog.objects.filter(object_type="people.person", object_id=str(person.pk)).count() == 2


def test_write_grant_lets_the_grantee_edit_in_place_but_not_move_it_away(client, scene):
    from jiayuan.access.models import GrantKind
    from jiayuan.access.services import grant_access

    elsewhere = community_of(MEILIN, 0)
    person = make_person(elsewhere, name="郑美玲", id_number=VALID_ID)
    grant_access(obj=person, kind=GrantKind.HANDLER, user=scene["worker"], write=True)
    client.force_login(scene["worker"])
    form = _form(elsewhere, name="郑美玲", version="1", phone="")
    response = client.post(f"/people/{person.pk}/edit/", {**form, "ethnicity": "汉族"})
    assert response.status_code == 302, response.content.decode()[-600:]
    person.refresh_from_db()
    assert person.ethnicity == "汉族" and person.division_id == elsewhere
    response = client.post(f"/people/{person.pk}/edit/", {**form, "version": "2", "division": community_of(MEILIN, 1)})
    assert "不在您的管辖范围内" in response.content.decode()
    person.refresh_from_db()
    assert person.division_id == elsewhere and person.version == 2
    # A read-only grant does not open the edit page at all.
    other = make_person(elsewhere)
    grant_access(obj=other, kind=GrantKind.REFERRAL, user=scene["worker"], write=False)
    assert client.get(f"/people/{other.pk}/").status_code == 200
    assert client.get(f"/people/{other.pk}/edit/").status_code == 404
    page = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert f'<option value="{elsewhere}" selected>' in page


def test_editing_other_fields_keeps_the_hidden_protected_values(client, scene):
    """The edit form never shows the ID number, address or notes; leaving them blank must not wipe them."""
    actor = Actor.for_user(scene["worker"])
    person = make_person(scene["home"], name="吴秀兰", id_number=VALID_ID, address="香蜜湖路8号")
    person_update(
        actor=actor,
        person=person,
        expected_version=1,
        data=PersonInput(
            name="吴秀兰",
            division_code=scene["home"],
            id_type=IdType.RESIDENT,
            id_number=VALID_ID,
            address_detail="香蜜湖路8号",
            notes="曾在 2025 年求助",
        ),
    )
    client.force_login(scene["worker"])
    page = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert VALID_ID not in page and "香蜜湖路8号" not in page
    response = client.post(
        f"/people/{person.pk}/edit/",
        _form(scene["home"], name="吴秀兰", id_number="", address_detail="", phone="", ethnicity="汉族", version="2"),
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.address_detail, person.notes, person.ethnicity) == (
        VALID_ID,
        "香蜜湖路8号",
        "曾在 2025 年求助",
        "汉族",
    )
    assert person_history(actor=Actor.for_user(make_user(Role.STREET_STAFF, XIANGMIHU)), person=person)[0][
        "changed"
    ] == ["民族"]
    # Over the API, omitted protected fields are kept as well.
    response = client.put(
        f"/api/people/{person.pk}",
        {"name": "吴秀兰", "division_code": scene["home"], "id_type": "resident", "version": 3},
        content_type="application/json",
        **bearer(scene["token"]),
    )
    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.address_detail, person.notes, person.ethnicity) == (
        VALID_ID,
        "香蜜湖路8号",
        "曾在 2025 年求助",
        "汉族",
    )
    # Clearing the address is an explicit choice.
    response = client.post(
        f"/people/{person.pk}/edit/",
        {
            **_form(
                scene["home"], name="吴秀兰", id_number="", address_detail="", phone="", ethnicity="汉族", version="4"
            ),
            "clear_address_detail": "on",
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).address_detail == ""


def test_minor_flag_and_filter(client, scene):
    import datetime as dt

    from django.utils import timezone

    from jiayuan.people.models import minor_cutoff

    today, cutoff = timezone.localdate(), minor_cutoff()
    child = make_person(scene["home"], name="小孩", id_number=None, birth=dt.date(today.year - 10, 1, 1))
    adult = make_person(scene["home"], name="大人", id_number=None, birth=dt.date(1980, 1, 1))
    almost = make_person(scene["home"], name="将满", id_number=None, birth=cutoff + dt.timedelta(days=1))
    exactly = make_person(scene["home"], name="刚满", id_number=None, birth=cutoff)
    assert (child.is_minor, adult.is_minor, almost.is_minor, exactly.is_minor) == (True, False, True, False)
    client.force_login(scene["worker"])
    minors = {row.id for row in client.get("/people/", {"minor": "1"}).context["rows"]}
    adults = {row.id for row in client.get("/people/", {"minor": "0"}).context["rows"]}
    assert {child.pk, almost.pk} <= minors and not minors & {adult.pk, exactly.pk}
    assert {adult.pk, exactly.pk} <= adults and not adults & {child.pk, almost.pk}
