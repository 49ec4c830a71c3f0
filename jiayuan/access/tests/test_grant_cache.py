"""A request's actor reads its grant ids once, and a grant written meanwhile is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.roles import Role
from jiayuan.access.services import grant_access, revoke_access
from jiayuan.people.models import Person
from tests.factories import MEILIN, XIANGMIHU, community_of, make_person, make_user


@pytest.mark.django_db
def test_grant_ids_are_read_once_per_request_and_refreshed_when_grants_change():
    mediator = make_user(Role.MEDIATOR, community_of(XIANGMIHU))
    person = make_person(community_of(MEILIN))
    actor = Actor.for_request(mediator)
    assert not policy.allows(actor, "people.view", person)
    with CaptureQueriesContext(connection) as ctx:
        assert not policy.allows(actor, "people.view", person)
    assert not any("access_accessgrant" in q["sql"] for q in ctx.captured_queries)

    grant_access(obj=person, kind=GrantKind.HANDLER, user=mediator, source_key="test:grant")
    assert policy.allows(actor, "people.view", person)
    assert policy.scoped(actor, "people.view", Person).filter(pk=person.pk).exists()
    revoke_access(source_key="test:grant")
    assert not policy.allows(actor, "people.view", person)


@pytest.mark.django_db
def test_actors_outside_a_request_never_cache():
    mediator = make_user(Role.MEDIATOR, community_of(XIANGMIHU))
    actor = Actor.for_user(mediator)
    person = make_person(community_of(MEILIN))
    policy.allows(actor, "people.view", person)
    assert actor.grant_cache is None


@pytest.mark.django_db
def test_a_request_reads_every_grant_it_holds_in_one_statement_and_each_kind_keeps_its_limits():
    mediator = make_user(Role.MEDIATOR, community_of(XIANGMIHU))
    handled, emergency = make_person(community_of(MEILIN)), make_person(community_of(MEILIN))
    grant_access(obj=handled, kind=GrantKind.HANDLER, user=mediator, source_key="test:handled")
    grant_access(obj=emergency, kind=GrantKind.BREAK_GLASS, user=mediator, source_key="test:glass")
    actor = Actor.for_request(mediator)
    with CaptureQueriesContext(connection) as ctx:
        assert policy.allows(actor, "people.view", handled)
        assert policy.allows(actor, "people.view", emergency)
        # an emergency grant opens the record to view, never to reveal
        assert policy.allows(actor, "people.reveal", handled)
        assert not policy.allows(actor, "people.reveal", emergency)
    assert sum("access_accessgrant" in q["sql"] for q in ctx.captured_queries) == 1
