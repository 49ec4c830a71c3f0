"""Names and birth dates stay in plain columns (docs/adr/0004): masked wherever they are listed, searched by
range, never logged. If one of these tests stops holding, the reasons in the ADR no longer hold either."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from jiayuan.audit.models import AccessLog, Action
from jiayuan.people import selectors
from tests.factories import XIANGMIHU, community_of, make_person, make_user

NAME = "欧阳秀芳"
BIRTH = dt.date(2012, 3, 7)


@pytest.fixture
def scene(db):
    community = community_of(XIANGMIHU, 0)
    person = make_person(community, name=NAME, id_number=None)
    type(person).objects.filter(pk=person.pk).update(birth_date=BIRTH)
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    return {"person": person, "staff": staff, "token": ApiToken.issue(staff, days=1)[1]}


def test_lists_searches_api_and_export_show_the_name_masked_and_no_birth_date(client, scene):
    client.force_login(scene["staff"])
    shown = [
        client.get("/people/").content.decode().split('<div id="results">', 1)[-1],
        client.post("/people/", {"q": "欧阳"}).content.decode().split('<div id="results">', 1)[-1],
        str(client.get("/api/people", {"q": "欧阳"}, HTTP_AUTHORIZATION=f"Bearer {scene['token']}").json()),
    ]
    book = openpyxl.load_workbook(io.BytesIO(client.post("/people/export/").content))
    shown.append(" ".join(str(c.value) for row in book.active.iter_rows() for c in row))
    for text in shown:
        assert NAME not in text and "秀芳" not in text
        assert "欧**芳" in text
        assert BIRTH.isoformat() not in text and "2012年3月7日" not in text and "2012-03-07" not in text


def test_a_name_search_is_logged_without_the_text_typed(client, scene):
    client.force_login(scene["staff"])
    client.post("/people/", {"q": "欧阳秀"})
    row = AccessLog.objects.filter(action=Action.SEARCH, user=scene["staff"]).latest("id")
    assert row.detail["kind"] == "name" and row.detail["query_length"] == 3
    assert "欧阳秀" not in str(row.detail)


def test_name_and_age_filters_query_the_plain_columns_by_range(scene):
    actor = Actor.for_user(scene["staff"])
    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.person_list(actor=actor, filters=selectors.PersonFilters(q="欧阳", minor=True)))
    assert found == [scene["person"]]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"name" >=' in sql and '"birth_date" >' in sql
