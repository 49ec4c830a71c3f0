"""The intake API takes the other people of a case as the intake page does (through `case_intake`), says in
Chinese which one it refused and then saves nothing; the schema documents them."""

from __future__ import annotations

import pytest

from jiayuan.accounts.models import ApiToken
from jiayuan.cases.models import Case, CaseParty
from jiayuan.people.models import Person
from tests.factories import make_person


def _auth(user) -> dict:
    _, raw = ApiToken.issue(user, days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _intake(world, **more) -> dict:
    return {
        "channel": "hotline",
        "division_code": world.c1,
        "caller": {"phone": "13712340011", "name": "陈美玲"},
        "categories": ["domestic_violence"],
        "account": "丈夫喝酒后打人，孩子也被吓到。",
        **more,
    }


@pytest.mark.django_db
def test_the_intake_api_takes_the_respondent_children_and_a_witness(world, client):
    known = make_person(world.c1, name="林志强", phone="13900001112", id_number=None)
    auth = _auth(world.operator)
    others = [
        {"role": "respondent", "phone": "139 0000 1112", "relation": "丈夫"},
        {"role": "child", "name": "林小宝", "relation": "儿子", "age": 7},
        {"role": "child", "name": "林小美", "relation": "女儿"},
        {"role": "child", "name": "林大宝", "relation": "继子", "age": "2005", "minor": False},
        {"role": "witness", "name": "邻居张阿姨", "relation": "邻居"},
    ]
    response = client.post("/api/cases", _intake(world, others=others), content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    rows = {p.person.name: p for p in CaseParty.objects.filter(case=case).select_related("person")}
    assert set(rows) == {"陈美玲", "林志强", "林小宝", "林小美", "林大宝", "邻居张阿姨"}
    # the respondent found by his phone, not created again; the children flagged minor by age or by role, unless
    # the operator said otherwise
    assert rows["林志强"].person_id == known.pk and rows["林志强"].role == "respondent"
    assert Person.objects.filter(name="林志强").count() == 1
    assert rows["林小宝"].minor and rows["林小宝"].person.age in (6, 7)
    assert rows["林小美"].minor and not rows["林大宝"].minor and rows["邻居张阿姨"].relation == "邻居"
    body = {p["person_id"]: p for p in response.json()["parties"]}
    assert body[known.pk]["role_code"] == "respondent" and body[known.pk]["name"] == "林*强"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("other", "words"),
    [
        ({"role": "child", "name": "林小红", "age": "十岁"}, "年龄请填写数字"),
        ({"role": "boss", "name": "某人"}, "请选择当事人的角色"),
        ({"role": "witness", "relation": "邻居"}, "请填写姓名或电话"),
        ({"role": "respondent", "person_id": 999999}, "所选人员不存在"),
    ],
)
def test_a_refused_party_says_which_in_chinese_and_saves_nothing(world, client, other, words):
    auth = _auth(world.operator)
    people, cases = Person.objects.count(), Case.objects.count()
    others = [{"role": "respondent", "name": "林志强", "relation": "丈夫"}, other]
    response = client.post("/api/cases", _intake(world, others=others), content_type="application/json", **auth)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"].startswith("其他当事人第 2 位：") and words in body["detail"] and "party_2" in body["errors"]
    assert Person.objects.count() == people and Case.objects.count() == cases


@pytest.mark.django_db
def test_the_schema_documents_the_other_parties(client):
    schema = client.get("/api/openapi.json").json()
    case_in = schema["components"]["schemas"]["CaseIn"]
    assert "others" in case_in["properties"]
    party = schema["components"]["schemas"]["PartyIn"]["properties"]
    assert {"role", "name", "relation", "age", "phone", "person_id", "minor"} <= set(party)
    assert "被投诉人" in party["role"]["description"]


@pytest.mark.django_db
def test_parties_are_added_corrected_and_removed_over_the_api_against_the_version_read(world, client):
    from jiayuan.cases.models import CaseEvent, EventKind

    from .conftest import new_case

    case = new_case(world)
    auth = _auth(world.worker)

    def post(url, body, who=auth):
        return client.post(url, body, content_type="application/json", **who)

    added = post(f"/api/cases/{case.pk}/parties", {"role": "witness", "name": "邻居张阿姨", "relation": "邻居"})
    assert added.status_code == 201, added.content
    party = added.json()
    assert party["role_code"] == "witness" and party["name"] == "邻***姨" and party["version"] == 1
    url = f"/api/cases/{case.pk}/parties/{party['party_id']}"
    fix = {"role": "respondent", "relation": "丈夫", "reason": "来电时误记为证人", "version": 1}
    fixed = post(url, fix)
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["role_code"] == "respondent" and fixed.json()["version"] == 2
    entry = CaseEvent.objects.filter(case=case, kind=EventKind.CORRECTION).latest("id")
    assert entry.note == "来电时误记为证人" and entry.actor == world.worker
    stale = post(url, {**fix, "relation": "前夫"})
    assert stale.status_code == 409 and "已被他人更正" in stale.json()["detail"]
    no_reason = post(url, {**fix, "relation": "前夫", "reason": "", "version": 2})
    assert no_reason.status_code == 400 and "理由" in no_reason.json()["detail"]
    assert CaseParty.objects.get(pk=party["party_id"]).relation == "丈夫"
    assert post(url, {**fix, "version": 2}, who=_auth(world.worker3)).status_code == 404
    removed = post(f"{url}/remove", {"reason": "误录", "version": 2})
    assert removed.status_code == 200, removed.content
    shown = client.get(f"/api/cases/{case.pk}", **auth).json()
    assert [p["role_code"] for p in shown["parties"]] == ["seeker"]
    assert post(f"{url}/remove", {"reason": "再次", "version": 3}).status_code == 404
