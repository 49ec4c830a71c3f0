"""Walk the whole role × action table: every permission, every role, every record builder we have.

The walk is generic: it iterates `permission_table()`, so a permission added by any app is covered by the
scope check at once, and by the record check as soon as `BUILDERS` knows how to make its records.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.policy import BREAK_GLASS_ACTIONS
from jiayuan.access.registry import permission_table
from jiayuan.access.roles import AGENCY_ROLES, Role, Scope, is_read_permission
from jiayuan.access.services import grant_access
from jiayuan.divisions.models import Division, Level
from jiayuan.orgs.models import AgencyKind, ExecutiveMember, PartnerAgency
from tests.factories import (
    FUTIAN,
    MEILIN,
    NANSHAN,
    XIANGMIHU,
    community_of,
    make_agency,
    make_org,
    make_user,
    raw_person,
    shared_data,
)

_n = itertools.count()

# Where the records lie, relative to a user posted at the street 香蜜湖 (XIANGMIHU).
PLACES = ["own", "child", "sibling_street", "sibling_community", "parent_district", "other_district"]


def _nanshan_community() -> str:
    return Division.objects.filter(code__startswith=NANSHAN, level=Level.COMMUNITY).order_by("code").first().code


def _codes() -> dict[str, str]:
    return {
        "own": XIANGMIHU,
        "child": community_of(XIANGMIHU, 0),
        "sibling_street": MEILIN,
        "sibling_community": community_of(MEILIN, 0),
        "parent_district": FUTIAN,
        "other_district": _nanshan_community(),
    }


def build_person(code: str):
    return raw_person(code)


def build_org(code: str):
    return make_org(code)


def build_agency(code: str):
    return PartnerAgency.objects.create(name=f"表测协作单位{next(_n)}", kind=AgencyKind.OTHER, division_id=code)


def build_member(code: str):
    return ExecutiveMember.objects.create(
        organisation=make_org(code), person=raw_person(community_of(XIANGMIHU, 1)), term_start=dt.date(2024, 1, 1)
    )


# Permission prefix → record builder (the longest matching prefix wins).
BUILDERS = {
    "people.": build_person,
    "orgs.members": build_member,
    "orgs.manage_agencies": build_agency,
    "orgs.": build_org,
}


def builder_for(perm: str):
    matches = [prefix for prefix in BUILDERS if perm.startswith(prefix)]
    return BUILDERS[max(matches, key=len)] if matches else None


ALL_PERMS = sorted(permission_table())
BUILT_PERMS = [p for p in ALL_PERMS if builder_for(p) is not None]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        codes = _codes()
        agency = make_agency("表测公安分局", division=FUTIAN)
        users = {}
        for role in Role:
            if role in AGENCY_ROLES:
                users[role] = make_user(role, None, agency=agency)
            else:
                users[role] = make_user(role, XIANGMIHU)
        records = {}
        for builder in set(BUILDERS.values()):
            places = {place: builder(code) for place, code in codes.items()}
            places["granted_read"] = builder(codes["other_district"])
            places["granted_write"] = builder(codes["other_district"])
            places["break_glass"] = builder(codes["other_district"])
            for user in users.values():
                grant_access(obj=places["granted_read"], kind=GrantKind.REFERRAL, user=user, write=False)
                grant_access(obj=places["granted_write"], kind=GrantKind.HANDLER, user=user, write=True)
                grant_access(
                    obj=places["break_glass"],
                    kind=GrantKind.BREAK_GLASS,
                    user=user,
                    write=False,
                    until=timezone.now() + dt.timedelta(hours=1),
                )
            records[builder] = places
        actors = {role: Actor.for_user(user) for role, user in users.items()}
        yield {"users": users, "actors": actors, "records": records}


def expected_places(scope: Scope | None, perm: str, has_division: bool) -> set[str]:
    if scope is None:
        return set()
    granted = {"granted_write"} | ({"granted_read"} if is_read_permission(perm) else set())
    if perm.rsplit(".", 1)[-1] in BREAK_GLASS_ACTIONS:  # an emergency read opens viewing only
        granted.add("break_glass")
    if scope == Scope.ALL:
        return set(PLACES) | {"granted_read", "granted_write", "break_glass"}
    if scope == Scope.OWN or not has_division:
        return granted
    if scope == Scope.LEVEL:
        return {"own"} | granted
    return {"own", "child"} | granted  # subtree


def test_table_is_well_formed():
    table = permission_table()
    assert table, "the permission table is empty"
    for perm, grants in table.items():
        assert "." in perm, perm
        for role, scope in grants.items():
            assert isinstance(role, Role) and isinstance(scope, Scope)
    # The foundation's permissions are all there.
    for perm in [
        "people.view",
        "people.reveal",
        "people.edit",
        "people.export",
        "audit.view",
        "audit.verify",
        "access.breakglass",
        "accounts.manage_users",
        "orgs.view",
        "orgs.manage",
        "divisions.view",
    ]:
        assert perm in table


@pytest.mark.django_db
@pytest.mark.parametrize("perm", ALL_PERMS)
def test_actor_scopes_match_the_table(world, perm):
    grants = permission_table()[perm]
    for role, actor in world["actors"].items():
        scopes = actor.scopes(perm)
        if role in grants:
            assert [s for s, _ in scopes] == [grants[role]], (perm, role)
            assert scopes[0][1] == actor.primary_posting
            assert actor.has_perm(perm)
        else:
            assert scopes == [], (perm, role)
            assert not actor.has_perm(perm)


@pytest.mark.django_db
def test_unknown_permission_is_refused(world):
    with pytest.raises(KeyError):
        world["actors"][Role.STREET_STAFF].scopes("people.fly")


@pytest.mark.django_db
@pytest.mark.parametrize("perm", BUILT_PERMS)
def test_scoped_records_match_the_table(world, perm):
    grants = permission_table()[perm]
    places = world["records"][builder_for(perm)]
    by_pk = {record.pk: place for place, record in places.items()}
    model = type(next(iter(places.values())))
    for role, actor in world["actors"].items():
        has_division = actor.primary_posting.division_id is not None
        expected = expected_places(grants.get(role), perm, has_division)
        pks = set(policy.scoped(actor, perm, model).filter(pk__in=list(by_pk)).values_list("pk", flat=True))
        got = {by_pk[pk] for pk in pks}
        assert got == expected, f"{perm} · {role}: got {sorted(got)}, expected {sorted(expected)}"
        # The single-record check is the same rule.
        for place, record in places.items():
            assert policy.allows(actor, perm, record) == (place in expected), (perm, role, place)


@pytest.mark.django_db
def test_every_read_action_is_extended_by_read_grants_and_writes_are_not(world):
    read = [p for p in BUILT_PERMS if is_read_permission(p)]
    write = [p for p in BUILT_PERMS if not is_read_permission(p)]
    assert read and write
    assert "people.view" in read and "people.edit" in write


@pytest.mark.django_db
def test_agency_grant_reaches_every_user_of_the_agency(world):
    agency_user = world["users"][Role.AGENCY_USER]
    person = raw_person(_nanshan_community())
    actor = Actor.for_user(agency_user)
    assert not policy.allows(actor, "people.view", person)
    grant_access(obj=person, kind=GrantKind.REFERRAL, agency=actor.primary_posting.agency)
    assert policy.allows(actor, "people.view", person)


@pytest.mark.django_db
def test_revoked_and_expired_grants_open_nothing(world):
    from django.utils import timezone

    from jiayuan.access.services import revoke_access

    mediator = world["users"][Role.MEDIATOR]
    actor = Actor.for_user(mediator)
    person = raw_person(_nanshan_community())
    grant_access(obj=person, kind=GrantKind.HANDLER, user=mediator, source_key="case:1")
    assert policy.allows(actor, "people.view", person)
    assert revoke_access(source_key="case:1") == 1
    assert not policy.allows(actor, "people.view", person)
    grant_access(obj=person, kind=GrantKind.HANDLER, user=mediator, until=timezone.now() - dt.timedelta(seconds=1))
    assert not policy.allows(actor, "people.view", person)


def test_the_published_permission_table_is_the_one_in_code():
    """docs/permissions.md is `manage.py permission_matrix`'s output: regenerate it when a permission changes."""
    import io
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    out = io.StringIO()
    call_command("permission_matrix", stdout=out)
    published = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert out.getvalue() == published, "docs/permissions.md is stale: run manage.py permission_matrix"
