"""Bad query parameters get a Chinese 400 (never a 500, never a silent guess): every page, every role holding it.

Every list page of the URL map is asked with every date and number parameter the product reads set to a value
that is neither; the pages that read one answer 400 naming it, the others ignore it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client

from jiayuan.access.registry import permission_table
from jiayuan.access.roles import Role
from tests.factories import XIANGMIHU, community_of, make_agency, make_user

from . import probe

NUMBER_OR_DATE = [
    "campaign", "year", "before", "from", "to", "start", "end", "since", "until", "fund", "agency", "part",
    "question", "received_from", "received_to", "closed_from", "closed_to", "entered_from", "entered_to",
    "exited_from", "exited_to", "page", "project", "team", "period",
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


# Parsers that guess: a bad value silently becomes "no filter" or page 1 instead of a 400.
LENIENT = {"parse_date", "int", "_int", "_year", "float", "Decimal", "get_page", "Paginator"}
ROOT = Path(__file__).resolve().parents[2] / "jiayuan"


def _reads_the_query(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return "GET" in text or re.match(r"(get|g|query|params)\.get\(", text) is not None


def test_no_page_reads_a_query_parameter_through_a_lenient_parser():
    """Every number, date and page number of a query string goes through `core.dates.query_int/query_date` or
    `core.pagination.paginate`, which answer a bad value with a Chinese 400."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or not (path.name in ("views.py", "api.py") or path.parent.name == "views"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("get_page", "Paginator") or (name in LENIENT and node.args and _reads_the_query(node.args[0])):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {ast.unparse(node)[:80]}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params", "named"),
    [
        ("/activities/", {"start": "abc"}, "开始日期"),
        ("/activities/", {"end": "2026-02-30"}, "结束日期"),
        ("/activities/", {"page": "abc"}, "页码"),
        ("/activities/", {"page": "0"}, "页码"),
        ("/activities/", {"project": "x"}, "服务项目"),
        ("/volunteers/", {"team": "abc"}, "队伍"),
        ("/honours/", {"year": "20x4"}, "年度"),
        ("/legal/staff/tickets/", {"page": "abc"}, "页码"),
    ],
)
def test_federation_lists_answer_a_bad_value_with_a_chinese_400(url, params, named):
    table = permission_table()
    from django.urls import resolve

    decl = probe.declaration(resolve(url).func)
    role = next(r for r in Role if r in table[decl.perm])
    client = Client()
    client.force_login(make_user(role, probe.role_place(role, community_of(XIANGMIHU, 0))))
    response = client.get(url, params)
    assert response.status_code == 400, (url, params, response.status_code)
    assert named in response.content.decode()
    assert client.get(url).status_code == 200
