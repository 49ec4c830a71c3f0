"""Bad query parameters get a Chinese 400 (never a 500, never a silent guess): every page, every role holding it.

Every list page of the URL map is asked with every date and number parameter the product reads set to a value
that is neither; the pages that read one answer 400 naming it, the others ignore it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jiayuan.access.registry import permission_table
from jiayuan.access.roles import Role
from tests.factories import XIANGMIHU, community_of, make_agency, make_user

from . import probe

NUMBER_OR_DATE = [
    "campaign", "year", "before", "from", "to", "start", "end", "since", "until", "fund", "agency", "part",
    "question", "received_from", "received_to", "closed_from", "closed_to", "entered_from", "entered_to",
    "exited_from", "exited_to",
]  # fmt: skip
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.django_db
def test_screening_lists_answer_400_in_chinese_for_a_bad_campaign(client):
    client.force_login(make_user(Role.STREET_STAFF, XIANGMIHU))
    for url in ("/screening/hazards/", "/screening/visits/"):
        response = client.get(url, {"campaign": "abc"})
        assert response.status_code == 400, url
        body = response.content.decode()
        assert "排查活动" in body and "整数" in body
        assert "Traceback" not in body and "settings" not in body
    assert client.get("/screening/hazards/", {"start": "2026-13-45"}).status_code == 400
    assert client.get("/screening/hazards/", {"campaign": ""}).status_code == 200


@pytest.mark.django_db
def test_every_list_page_answers_bad_numbers_and_dates_with_400_or_ignores_them():
    community = community_of(XIANGMIHU, 0)
    agency = make_agency()
    users = {}
    for role in Role:
        place = probe.role_place(role, community)
        users[role] = make_user(role, place, agency=agency if place is None else None)
    table = permission_table()
    bad = dict.fromkeys(NUMBER_OR_DATE, "abc")
    problems = []
    answered_400 = 0
    for route in probe.page_routes():
        decl = probe.declaration(route.callback)
        if decl is None or route.params or decl.kind == "public":
            continue
        holder = next((r for r in Role if decl.kind != "perm" or r in table[decl.perm]), None)
        if holder is None:
            continue
        client = Client(raise_request_exception=False)
        client.force_login(users[holder])
        response = client.get(route.url(), bad)
        if response.status_code == 405:
            continue
        if response.status_code >= 500:
            problems.append(f"{route.label}: {response.status_code}")
        elif response.status_code == 400:
            answered_400 += 1
            text = response.content.decode("utf-8", "replace")
            if not CHINESE.search(text) or "Traceback" in text:
                problems.append(f"{route.label}: 400 without a Chinese message")
    assert not problems, "\n".join(problems)
    assert answered_400 >= 5
