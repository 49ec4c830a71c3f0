"""Jurisdiction in pages and API: every list is a subset of what the same user can open; the rest is 404.

Also: postings that are expired or not yet valid grant nothing; the system administrator and the auditor
cannot read personal data.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.registry import permission_table
from jiayuan.access.roles import AGENCY_ROLES, Role
from jiayuan.access.services import grant_access
from jiayuan.accounts.models import ApiToken, Posting
from jiayuan.core.errors import NotFound
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person
from jiayuan.people.selectors import person_list
from tests.factories import (
    CITY,
    FUTIAN,
    MEILIN,
    NANSHAN,
    XIANGMIHU,
    community_of,
    make_agency,
    make_person,
    make_user,
    shared_data,
)

PLACE_OF_ROLE = {
    Role.COMMUNITY_WORKER: "home",
    Role.VOLUNTEER: "home",
    Role.STREET_STAFF: XIANGMIHU,
    Role.SYSADMIN: CITY,
    Role.AUDITOR: CITY,
}


def nanshan_community(index: int = 0) -> str:
    return list(
        Division.objects.filter(code__startswith=NANSHAN, level=Level.COMMUNITY)
        .order_by("code")
        .values_list("code", flat=True)
    )[index]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        home = community_of(XIANGMIHU, 0)
        places = [home, community_of(XIANGMIHU, 1), community_of(MEILIN, 0), nanshan_community(0)]
        people = [make_person(code, phone=f"1380013{i:04d}") for i, code in enumerate(places)]
        people.append(make_person(home, id_number=None, name="无证件"))
        agency = make_agency("范围测公安分局", division=FUTIAN)
        users = {}
        for role in Role:
            if role in AGENCY_ROLES:
                users[role] = make_user(role, None, agency=agency)
            else:
                place = PLACE_OF_ROLE.get(role, FUTIAN)
                users[role] = make_user(role, home if place == "home" else place)
        # Explicit grants: the mediator handles one Nanshan person, the agency got a referral of one.
        grant_access(obj=people[3], kind=GrantKind.HANDLER, user=users[Role.MEDIATOR])
        grant_access(obj=people[1], kind=GrantKind.REFERRAL, agency=agency)
        tokens = {role: ApiToken.issue(user, days=1)[1] for role, user in users.items()}
        yield {"people": people, "users": users, "tokens": tokens, "home": home}


def api(client, token, method, url, **kwargs):
    return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {token}", content_type="application/json", **kwargs)


def _body(response) -> str:
    # The CSRF token differs on every render; everything else of a 404 must be identical.
    text = re.sub(r'name="csrf-token" content="[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_listed_person_can_be_opened_and_nobody_else(client, world, role):
    user = world["users"][role]
    actor = Actor.for_user(user)
    listed = set(person_list(actor=actor).values_list("pk", flat=True))
    client.force_login(user)
    token = world["tokens"][role]
    for person in world["people"]:
        if person.pk in listed:
            assert policy.allows(actor, "people.view", person)
            assert client.get(f"/people/{person.pk}/").status_code == 200
            assert api(client, token, "get", f"/api/people/{person.pk}").status_code == 200
        else:
            assert not policy.allows(actor, "people.view", person), (role, person.division_id)
            assert client.get(f"/people/{person.pk}/").status_code == 404
            assert api(client, token, "get", f"/api/people/{person.pk}").status_code == 404
    # The list page and the API list show exactly the scoped people.
    if actor.has_perm("people.view"):
        body = api(client, token, "get", "/api/people").json()
        assert {row["id"] for row in body["results"]} == listed
        page = client.get("/people/")
        assert page.status_code == 200
        for person in world["people"]:
            assert (f'href="/people/{person.pk}/"' in page.content.decode()) == (person.pk in listed)


@pytest.mark.django_db
def test_expected_reach_per_role(world):
    """Spot checks that the walk above is not vacuous."""
    people = world["people"]

    def reach(role):
        return set(person_list(actor=Actor.for_user(world["users"][role])).values_list("pk", flat=True))

    ids = [p.pk for p in people]
    assert reach(Role.COMMUNITY_WORKER) == {ids[0], ids[4]}
    assert reach(Role.STREET_STAFF) == {ids[0], ids[1], ids[4]}
    assert reach(Role.DISTRICT_RIGHTS) == {ids[0], ids[1], ids[2], ids[4]}
    assert reach(Role.MEDIATOR) == {ids[3]}
    assert reach(Role.AGENCY_USER) == {ids[1]}
    assert reach(Role.VOLUNTEER) == set()
    assert reach(Role.SYSADMIN) == set()
    assert reach(Role.AUDITOR) == set()


@pytest.mark.django_db
def test_out_of_scope_is_404_everywhere_and_looks_like_missing(client, world):
    worker = world["users"][Role.COMMUNITY_WORKER]
    token = world["tokens"][Role.COMMUNITY_WORKER]
    other = world["people"][3]  # Nanshan
    missing = Person.objects.order_by("-pk").first().pk + 1000
    client.force_login(worker)
    bodies = {}
    for pk in (other.pk, missing):
        pages = [
            client.get(f"/people/{pk}/"),
            client.get(f"/people/{pk}/edit/"),
            client.post(f"/people/{pk}/edit/", {"name": "改名"}),
            client.post(f"/people/{pk}/reveal/id_number/"),
            client.post(f"/people/{pk}/phones/", {"number": "13800138000"}),
        ]
        assert [r.status_code for r in pages] == [404] * len(pages)
        bodies[pk] = {_body(r) for r in pages}
        apis = [
            api(client, token, "get", f"/api/people/{pk}"),
            api(
                client,
                token,
                "put",
                f"/api/people/{pk}",
                data={"name": "改名", "division_code": world["home"], "version": 1},
            ),
            api(client, token, "post", f"/api/people/{pk}/reveal", data={"field": "id_number"}),
        ]
        assert [r.status_code for r in apis] == [404, 404, 404]
        assert {r.json()["detail"] for r in apis} == {"未找到该记录。"}
    assert bodies[other.pk] == bodies[missing]
    assert Person.objects.get(pk=other.pk).name != "改名"
    # History and viewers: a street worker of another street gets the same 404.
    staff = make_user(Role.STREET_STAFF, MEILIN)
    client.force_login(staff)
    mine_elsewhere = world["people"][0]
    for url in (
        f"/people/{mine_elsewhere.pk}/history/",
        f"/people/{mine_elsewhere.pk}/viewers/",
        f"/people/{missing}/history/",
        f"/people/{missing}/viewers/",
    ):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_garbage_ids_are_404_not_500(client, world):
    client.force_login(world["users"][Role.STREET_STAFF])
    token = world["tokens"][Role.STREET_STAFF]
    assert client.get("/people/99999999999999999999/").status_code == 404
    assert api(client, token, "get", "/api/people/abc").status_code in (404, 422)


# --- postings in time ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_expired_and_future_postings_grant_nothing_and_cover_works(client, world):
    home = world["home"]
    person = world["people"][0]
    today = timezone.localdate()
    expired = make_user(
        Role.COMMUNITY_WORKER, home, valid_from=today - dt.timedelta(days=30), valid_to=today - dt.timedelta(days=1)
    )
    future = make_user(Role.COMMUNITY_WORKER, home, valid_from=today + dt.timedelta(days=1))
    cover = make_user(
        Role.COMMUNITY_WORKER, home, valid_from=today - dt.timedelta(days=3), valid_to=today + dt.timedelta(days=5)
    )
    ends_today = make_user(Role.COMMUNITY_WORKER, home, valid_to=today)
    for user, allowed in ((expired, False), (future, False), (cover, True), (ends_today, True)):
        actor = Actor.for_user(user)
        assert actor.has_perm("people.view") is allowed
        assert policy.allows(actor, "people.view", person) is allowed
        assert person_list(actor=actor).exists() is allowed
        client.force_login(user)
        assert client.get(f"/people/{person.pk}/").status_code == (200 if allowed else 404)
        assert client.get("/people/").status_code == (200 if allowed else 404)
    # The cover expires by itself: seen from the day after its end, it grants nothing.
    later = Actor.for_user(cover, on=today + dt.timedelta(days=6))
    assert not later.has_perm("people.view")
    # An expired posting next to an active one does not add its scope.
    Posting.objects.create(
        user=cover,
        role=Role.DISTRICT_RIGHTS,
        division_id=FUTIAN,
        valid_from=today - dt.timedelta(days=100),
        valid_to=today - dt.timedelta(days=1),
    )
    assert not policy.allows(Actor.for_user(cover), "people.view", world["people"][2])


@pytest.mark.django_db
def test_inactive_user_is_nobody(world):
    user = make_user(Role.STREET_STAFF, XIANGMIHU)
    user.is_active = False
    user.save()
    assert not Actor.for_user(user).is_authenticated
    assert not person_list(actor=Actor.for_user(user)).exists()


# --- the administrator and the auditor ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR])
def test_sysadmin_and_auditor_cannot_read_personal_data(client, world, role):
    for perm, grants in permission_table().items():
        if perm.startswith("people."):
            assert role not in grants, perm
    user = world["users"][role]
    token = world["tokens"][role]
    client.force_login(user)
    assert client.get("/people/").status_code == 404
    assert client.get("/people/export/").status_code == 404
    assert api(client, token, "get", "/api/people").status_code == 404
    for person in world["people"]:
        assert client.get(f"/people/{person.pk}/").status_code == 404
        assert client.get(f"/people/{person.pk}/history/").status_code == 404
        assert api(client, token, "get", f"/api/people/{person.pk}").status_code == 404
        assert (
            api(client, token, "post", f"/api/people/{person.pk}/reveal", data={"field": "id_number"}).status_code
            == 404
        )
    home = client.get("/").content.decode()
    assert "人员库" not in home


# --- random postings and grants ----------------------------------------------------------------------------

ROLES_WITH_VIEW = sorted(permission_table()["people.view"], key=str)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    postings=st.lists(
        st.tuples(
            st.sampled_from(list(Role)),
            st.sampled_from(["home", "street", "district", "nanshan", "city"]),
            st.sampled_from(["active", "expired", "future"]),
        ),
        min_size=1,
        max_size=3,
    ),
    granted=st.sets(st.integers(min_value=0, max_value=4), max_size=3),
    write=st.booleans(),
)
def test_random_postings_and_grants_list_is_what_can_be_opened(world, postings, granted, write):
    codes = {
        "home": world["home"],
        "street": XIANGMIHU,
        "district": FUTIAN,
        "nanshan": nanshan_community(0),
        "city": CITY,
    }
    today = timezone.localdate()
    windows = {
        "active": (today - dt.timedelta(days=1), None),
        "expired": (today - dt.timedelta(days=9), today - dt.timedelta(days=1)),
        "future": (today + dt.timedelta(days=1), None),
    }
    with transaction.atomic():
        user = make_user(Role.VOLUNTEER, world["home"], valid_from=today + dt.timedelta(days=400))  # inert
        for role, place, window in postings:
            start, end = windows[window]
            if role in AGENCY_ROLES:
                Posting.objects.create(
                    user=user, role=role, agency=make_agency("随机协作单位"), valid_from=start, valid_to=end
                )
            else:
                Posting.objects.create(user=user, role=role, division_id=codes[place], valid_from=start, valid_to=end)
        for index in granted:
            grant_access(obj=world["people"][index], kind=GrantKind.OTHER, user=user, write=write)
        actor = Actor.for_user(user)
        listed = set(person_list(actor=actor).values_list("pk", flat=True))
        for person in world["people"]:
            assert (person.pk in listed) == policy.allows(actor, "people.view", person)
            try:
                policy.access_by_id(actor, "people.view", Person.objects.all(), person.pk)
                opened = True
            except NotFound:
                opened = False
            assert opened == (person.pk in listed)
            # Edit never reaches beyond view.
            if policy.allows(actor, "people.edit", person):
                assert person.pk in listed
        if not actor.has_perm("people.view"):
            assert listed == set()
        transaction.set_rollback(True)
