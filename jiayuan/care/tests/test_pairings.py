import datetime as dt

import pytest

from jiayuan.care import selectors, services
from jiayuan.care.models import Pairing
from jiayuan.core.errors import NotFound, WorkflowError
from jiayuan.notifications.models import Notification
from tests.factories import XIANGMIHU, community_of, make_person, system_actor

from .conftest import child_birth


def registered_child(place, division=None, types=("left_behind",), needs=()):
    child = make_person(division or place.home, id_number=None, birth=child_birth())
    services.register_entry_create(actor=system_actor(), person=child, type_codes=list(types), need_codes=list(needs))
    return child


def helper(place, division, skills=(), capacity=1, user=None):
    return services.helper_create(
        actor=system_actor(), person=make_person(division), skill_codes=list(skills), capacity=capacity, user=user
    )


def test_pairing_never_exceeds_capacity(place):
    a = place.actors["community"]
    h = helper(place, place.home, capacity=2)
    kids = [registered_child(place) for _ in range(3)]
    services.pairing_create(actor=a, helper=h, person=kids[0])
    services.pairing_create(actor=a, helper=h, person=kids[1])
    with pytest.raises(WorkflowError):
        services.pairing_create(actor=a, helper=h, person=kids[2])
    h.refresh_from_db()
    assert h.active_count == 2 == Pairing.objects.filter(helper=h, status="active").count()
    p = Pairing.objects.filter(helper=h).first()
    services.pairing_end(actor=a, pairing=p, reason="对象搬离", expected_version=p.version)
    services.pairing_create(actor=a, helper=h, person=kids[2])
    h.refresh_from_db()
    assert h.active_count == 2
    unregistered = make_person(place.home)
    with pytest.raises(WorkflowError):
        services.pairing_create(actor=a, helper=helper(place, place.home), person=unregistered)


def test_match_suggestions_ranked_by_distance_then_skills_then_capacity(place):
    a = place.actors["community"]
    child = registered_child(place, needs=["tutoring", "family_education"])
    same_none = helper(place, place.home, skills=[], capacity=3)
    same_one = helper(place, place.home, skills=["tutoring"], capacity=1)
    same_two = helper(place, place.home, skills=["tutoring", "family_education"], capacity=1)
    same_two_roomy = helper(place, place.home, skills=["tutoring", "family_education"], capacity=3)
    street_two = helper(place, place.sibling, skills=["tutoring", "family_education"], capacity=5)
    district_two = helper(place, place.far, skills=["tutoring", "family_education"], capacity=5)
    full = helper(place, place.home, skills=["tutoring", "family_education"], capacity=1)
    services.pairing_create(actor=a, helper=full, person=registered_child(place))
    other_district = helper(place, community_of("440305001", 0), skills=["tutoring"], capacity=5)
    result = selectors.match_suggestions(actor=a, person=child, limit=10)
    ids = [s.helper_id for s in result]
    assert ids == [same_two_roomy.pk, same_two.pk, same_one.pk, same_none.pk, street_two.pk, district_two.pk]
    assert full.pk not in ids and other_district.pk not in ids
    first = result[0]
    assert first.distance == 0 and first.remaining == 3
    assert any("专长对口" in r for r in first.reasons) and any("同一社区" in r for r in first.reasons)
    assert result[4].reasons[0].startswith("同一街道")
    assert len(selectors.match_suggestions(actor=a, person=child, limit=2)) == 2


def test_volunteer_sees_only_own_pairings_with_minimal_data(place, client):
    a = place.actors["community"]
    mine = helper(place, place.home, user=place.users["volunteer"], capacity=2)
    other = helper(place, place.home)
    child = registered_child(place)
    p1 = services.pairing_create(actor=a, helper=mine, person=child)
    p2 = services.pairing_create(actor=a, helper=other, person=registered_child(place))
    vol = place.actors["volunteer"]
    assert list(selectors.pairing_list(actor=vol)) == [p1]
    rows = selectors.my_pairings(actor=vol)
    assert set(rows[0]) >= {"name", "age", "community"} and "id_number" not in rows[0] and "phone" not in rows[0]
    client.force_login(place.users["volunteer"])
    page = client.get("/care/my-pairings/")
    assert page.status_code == 200
    assert child.name not in page.content.decode()
    home = client.get("/").content.decode()
    assert "我的结对" in home and f"/care/pairings/{p1.pk}/" in home and f"/care/pairings/{p2.pk}/" not in home
    assert client.get(f"/care/pairings/{p1.pk}/").status_code == 200
    assert client.get(f"/care/pairings/{p2.pk}/").status_code == 404
    assert client.get(f"/api/care/pairings/{p2.pk}").status_code == 404
    assert client.get(f"/people/{child.pk}/").status_code == 404
    services.contact_add(actor=vol, pairing=p1, on=place.today, content="周末一起读书")
    with pytest.raises(NotFound):
        services.contact_add(actor=vol, pairing=p2, on=place.today, content="x")
    # Street and district see both; another street neither.
    assert {p1, p2} <= set(selectors.pairing_list(actor=place.actors["district"]))
    assert not set(selectors.pairing_list(actor=place.actors["other_street"])) & {p1, p2}


def test_no_contact_flags_helper_then_worker(place):
    a = place.actors["community"]
    h = helper(place, place.home, user=place.users["volunteer"])
    child = registered_child(place)
    p = services.pairing_create(actor=a, helper=h, person=child, started_on=place.today - dt.timedelta(days=40))
    assert services.pairings_flag_uncontacted(days=30) == {"helper": 1, "worker": 0}
    assert Notification.objects.filter(user=place.users["volunteer"], title__contains="未与结对对象联系").exists()
    assert services.pairings_flag_uncontacted(today=place.today + dt.timedelta(days=25), days=30) == {
        "helper": 0,
        "worker": 1,
    }
    p.refresh_from_db()
    assert p.flag_level == 2
    services.contact_add(actor=a, pairing=p, on=place.today, content="电话联系")
    p.refresh_from_db()
    assert p.flag_level == 0 and p.last_contact_on == place.today
    assert XIANGMIHU
