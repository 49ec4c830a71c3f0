"""Intake: repeat callers are found by phone and by ID before anyone new is created; the API; other modules."""

from __future__ import annotations

import pytest

from jiayuan.accounts.models import ApiToken
from jiayuan.cases import services
from jiayuan.cases.models import Case, CaseEvent, EventKind
from jiayuan.notifications.models import Notification
from jiayuan.people.models import Person
from tests.factories import actor_of, make_person, synthetic_id

from .conftest import new_case


@pytest.mark.django_db
def test_repeat_caller_found_by_phone_before_a_new_person(world, client):
    person = make_person(world.c1, name="王芳", phone="13800138001")
    earlier = new_case(world, person=person)
    client.force_login(world.operator)
    page = client.get("/cases/intake/")
    assert page.status_code == 200 and "autofocus" in page.content.decode()
    lookup = client.post("/cases/intake/lookup/", {"phone": "138-0013-8001"}).content.decode()
    assert earlier.number in lookup and "重复来电" in lookup
    people_before = Person.objects.count()
    response = client.post(
        "/cases/intake/",
        {
            "phone": "13800138001",
            "name": "王芳",
            "division": world.c1,
            "channel": "hotline",
            "categories": ["domestic_violence"],
            "account": "他昨晚又打了我。",
            "role": "seeker",
        },
    )
    assert response.status_code == 302
    assert Person.objects.count() == people_before
    case = Case.objects.order_by("-id").first()
    assert list(case.parties.values_list("person_id", flat=True)) == [person.pk]


@pytest.mark.django_db
def test_repeat_caller_found_by_id_number(world, client):
    number = synthetic_id()
    person = make_person(world.c1, name="李娜", id_number=number)
    client.force_login(world.operator)
    people_before = Person.objects.count()
    client.post(
        "/cases/intake/",
        {
            "id_number": number,
            "phone": "13900139009",
            "name": "李娜",
            "division": world.c1,
            "categories": ["marriage_family"],
            "channel": "visit",
        },
    )
    assert Person.objects.count() == people_before
    assert Case.objects.order_by("-id").first().parties.get().person_id == person.pk
    # a new caller is registered once
    client.post(
        "/cases/intake/", {"phone": "13700137007", "name": "新来电", "division": world.c1, "categories": ["other"]}
    )
    assert Person.objects.count() == people_before + 1
    client.post(
        "/cases/intake/", {"phone": "13700137007", "name": "新来电", "division": world.c1, "categories": ["other"]}
    )
    assert Person.objects.count() == people_before + 1


@pytest.mark.django_db
def test_intake_errors_are_in_chinese(world, client):
    client.force_login(world.operator)
    response = client.post("/cases/intake/", {"division": world.c1, "channel": "hotline"})
    assert response.status_code == 400 and "请至少选择一个案件类别" in response.content.decode()


@pytest.mark.django_db
def test_api_intake_for_telephony(world, client):
    person = make_person(world.c1, name="赵敏", phone="13600136006")
    earlier = new_case(world, person=person)
    _, raw = ApiToken.issue(world.operator, days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    found = client.post("/api/cases/callers", {"phone": "13600136006"}, content_type="application/json", **auth).json()
    assert found[0]["person_id"] == person.pk and found[0]["cases"][0]["number"] == earlier.number
    response = client.post(
        "/api/cases",
        {
            "channel": "hotline",
            "division_code": world.c1,
            "caller": {"phone": "13600136006", "name": "赵敏"},
            "categories": ["suicide_risk"],
            "account": "我不想活了",
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person_id"] == person.pk and body["urgent"] is True
    assert [c["number"] for c in body["earlier_cases"]] == [earlier.number]
    bad = client.post(
        "/api/cases", {"division_code": world.c1, "categories": ["nonsense"]}, content_type="application/json", **auth
    )
    assert bad.status_code == 400 and "类别" in bad.json()["detail"]
    assert client.get("/api/cases", **auth).json()["count"] == 2


@pytest.mark.django_db
def test_other_modules_create_cases_through_the_service(world, client):
    person = make_person(world.c1)
    case = services.case_create(
        actor=actor_of(world.worker),
        data=services.CaseInput(
            channel="screening",
            division_code=world.c1,
            parties=[(person.pk, "child")],
            categories=["vulnerable"],
            account="走访发现儿童无人照料",
            source="排查任务 #7",
        ),
    )
    assert case.channel == "screening" and case.number.startswith("WQ")
    client.force_login(world.operator)
    client.get("/cases/intake/?question=42")
    client.post(
        "/cases/intake/",
        {
            "division": world.c1,
            "categories": ["marriage_family"],
            "question": "42",
            "channel": "legal_assistant",
            "account": "咨询离婚财产分割",
        },
    )
    latest = Case.objects.order_by("-id").first()
    assert CaseEvent.objects.filter(case=latest, kind=EventKind.NOTE, title="来自法律助手的咨询 #42").exists()


@pytest.mark.django_db
def test_suicide_cue_in_the_words_is_urgent(world):
    case = new_case(world, categories=["marriage_family"], account="她说最近总想轻生，觉得活不下去")
    assert case.urgent and case.highly_sensitive and case.is_high_risk
    assert Notification.objects.filter(user=world.district, title__contains=case.number).exists()
    assert (case.first_contact_due - case.received_at).total_seconds() == 24 * 3600


@pytest.mark.django_db
def test_operator_can_say_the_caller_is_someone_else(world, client):
    make_person(world.c1, name="母亲", phone="13500135005", id_number=None)
    client.force_login(world.operator)
    before = Person.objects.count()
    client.post(
        "/cases/intake/",
        {
            "phone": "13500135005",
            "name": "女儿",
            "person_id": "new",
            "division": world.c1,
            "categories": ["youth_mental_health"],
        },
    )
    assert Person.objects.count() == before + 1
    assert Case.objects.order_by("-id").first().parties.get().person.name == "女儿"


@pytest.mark.django_db
def test_emergency_cues_in_the_account_mark_the_case_urgent_with_the_reason(world):
    # The same cues as the legal assistant's chat: strangling and a threat to kill, no assessment yet.
    case = new_case(world, categories=["domestic_violence"], account="昨晚他掐她脖子，还说要杀了她全家。")
    assert case.urgent and case.is_high_risk and not case.assessments.exists()
    assert not case.highly_sensitive  # danger is urgent; only suicide makes the account highly sensitive
    event = CaseEvent.objects.get(case=case, kind=EventKind.NOTE, title__startswith="陈述中出现紧急线索")
    assert "掐脖子或勒颈" in event.title and "扬言要杀人" in event.title
    alert = Notification.objects.filter(user=world.district, title__contains=case.number).first()
    assert alert is not None
    calm = new_case(world, categories=["domestic_violence"], account="他经常骂我，我想了解怎么申请保护令。")
    assert not calm.urgent


@pytest.mark.django_db
def test_the_case_page_raises_no_emergency_cue_of_its_own(world, client):
    """The legal assistant's panel on the case page starts quiet: no cue is shown before anything is typed
    (the page's own lists, such as the escalation reasons, are not taken for cues)."""
    case = new_case(world, categories=["marriage_family"], account="双方因家务琐事争吵，想咨询调解。")
    client.force_login(world.district)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "legal-assist" in html
    assert "紧急线索：" not in html.split('class="legal-assist"', 1)[1].split("</aside>", 1)[0]
    assert "data-urgent" not in html
