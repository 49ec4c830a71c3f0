"""Scope-leak probe over the whole URL map and the whole API (read from the URL configuration and the OpenAPI
document, never from a hand-kept list), for every role, against the permission table.

New views and operations are picked up the day they land: an undeclared one fails by name; apps with a
probe hook (`tests/probes/<app_label>.py`, protocol in `tests/probes/__init__.py`) get records in and out of scope.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jiayuan.access.registry import permission_table
from jiayuan.access.roles import Role, is_read_permission
from jiayuan.api.routing import LOGIN, PUBLIC
from tests.factories import XIANGMIHU, community_of, make_agency, make_user

from . import probe

ROLES = list(Role)


HEALTH_ROUTES = {"healthz", "healthz_live"}


def _declared_pages():
    return [(route, probe.declaration(route.callback)) for route in probe.page_routes()]


def test_every_page_view_declares_what_it_needs():
    undeclared = [route.label for route, decl in _declared_pages() if decl is None]
    assert not undeclared, "views without @require_perm/@require_login/@public_view: " + ", ".join(undeclared)
    table = permission_table()
    unknown = [
        f"{route.label} ({decl.perm})"
        for route, decl in _declared_pages()
        if decl.kind == "perm" and decl.perm not in table
    ]
    assert not unknown, "views requiring a permission missing from the table: " + ", ".join(unknown)


def _schema(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def probe_users(db):
    community = community_of(XIANGMIHU, 0)
    agency = make_agency()
    users = {}
    for role in ROLES:
        place = probe.role_place(role, community)
        users[role] = (make_user(role, place, agency=agency if place is None else None), place)
    return community, users


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_every_api_operation_declares_a_known_permission(client):
    operations = probe.api_operations(_schema(client))
    assert operations, "the OpenAPI document lists no operations"
    missing = [op.key for op in operations if not op.perm]
    assert not missing, "API operations not declared with routing.operation(perm=...): " + ", ".join(missing)
    unknown = [f"{op.key} ({op.perm})" for op in operations if not probe.known(op.perm)]
    assert not unknown, "API operations requiring a permission missing from the table: " + ", ".join(unknown)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_pages_answer_as_the_role_table_says(probe_users):
    """Every GET page for every role and for an anonymous visitor: 404 without the permission."""
    _, users = probe_users
    table = permission_table()
    problems: list[str] = []
    routes = [(r, d) for r, d in _declared_pages() if d is not None]
    anonymous = _client()
    clients = {role: _client(user) for role, (user, _) in users.items()}
    for route, decl in routes:
        url = route.url()
        response = anonymous.get(url)
        post_only = response.status_code == 405
        if post_only:
            response = anonymous.post(url)
        # A list page: no arguments, a read permission (a "new" form may need a query parameter).
        list_page = not route.params and not post_only and (decl.kind != "perm" or is_read_permission(decl.perm))
        if decl.kind == "public":
            # The health endpoints answer 503 while a part of the installation is down (no scheduler here).
            if response.status_code >= 500 and not (route.name in HEALTH_ROUTES and response.status_code == 503):
                problems.append(f"anonymous {route.label}: {response.status_code}")
        elif not _is_login_redirect(response):
            problems.append(f"anonymous {route.label}: {response.status_code}, expected the login redirect")
        for role, client in clients.items():
            allowed = decl.kind != "perm" or role in table[decl.perm]
            if post_only:
                if allowed:
                    continue  # never POST blindly as a user who may act
                response = client.post(url)
            else:
                response = client.get(url)
            status = response.status_code
            if status >= 500 and not (route.name in HEALTH_ROUTES and status == 503):
                problems.append(f"{role.value} {route.label}: {status}")
            elif not allowed and status != 404:
                problems.append(f"{role.value} {route.label}: {status}, expected 404 (no {decl.perm})")
            elif allowed and list_page and status == 404:
                problems.append(f"{role.value} {route.label}: 404, but the role holds {decl.perm}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_api_answers_as_the_role_table_says(probe_users):
    """Every GET operation for every role: 401 anonymous, 404 without the permission, never 5xx."""
    _, users = probe_users
    table = permission_table()
    problems: list[str] = []
    anonymous = _client()
    operations = [op for op in probe.api_operations(_schema(anonymous)) if op.method == "GET"]
    clients = {role: _client(user) for role, (user, _) in users.items()}
    for op in operations:
        url = op.url()
        response = anonymous.get(url)
        if op.perm == PUBLIC:
            if response.status_code >= 500:
                problems.append(f"anonymous {op.key}: {response.status_code}")
        elif response.status_code != 401:
            problems.append(f"anonymous {op.key}: {response.status_code}, expected 401")
        for role, client in clients.items():
            allowed = op.perm in (PUBLIC, LOGIN) or role in table.get(op.perm, {})
            response = client.get(url)
            status = response.status_code
            if status >= 500:
                problems.append(f"{role.value} {op.key}: {status}")
            elif not allowed and status != 404:
                problems.append(f"{role.value} {op.key}: {status}, expected 404 (no {op.perm})")
            elif (
                allowed
                and not op.params
                and (op.perm in (PUBLIC, LOGIN) or is_read_permission(op.perm))
                and status == 404
            ):
                problems.append(f"{role.value} {op.key}: 404, but the role holds {op.perm}")
            if (
                status >= 400
                and response.get("Content-Type", "").startswith("application/json")
                and "detail" not in response.json()
            ):
                problems.append(f"{role.value} {op.key}: {status} without a detail message")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_api_writes_are_refused_without_the_permission(probe_users):
    """Every non-GET operation: 401 anonymous; a role without the permission never gets through (404, or
    422 when the body is refused before the permission is looked at — either way nothing is written)."""
    _, users = probe_users
    table = permission_table()
    problems: list[str] = []
    anonymous = _client()
    operations = [op for op in probe.api_operations(_schema(anonymous)) if op.method != "GET" and op.perm != PUBLIC]
    clients = {role: _client(user) for role, (user, _) in users.items()}
    for op in operations:
        url = op.url()
        response = anonymous.generic(op.method, url, "{}", content_type="application/json")
        if response.status_code != 401:
            problems.append(f"anonymous {op.key}: {response.status_code}, expected 401")
        for role, client in clients.items():
            if op.perm == LOGIN or role in table.get(op.perm, {}):
                continue
            status = client.generic(op.method, url, "{}", content_type="application/json").status_code
            if status not in (404, 422):
                problems.append(f"{role.value} {op.key}: {status}, expected 404 (no {op.perm})")
    assert not problems, "\n".join(problems)


def _missing(kwargs: dict) -> dict:
    return {k: (probe.MISSING_ID if isinstance(v, int) else v) for k, v in kwargs.items()}


@pytest.mark.django_db
def test_records_inside_and_outside_each_roles_scope(probe_users):
    """Through every app's probe hook: in scope opens, out of scope and missing are the same 404."""
    community, users = probe_users
    table = permission_table()
    pages = {r.name: (r, d) for r, d in _declared_pages() if r.name}
    operations = {op.key: op for op in probe.api_operations(_schema(_client()))}
    hooks = probe.hooks()
    assert {"people", "orgs"} <= set(hooks)
    problems: list[str] = []
    anonymous = _client()
    clients = {role: (_client(user), place) for role, (user, place) in users.items()}
    for label, module in hooks.items():
        for key, spec in module.records(community).items():
            if key in operations:
                op = operations[key]
                declared, build, kind = op.perm, op.url, "api"
            elif key in pages:
                route, decl = pages[key]
                declared = decl.perm if decl.kind == "perm" else decl.kind
                build, kind = route.url, "page"
            else:
                problems.append(f"probe hook of {label} names an unknown route {key}")
                continue
            perm = spec.get("perm") or declared
            if perm in (PUBLIC, LOGIN) or perm not in table:
                problems.append(f"{key}: a hooked route must require a permission (has {perm})")
                continue
            urls = {
                "in": build(spec["in"]),
                "out": build(spec["out"]),
                "missing": build(spec.get("missing") or _missing(spec["out"])),
            }
            response = anonymous.get(urls["in"])
            expected_anonymous = 401 if kind == "api" else 302
            if response.status_code != expected_anonymous:
                problems.append(f"anonymous {key} in scope: {response.status_code}")
            for role, (client, place) in clients.items():
                scope = table[perm].get(role)
                answers = {which: client.get(url) for which, url in urls.items()}
                if any(r.status_code == 405 for r in answers.values()):
                    problems.append(f"probe hook of {label}: {key} does not answer GET — hook GET routes only")
                    break
                for which, response in answers.items():
                    if response.status_code >= 500:
                        problems.append(f"{role.value} {key} {which}: {response.status_code}")
                inside = answers["in"].status_code
                if probe.covers(scope, place, community):
                    if inside == 404:
                        problems.append(f"{role.value} {key}: 404 on a record in scope ({scope} of {perm})")
                elif inside != 404:
                    problems.append(f"{role.value} {key}: {inside} on a record out of its scope ({scope} of {perm})")
                if scope != "all" and answers["out"].status_code != 404:
                    problems.append(
                        f"{role.value} {key}: {answers['out'].status_code} on a record in another "
                        f"district ({scope} of {perm})"
                    )
                if answers["missing"].status_code != 404:
                    problems.append(f"{role.value} {key}: {answers['missing'].status_code} on a missing record")
                elif answers["out"].status_code == 404 and probe.normalise(answers["out"].content) != probe.normalise(
                    answers["missing"].content
                ):
                    problems.append(f"{role.value} {key}: out-of-scope and missing records answer differently")
    assert not problems, "\n".join(problems)
