"""Identifiers never travel in URLs or reach the logs: look-ups go by POST, the scrubber sees typed separators."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from jiayuan.core.logging import ScrubPersonalDataFilter, scrub
from tests.factories import FUTIAN, XIANGMIHU, community_of, make_person, make_user

ID_NUMBER = "44030419900307123X"
MOBILE = "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        "440304 19900307 123X",
        "4403-0419-9003-0712-3x",
        "440304-19900307-123X",
        "138-1234-5678",
        "138 1234 5678",
        "+86 138 1234 5678",
        "138—1234—5678",
        "１３８１２３４５６７８",
        "来电 3 138-1234-5678 转",
    ],
)
def test_the_scrubber_normalises_separators(typed):
    cleaned = scrub(f"lookup phone={typed} done")
    digits = "".join(c for c in cleaned if c.isdigit())
    assert "13812345678" not in digits and "4403041990030712" not in digits, cleaned
    assert "[手机号]" in cleaned or "[身份证号]" in cleaned


def test_the_scrubber_leaves_dates_times_and_record_numbers():
    text = "2026-12-05 07:54:08 case 12345678 page=2 id=987654321 0.5"
    assert scrub(text) == text


@given(
    st.lists(st.integers(min_value=0, max_value=9), min_size=11, max_size=11).map(
        lambda d: "1" + str(3 + d[0] % 7) + "".join(map(str, d[1:10]))
    ),
    st.sampled_from(["", " ", "-", " - ", "."]),
)
def test_any_mobile_with_any_separator_is_scrubbed(number, sep):
    typed = sep.join([number[:3], number[3:7], number[7:]])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "caller %s", (typed,), None)
    ScrubPersonalDataFilter().filter(record)
    assert number not in "".join(c for c in record.getMessage() if c.isdigit())


@pytest.mark.django_db
def test_caller_look_up_goes_by_post_on_the_page_and_the_api():
    community = community_of(XIANGMIHU, 0)
    make_person(community, name="李小梅", phone=MOBILE, id_number=ID_NUMBER)
    operator = make_user(Role.HOTLINE_OPERATOR, FUTIAN)
    client = Client()
    client.force_login(operator)
    assert client.get("/cases/intake/lookup/", {"phone": MOBILE}).status_code == 405
    found = client.post("/cases/intake/lookup/", {"phone": "138-1234-5678"}).content.decode()
    assert "李*梅" in found
    page = client.get("/cases/intake/").content.decode()
    assert 'hx-get="/cases/intake/lookup/' not in page and 'hx-post="/cases/intake/lookup/' in page
    _, raw = ApiToken.issue(operator, days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/cases/callers", {"phone": MOBILE}, **auth).status_code == 405
    answer = client.post("/api/cases/callers", {"id_number": ID_NUMBER}, content_type="application/json", **auth)
    assert answer.status_code == 200 and len(answer.json()) == 1


@pytest.mark.django_db
def test_people_search_takes_identifiers_only_by_post():
    community = community_of(XIANGMIHU, 0)
    person = make_person(community, name="李小梅", phone=MOBILE, id_number=ID_NUMBER)
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    client = Client()
    client.force_login(staff)
    for q in (ID_NUMBER, MOBILE, "138-1234-5678"):
        refused = client.get("/people/", {"q": q})
        assert refused.status_code == 400 and "网址" in refused.content.decode()
        assert client.post("/people/", {"q": q}).status_code == 200
    page = client.get("/people/").content.decode()
    assert '<form method="post" action="/people/"' in page
    _, raw = ApiToken.issue(staff, days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    refused = client.get("/api/people", {"q": ID_NUMBER}, **auth)
    assert refused.status_code == 400 and "网址" in refused.json()["detail"]
    found = client.post("/api/people/search", {"q": ID_NUMBER}, content_type="application/json", **auth).json()
    assert [r["id"] for r in found["results"]] == [person.pk]
