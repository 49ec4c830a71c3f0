"""A case holds more than one person: the respondent, the children (flagged minor) and a witness, added at intake
or on the case page, each searched in the registry before anyone is created; a respondent's cases warn that the
survivor's contact data is never given to him."""

from __future__ import annotations

import json

import pytest

from jiayuan.cases import services
from jiayuan.cases.models import Case, CaseParty
from jiayuan.people.models import Person
from tests.factories import actor_of, make_person

from .conftest import new_case


def _intake(client, world, **more):
    data = {
        "phone": "13712340001",
        "name": "陈美玲",
        "role": "seeker",
        "division": world.c1,
        "channel": "hotline",
        "categories": ["domestic_violence"],
        "account": "丈夫喝酒后打人，孩子也被吓到。",
        "p1_role": "respondent",
        "p1_name": "林志强",
        "p1_relation": "丈夫",
        "p1_age": "41",
        "p2_role": "child",
        "p2_name": "林小宝",
        "p2_relation": "儿子",
        "p2_age": "",
        "p3_role": "witness",
        **more,
    }
    client.force_login(world.operator)
    return client.post("/cases/intake/", data)


@pytest.mark.django_db
def test_intake_adds_the_respondent_and_a_child_flagged_minor(world, client):
    response = _intake(client, world)
    assert response.status_code == 302
    case = Case.objects.get()
    parties = {p.role: p for p in CaseParty.objects.filter(case=case).select_related("person")}
    assert set(parties) == {"seeker", "respondent", "child"}  # the empty witness row adds no one
    respondent, child = parties["respondent"], parties["child"]
    assert respondent.person.name == "林志强" and respondent.relation == "丈夫" and not respondent.minor
    assert respondent.person.age in (40, 41)  # an age is kept as an estimated birth date
    assert child.minor and child.relation == "儿子"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "被投诉人，丈夫" in page and "未成年" in page and "不得向其透露求助人的联系方式" in page


@pytest.mark.django_db
def test_search_before_create_and_a_form_that_keeps_what_was_typed(world, client):
    known = make_person(world.c1, name="林志强", phone="13900001111", id_number=None)
    people = Person.objects.count()
    # a picked person who is not there (the same 404 as out of reach) is refused; nothing is created, the typed
    # rows come back
    response = _intake(client, world, p1_name="", p1_person=str(known.pk + 1000))
    assert response.status_code == 400 and Case.objects.count() == 0 and Person.objects.count() == people
    page = response.content.decode()
    assert 'value="林小宝"' in page and 'value="儿子"' in page
    # the respondent's phone finds the registered person: linked, not created again
    response = _intake(client, world, p1_name="", p1_phone="139 0000 1111")
    assert response.status_code == 302
    case = Case.objects.get()
    assert CaseParty.objects.get(case=case, role="respondent").person_id == known.pk
    assert Person.objects.filter(name="林志强").count() == 1


@pytest.mark.django_db
def test_parties_are_added_on_the_case_page_by_those_who_handle_it(world, client):
    case = new_case(world)
    client.force_login(world.worker)
    client.post(f"/cases/{case.pk}/parties/", {"role": "witness", "name": "邻居张阿姨", "relation": "邻居"})
    assert CaseParty.objects.filter(case=case, role="witness", relation="邻居").exists()
    client.post(f"/cases/{case.pk}/parties/", {"role": "child", "name": "小明", "age": "2019"})
    child = CaseParty.objects.get(case=case, role="child")
    assert child.minor and child.person.birth_date.year == 2019
    before = CaseParty.objects.count()
    client.post(f"/cases/{case.pk}/parties/", {"role": "child", "name": "小红", "age": "十岁"})
    assert CaseParty.objects.count() == before  # a clear error, nothing added
    client.force_login(world.worker3)
    assert client.post(f"/cases/{case.pk}/parties/", {"role": "witness", "name": "某人"}).status_code == 404
    assert CaseParty.objects.count() == before


