"""Protected personal data: nothing in plaintext at rest, masked lists/search/API/exports, logged reveals."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from jiayuan.access.actor import Actor
from jiayuan.access.models import GrantKind
from jiayuan.access.roles import Role
from jiayuan.access.services import grant_access
from jiayuan.accounts.models import ApiToken
from jiayuan.audit.models import AccessLog, Action
from jiayuan.people.models import IdType, Person
from jiayuan.people.services import PersonInput, person_phone_add, person_update
from tests.factories import XIANGMIHU, community_of, make_person, make_user

ID_NUMBER = "44030419900307123X"
ID_MASKED = "4403**********123X"
PHONE = "13812345678"
PHONE_MASKED = "138****5678"
LANDLINE = "0755-83456789"
ADDRESS = "深南大道7008号丽景花园3栋1203室"
NEW_ADDRESS = "福华三路88号时代财富大厦B座2201"
NOTE = "当事人丈夫有酗酒史，曾多次动手"


@pytest.fixture
def scene(db):
    home = community_of(XIANGMIHU, 0)
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    person = make_person(home, name="张小红", id_number=ID_NUMBER, phone=PHONE, address=ADDRESS)
    return {
        "home": home,
        "staff": staff,
        "person": person,
        "actor": Actor.for_user(staff),
        "token": ApiToken.issue(staff, days=1)[1],
    }


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _every_stored_value():
    """Every value of every column of every table, read with raw SQL."""
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row):
                    if value is None:
                        continue
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        text = bytes(value).decode("utf-8", "replace")
                    else:
                        text = value if isinstance(value, str) else repr(value)
                    yield table, column, text


def test_raw_database_holds_no_plaintext_identifiers(client, scene):
    person, actor, staff = scene["person"], scene["actor"], scene["staff"]
    # Edits, so that history rows exist; another phone; notes.
    person_update(
        actor=actor,
        person=person,
        expected_version=person.version,
        data=PersonInput(
            name="张小红",
            division_code=scene["home"],
            id_type=IdType.RESIDENT,
            id_number=ID_NUMBER.lower(),
            address_detail=NEW_ADDRESS,
            notes=NOTE,
        ),
    )
    person_phone_add(actor=actor, person=person, number=LANDLINE)
    person.refresh_from_db()
    assert person.history.count() >= 2
    # Searches by identity number and by phone (page and API), views, reveals, an export.
    client.force_login(staff)
    for q in (ID_NUMBER, PHONE, "138 1234 5678", LANDLINE):
        assert client.post("/people/", {"q": q}).status_code == 200
        assert (
            client.post(
                "/api/people/search", {"q": q}, content_type="application/json", **bearer(scene["token"])
            ).status_code
            == 200
        )
    assert client.get(f"/people/{person.pk}/").status_code == 200
    for field in ("id_number", "phones", "address_detail", "notes"):
        assert client.post(f"/people/{person.pk}/reveal/{field}/").status_code == 200
    assert client.post("/people/export/").status_code == 200

    secrets = [ID_NUMBER, ID_NUMBER[:17], PHONE, LANDLINE, "83456789", ADDRESS, NEW_ADDRESS, "丽景花园", NOTE]
    found = [
        (table, column, secret) for table, column, text in _every_stored_value() for secret in secrets if secret in text
    ]
    assert found == []
    # Nor does the cache (locmem in tests: keys and pickled values).
    from django.core.cache import cache

    for key, value in getattr(cache, "_cache", {}).items():
        text = str(key) + (
            bytes(value).decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else repr(value)
        )
        assert not [secret for secret in secrets if secret in text], key
    # The values are there, encrypted: the application reads them back.
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.address_detail, person.notes) == (ID_NUMBER, NEW_ADDRESS, NOTE)
    # And the searches were logged, without the query.
    searches = AccessLog.objects.filter(action=Action.SEARCH, user=staff)
    assert searches.count() == 8
    assert {row.detail["kind"] for row in searches} == {"id_number", "phone"}


def test_list_search_api_and_export_are_masked(client, scene):
    person, staff = scene["person"], scene["staff"]
    client.force_login(staff)
    for response in (
        client.get("/people/"),
        client.post("/people/", {"q": "zxh"}),
        client.post("/people/", {"q": ID_NUMBER}),
        client.post("/people/", {"q": PHONE}),
        client.post("/people/", {"q": "张小"}, HTTP_HX_REQUEST="true"),
        client.get(f"/people/{person.pk}/"),
    ):
        # The search form echoes what the user typed themself; the results are masked.
        body = response.content.decode().split('<div id="results">', 1)[-1]
        assert response.status_code == 200
        assert "张*红" in body and ID_MASKED in body, body[-2000:]
        assert "张小红" not in body and ID_NUMBER not in body and PHONE not in body and ADDRESS not in body
    assert PHONE_MASKED in client.get("/people/").content.decode()
    # The HTMX search answers with the results partial only.
    partial = client.post("/people/", {"q": "zxh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "张*红" in partial

    rows = client.post(
        "/api/people/search", {"q": "张小红"}, content_type="application/json", **bearer(scene["token"])
    ).json()["results"]
    assert rows == [
        {
            "id": person.pk,
            "name": "张*红",
            "gender": "男",
            "age": rows[0]["age"],
            "is_minor": False,
            "id_number": ID_MASKED,
            "phone": PHONE_MASKED,
            "division": person.division.name,
        }
    ]
    for q, expected in (
        (ID_NUMBER.lower(), [person.pk]),
        (PHONE, [person.pk]),
        ("+86 138-1234-5678", [person.pk]),
        ("44030419900307124X", []),
        ("13812345679", []),
        ("zxh", [person.pk]),
        ("张小", [person.pk]),
        ("小红", []),
    ):
        found = client.post(
            "/api/people/search", {"q": q}, content_type="application/json", **bearer(scene["token"])
        ).json()["results"]
        assert [r["id"] for r in found] == expected, q
    detail = client.get(f"/api/people/{person.pk}", **bearer(scene["token"])).json()
    assert detail["name"] == "张*红" and detail["id_number"] == ID_MASKED
    assert [p["number"] for p in detail["phones"]] == [PHONE_MASKED]

    export = client.get("/people/export/")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["编号", "姓名", "性别"]
    row = next(r for r in values[1:] if r[0] == person.pk)
    assert row[1] == "张*红" and row[5] == ID_MASKED and row[6] == PHONE_MASKED
    flat = " ".join(str(v) for r in values for v in r)
    assert "张小红" not in flat and ID_NUMBER not in flat and PHONE not in flat
    log = AccessLog.objects.get(action=Action.EXPORT, user=staff)
    assert log.detail["masked"] is True and log.detail["rows"] >= 1


def test_reveal_page_and_api_returns_full_value_and_logs_the_field_class(client, scene):
    person, staff = scene["person"], scene["staff"]
    client.force_login(staff)
    response = client.post(f"/people/{person.pk}/reveal/id_number/")
    assert response.status_code == 200 and ID_NUMBER in response.content.decode()
    row = AccessLog.objects.filter(action=Action.REVEAL, user=staff).latest("id")
    assert row.field_classes == ["sensitive"] and row.detail == {"field": "id_number"}
    assert row.object_id == str(person.pk) and row.object_type == "people.person"

    response = client.post(
        f"/api/people/{person.pk}/reveal",
        {"field": "phones"},
        content_type="application/json",
        **bearer(scene["token"]),
    )
    assert response.status_code == 200 and response.json() == {"field": "phones", "value": [PHONE]}
    assert AccessLog.objects.filter(action=Action.REVEAL, user=staff).count() == 2

    response = client.post(
        f"/api/people/{person.pk}/reveal", {"field": "name"}, content_type="application/json", **bearer(scene["token"])
    )
    assert response.status_code == 400 and "不支持" in response.json()["detail"]
    assert client.post(f"/people/{person.pk}/reveal/division/").status_code == 400
    assert AccessLog.objects.filter(action=Action.REVEAL, user=staff).count() == 2
    # A page view is logged with the classes shown (no sensitive values on the page).
    client.get(f"/people/{person.pk}/")
    view = AccessLog.objects.filter(action=Action.VIEW, user=staff).latest("id")
    assert view.field_classes == ["personal", "public"]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.LEADER, Role.AGENCY_USER])
def test_without_reveal_permission_is_404(client, scene, role):
    from tests.factories import make_agency

    person = scene["person"]
    if role == Role.AGENCY_USER:
        user = make_user(role, None, agency=make_agency())
    else:
        user = make_user(role, scene["home"])
    grant_access(obj=person, kind=GrantKind.PAIRING, user=user)  # may view it
    client.force_login(user)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert "查看完整号码" not in client.get(f"/people/{person.pk}/").content.decode()
    assert client.post(f"/people/{person.pk}/reveal/id_number/").status_code == 404
    token = ApiToken.issue(user, days=1)[1]
    response = client.post(
        f"/api/people/{person.pk}/reveal", {"field": "id_number"}, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=Action.REVEAL).exists()


def test_masks():
    from jiayuan.access.fields import mask_id_number, mask_name, mask_phone, mask_text

    assert mask_name("张小红") == "张*红"
    assert mask_name("李娜") == "李*"
    assert mask_name("欧阳春芳") == "欧**芳"
    assert mask_id_number(ID_NUMBER) == ID_MASKED
    assert mask_phone(PHONE) == PHONE_MASKED
    assert mask_phone(LANDLINE) == "0755-****6789"
    assert mask_text(NOTE) == f"〔已隐藏，共 {len(NOTE)} 字〕"
    assert mask_name("") == mask_id_number("") == mask_phone("") == ""


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9).map(lambda s: "13" + s))
def test_masked_mobile_hides_the_middle_four(number):
    from jiayuan.access.fields import mask_phone

    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]


@settings(deadline=None)
@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_masked_id_number_keeps_only_eight_characters(number):
    from jiayuan.access.fields import mask_id_number

    masked = mask_id_number(number)
    assert len(masked) == 18 and masked.count("*") == 10
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]


@settings(deadline=None)
@given(st.text(min_size=3, max_size=8).filter(lambda s: "*" not in s))
def test_masked_name_hides_all_but_first_and_last(name):
    from jiayuan.access.fields import mask_name

    masked = mask_name(name)
    assert len(masked) == len(name) and masked[0] == name[0] and masked[-1] == name[-1]
    assert set(masked[1:-1]) == {"*"}
