import pytest

from jiayuan.access.roles import Role
from jiayuan.people.models import Household, HouseholdMember, PersonRelation
from tests.factories import MEILIN, XIANGMIHU, community_of, make_person, make_user


@pytest.fixture
def scene(db):
    home, elsewhere = community_of(XIANGMIHU), community_of(MEILIN)
    mother = make_person(home, name="陈晓梅")
    child = make_person(home, name="陈小雨")
    ex = make_person(elsewhere, name="李建国")
    household = Household.objects.create(name="陈家", division_id=home)
    HouseholdMember.objects.create(household=household, person=mother, relation="head")
    HouseholdMember.objects.create(household=household, person=child, relation="child")
    return {"home": home, "mother": mother, "child": child, "ex": ex, "worker": make_user(Role.COMMUNITY_WORKER, home)}


def test_person_page_shows_household_members_masked_and_linked(client, scene):
    client.force_login(scene["worker"])
    page = client.get(f"/people/{scene['mother'].pk}/").content.decode()
    assert "陈家" in page and "陈*雨" in page and f"/people/{scene['child'].pk}/" in page
    assert "陈小雨" not in page


def test_relation_is_recorded_with_its_author_and_out_of_scope_relatives_are_refused(client, scene):
    client.force_login(scene["worker"])
    response = client.post(
        f"/people/{scene['mother'].pk}/relations/",
        {"relative_id": scene["child"].pk, "kind": "child", "note": "随母亲居住"},
    )
    assert response.status_code == 302
    relation = PersonRelation.objects.get()
    assert relation.relative == scene["child"] and relation.history.get().history_user == scene["worker"]
    # A relative registered in another jurisdiction cannot be named from here (nothing is saved).
    client.post(f"/people/{scene['mother'].pk}/relations/", {"relative_id": scene["ex"].pk, "kind": "former_spouse"})
    assert PersonRelation.objects.count() == 1
    # Bad kind and self-relation get Chinese errors and save nothing.
    response = client.post(
        f"/people/{scene['mother'].pk}/relations/", {"relative_id": scene["mother"].pk, "kind": "spouse"}, follow=True
    )
    assert "不能与本人建立关系" in response.content.decode()
    response = client.post(
        f"/people/{scene['mother'].pk}/relations/", {"relative_id": scene["child"].pk, "kind": "nonsense"}, follow=True
    )
    assert "请选择关系" in response.content.decode()
    assert PersonRelation.objects.count() == 1
    page = client.get(f"/people/{scene['mother'].pk}/").content.decode()
    assert "子女：" in page and "随母亲居住" in page


def test_relations_to_people_out_of_scope_show_no_link(client, scene):
    PersonRelation.objects.create(person=scene["mother"], relative=scene["ex"], kind="former_spouse")
    client.force_login(scene["worker"])
    page = client.get(f"/people/{scene['mother'].pk}/").content.decode()
    assert "李*国" in page and f"/people/{scene['ex'].pk}/" not in page


def test_a_worker_elsewhere_cannot_add_relations(client, scene):
    client.force_login(make_user(Role.COMMUNITY_WORKER, community_of(MEILIN)))
    response = client.post(
        f"/people/{scene['mother'].pk}/relations/", {"relative_id": scene["child"].pk, "kind": "child"}
    )
    assert response.status_code == 404 and not PersonRelation.objects.exists()