@pytest.mark.django_db
def test_a_refused_party_comes_back_as_typed_and_its_draft_goes_once_accepted(world, client):
    from jiayuan.drafts.models import Draft

    case = new_case(world)
    client.force_login(world.worker)
    key = f"/cases/{case.pk}/#party"
    assert f'name="_draft" value="{key}"' in client.get(f"/cases/{case.pk}/").content.decode()
    typed = {"_draft": key, "role": "child", "name": "小红", "relation": "女儿，在读三年级", "age": "十岁"}
    before = CaseParty.objects.count()
    refused = client.post(f"/cases/{case.pk}/parties/", typed)
    assert refused.status_code == 302 and CaseParty.objects.count() == before
    back = client.get(refused["Location"]).content.decode()
    saved = json.loads(back.split('<script id="draft-saved-party" type="application/json">')[1].split("</script>")[0])
    assert saved["fields"] == {"role": "child", "name": "小红", "relation": "女儿，在读三年级", "age": "十岁"}
    accepted = client.post(f"/cases/{case.pk}/parties/", {**typed, "age": "2016"})
    assert accepted.status_code == 302 and CaseParty.objects.count() == before + 1
    assert not Draft.objects.filter(user=world.worker, key=key).exists()
    assert 'id="draft-saved-party"' not in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.django_db
def test_a_respondent_calling_in_is_flagged_and_a_referral_shares_only_the_survivor(world, client):
    survivor = make_person(world.c1, name="陈美玲", phone="13712340002", id_number=None)
    husband = make_person(world.c1, name="林志强", phone="13900002222", id_number=None)
    case = new_case(world, person=survivor, consent=True, account="他威胁要杀我。")
    services.case_party_add(
        actor=actor_of(world.worker), case=case, party=services.PartyInput(role="respondent", person_id=husband.pk)
    )
    # he calls the hotline: the look-up finds him and says what he must never be told
    client.force_login(world.operator)
    found = client.post("/cases/intake/lookup/", {"phone": "13900002222"}).content.decode()
    assert case.number in found and "此人为该案被投诉人" in found
    panel = client.get(f"/cases/person/{survivor.pk}/").content.decode()
    assert case.number in panel and "此人为该案被投诉人" not in panel
    # the referral shares the survivor's name and phone, never the respondent's
    move = services.case_move_create(
        actor=actor_of(world.worker), case=case, kind="refer", reason="legal_action", to_agency=world.police
    )
    client.force_login(world.police_user)
    shared = client.post(f"/cases/moves/{move.pk}/shared/").content.decode()
    assert "陈美玲" in shared and "13712340002" in shared
    assert "林志强" not in shared and "13900002222" not in shared


def _party_page(client, case) -> str:
    return client.get(f"/cases/{case.pk}/").content.decode()


def _people_of(page: str) -> str:
    """The case page's list of its people (not the timeline)."""
    return page.split('class="parties-list"')[1].split("</ul>")[0]


@pytest.mark.django_db
def test_a_party_is_corrected_and_removed_on_the_record_against_the_version_read(world, client):
    from jiayuan.cases.models import CaseEvent, EventKind
    from jiayuan.notifications.models import Notification

    survivor = make_person(world.c1, name="陈美玲", phone="13712340003", id_number=None)
    him = make_person(world.c1, name="林志强", phone="13900003333", id_number=None)
    case = new_case(world, person=survivor, consent=True)
    notices = Notification.objects.count()
    client.force_login(world.worker)
    client.post(f"/cases/{case.pk}/parties/", {"role": "witness", "person": str(him.pk), "relation": "邻居"})
    party = CaseParty.objects.get(case=case, person=him)
    url = f"/cases/{case.pk}/parties/{party.pk}/"
    page = _party_page(client, case)
    assert f'action="{url}"' in page and f'action="{url}remove/"' in page
    # a correction: what changed and why, by whom, on the timeline; the record now says he is the respondent
    fix = {"role": "respondent", "relation": "丈夫", "reason": "来电时误记为证人，实为其丈夫", "version": "1"}
    assert client.post(url, fix).status_code == 302
    party.refresh_from_db()
    assert (party.role, party.relation, party.version) == ("respondent", "丈夫", 2)
    entry = CaseEvent.objects.filter(case=case, kind=EventKind.CORRECTION).latest("id")
    assert entry.actor == world.worker and entry.note == fix["reason"]
    assert "证人，邻居" in entry.title and "被投诉人，丈夫" in entry.title and "林*强" in entry.title
    assert entry.data["before"]["role"] == "witness" and entry.data["after"]["role"] == "respondent"
    page = _party_page(client, case)
    assert "林*强</a>（被投诉人，丈夫）" in _people_of(page) and "来电时误记为证人" in page
    # a colleague's form read before that correction is refused in Chinese; nothing changes, the form is kept
    stale = client.post(url, {"_draft": f"/cases/{case.pk}/#party-{party.pk}", **fix, "relation": "前夫"})
    back = client.get(stale["Location"]).content.decode()
    kept = back.split(f'<script id="draft-saved-party-{party.pk}" type="application/json">')[1].split("</script>")[0]
    assert "已被他人更正" in back and json.loads(kept)["fields"]["relation"] == "前夫"
    party.refresh_from_db()
    assert party.relation == "丈夫" and party.version == 2
    # no reason, or the survivor made the respondent of her own case: refused, nothing changed
    client.post(url, {**fix, "relation": "前夫", "reason": "", "version": "2"})
    client.post(f"/cases/{case.pk}/parties/", {"role": "respondent", "person": str(survivor.pk)})
    assert CaseParty.objects.filter(case=case, role="respondent").get().pk == party.pk
    party.refresh_from_db()
    assert party.relation == "丈夫" and party.version == 2
    # he calls in: the look-up flags him as the respondent, who must never be told her contact data
    client.force_login(world.operator)
    assert "此人为该案被投诉人" in client.post("/cases/intake/lookup/", {"phone": "13900003333"}).content.decode()
    # someone outside the case: 404 for both forms, nothing changed
    client.force_login(world.worker3)
    assert client.post(url, {**fix, "relation": "前夫", "version": "2"}).status_code == 404
    assert client.post(f"{url}remove/", {"reason": "误录", "version": "2"}).status_code == 404
    # removal: off the case's people and his case list, kept on the record with who, when and why
    client.force_login(world.worker)
    assert client.post(f"{url}remove/", {"reason": "", "version": "2"}).status_code == 302
    assert CaseParty.objects.get(pk=party.pk).removed_at is None
    assert client.post(f"{url}remove/", {"reason": "并非本案当事人，误录", "version": "2"}).status_code == 302
    party.refresh_from_db()
    assert party.removed_at and party.removed_by == world.worker and party.removed_reason == "并非本案当事人，误录"
    removal = CaseEvent.objects.filter(case=case, kind=EventKind.CORRECTION).latest("id")
    assert removal.title.startswith("移除当事人 林*强") and removal.note == "并非本案当事人，误录"
    page = _party_page(client, case)
    assert "林*强" not in _people_of(page) and "移除当事人 林*强" in page
    assert client.post(f"{url}remove/", {"reason": "再次移除", "version": "3"}).status_code == 404
    client.force_login(world.operator)
    assert case.number not in client.post("/cases/intake/lookup/", {"phone": "13900003333"}).content.decode()
    # he can be added again in the right role; nobody was notified of any of it (least of all a party)
    services.case_party_add(
        actor=actor_of(world.worker), case=case, party=services.PartyInput(role="respondent", person_id=him.pk)
    )
    assert CaseParty.objects.filter(case=case, person=him).count() == 2
    assert Notification.objects.count() == notices


@pytest.mark.django_db
def test_the_case_page_reads_its_forms_drafts_once_however_many_parties(world, client):
    """Each party's correction form keeps its own draft; the page reads all of its drafts in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = new_case(world)
    client.force_login(world.worker)

    def draft_reads() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        return sum('"drafts_draft"' in q["sql"] for q in seen.captured_queries)

    for name in ("邻居张阿姨", "邻居李阿姨", "邻居王阿姨"):
        client.post(f"/cases/{case.pk}/parties/", {"role": "witness", "name": name, "relation": "邻居"})
    assert CaseParty.objects.filter(case=case, role="witness").count() == 3
    assert draft_reads() == 1
