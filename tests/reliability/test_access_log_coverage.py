"""Every page and API operation on personal or case data writes an access-log row per request, refusals included.

Walked over the URL map and the OpenAPI document the way the scope probe walks them (never a hand-kept list):
for each route, one role that holds its permission and one that does not; a 404 (no permission, or a record
that is missing or out of scope) must leave a "拒绝访问" row as surely as a page served leaves its own.
"""

from __future__ import annotations

import pytest
from django.test import Client

from jiayuan.access.registry import permission_table
from jiayuan.access.roles import NO_PERSONAL_DATA_APPS, PERSONAL_DATA_APPS, Role, touches_personal_data
from jiayuan.api.routing import LOGIN, PUBLIC
from jiayuan.audit.models import AccessLog, Action
from tests.factories import XIANGMIHU, community_of, make_agency, make_user

from . import probe


@pytest.fixture
def users(db):
    community = community_of(XIANGMIHU, 0)
    agency = make_agency()
    made = {}
    for role in Role:
        place = probe.role_place(role, community)
        made[role] = make_user(role, place, agency=agency if place is None else None)
    return made


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _rows_for(user, since: int) -> list[AccessLog]:
    return list(AccessLog.objects.filter(pk__gt=since, user=user).order_by("id"))


def _last_id() -> int:
    return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _holder_and_other(perm: str):
    table = permission_table()[perm]
    holder = next((role for role in Role if role in table), None)
    other = next((role for role in Role if role not in table), None)
    return holder, other


@pytest.mark.django_db
def test_every_page_on_personal_or_case_data_writes_a_row(users):
    clients = {role: _client(user) for role, user in users.items()}
    problems: list[str] = []
    checked = 0
    for route in probe.page_routes():
        decl = probe.declaration(route.callback)
        if decl is None or decl.kind != "perm" or not touches_personal_data(decl.perm):
            continue
        checked += 1
        url = route.url()
        holder, other = _holder_and_other(decl.perm)
        for role, holds in ((holder, True), (other, False)):
            if role is None:
                continue
            client, user = clients[role], users[role]
            since = _last_id()
            response = client.get(url)
            if response.status_code == 405:
                if holds and not route.params:
                    continue  # never POST blindly as a user who may act; the refusal below covers the route
                since = _last_id()
                response = client.post(url)
            rows = _rows_for(user, since)
            if not rows:
                problems.append(f"{role.value} {route.label}: {response.status_code}, no access-log row")
            elif response.status_code == 404 and not any(r.action == Action.REFUSED for r in rows):
                problems.append(f"{role.value} {route.label}: 404 without a 拒绝访问 row")
    assert checked > 50, checked
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_api_operation_on_personal_or_case_data_writes_a_row(users, client):
    operations = probe.api_operations(client.get("/api/openapi.json").json())
    clients = {role: _client(user) for role, user in users.items()}
    problems: list[str] = []
    checked = 0
    for op in operations:
        if op.perm in (PUBLIC, LOGIN, None) or not touches_personal_data(op.perm):
            continue
        checked += 1
        holder, other = _holder_and_other(op.perm)
        for role, holds in ((holder, True), (other, False)):
            if role is None or (holds and op.method != "GET" and not op.params):
                continue
            since = _last_id()
            if op.method == "GET":
                response = clients[role].get(op.url())
            else:
                response = clients[role].generic(op.method, op.url(), "{}", content_type="application/json")
            if response.status_code == 422:
                continue  # the body was refused before anything was read
            rows = _rows_for(users[role], since)
            if not rows:
                problems.append(f"{role.value} {op.key}: {response.status_code}, no access-log row")
            elif response.status_code == 404 and not any(r.action == Action.REFUSED for r in rows):
                problems.append(f"{role.value} {op.key}: 404 without a 拒绝访问 row")
    assert checked > 10, checked
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_list_pages_and_api_lists_write_a_row_without_personal_values(users):
    worker = users[Role.STREET_STAFF]
    client = _client(worker)
    for url in ("/cases/", "/care/register/", "/cases/inbox/", "/api/cases", "/api/people"):
        since = _last_id()
        assert client.get(url, {"status": "open"}).status_code == 200, url
        rows = _rows_for(worker, since)
        assert [r.action for r in rows] == [Action.LIST], (url, [r.action for r in rows])
        assert rows[0].detail["params"] == {"status": "open"}
    since = _last_id()
    client.get("/cases/", {"q": "王秀英"})
    row = _rows_for(worker, since)[-1]
    assert "王秀英" not in str(row.detail) and row.detail["params"]["q"] == "(3 字)"
    # A refusal: a missing (or out-of-scope) case.
    since = _last_id()
    assert client.get(f"/cases/{probe.MISSING_ID}/").status_code == 404
    assert [r.action for r in _rows_for(worker, since)] == [Action.REFUSED]


def _models_hold_people(config) -> bool:
    """Whether an app's models point at a person or a household, or keep encrypted values."""
    for model in config.get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if getattr(field, "concrete", False) and related is not None and related._meta.app_label == "people":
                return True
            if type(field).__name__.startswith("Encrypted"):
                return True
    return False


def test_every_app_with_guarded_pages_is_classified_and_people_apps_are_logged():
    """A new app cannot slip past the access log: each app owning a permission is either logged or declared
    to show no person, and one whose models hold people is always logged."""
    from django.apps import apps

    owners = {perm.split(".", 1)[0] for perm in permission_table()}
    unclassified = sorted(owners - PERSONAL_DATA_APPS - NO_PERSONAL_DATA_APPS)
    assert not unclassified, f"classify in access/roles.py: {unclassified}"
    assert not PERSONAL_DATA_APPS & NO_PERSONAL_DATA_APPS
    holding = {c.label for c in apps.get_app_configs() if c.name.startswith("jiayuan.") and _models_hold_people(c)}
    wrongly_unlogged = sorted((holding & owners) - PERSONAL_DATA_APPS)
    assert not wrongly_unlogged, f"apps whose models hold people but whose pages are not logged: {wrongly_unlogged}"
    # The federation-work apps holding names are among them (the check above is not vacuous).
    assert {"honours", "volunteers", "activities", "orgs", "legal"} <= holding & PERSONAL_DATA_APPS


FEDERATION_APPS = ("honours", "volunteers", "activities", "orgs", "legal", "reports")


def _covering_role(perm: str, community: str) -> Role | None:
    table = permission_table()[perm]
    for role in Role:
        if probe.covers(table.get(role), probe.role_place(role, community), community):
            return role
    return None


@pytest.mark.django_db
def test_federation_pages_log_the_record_opened_and_never_a_name(users):
    """With real records (the probe hooks' honour holders, volunteers, attendance, members, tickets): every
    page and API read of those apps, opened by a role that reaches the record, leaves a row naming the record
    and not the person; then every list page of those apps, with the records present (a page that has nothing
    for its user, such as 我的志愿者档案 of a volunteer not registered, answers 404 with a 拒绝访问 row)."""
    community = community_of(XIANGMIHU, 0)
    clients = {role: _client(user) for role, user in users.items()}
    pages = {r.name: r for r in probe.page_routes() if r.name}
    operations = {op.key: op for op in probe.api_operations(Client().get("/api/openapi.json").json())}
    hooks = probe.hooks()
    problems: list[str] = []
    opened = 0
    for label in FEDERATION_APPS:
        for key, spec in hooks[label].records(community).items():
            if key in operations:
                perm, url = operations[key].perm, operations[key].url(spec["in"])
            else:
                route = pages[key]
                decl = probe.declaration(route.callback)
                perm, url = decl.perm, route.url(spec["in"])
            if not touches_personal_data(perm):
                continue
            role = _covering_role(perm, community)
            if role is None:
                continue
            since = _last_id()
            response = clients[role].get(url)
            rows = _rows_for(users[role], since)
            opened += 1
            if response.status_code >= 400:
                problems.append(f"{role.value} {key}: {response.status_code} on a record in scope")
            elif not rows or any(r.action == Action.REFUSED for r in rows):
                problems.append(f"{role.value} {key}: {[r.action for r in rows]}")
            elif not any(r.object_id and r.object_id in url for r in rows):
                problems.append(f"{role.value} {key}: no row names the record opened ({[r.object_id for r in rows]})")
    assert opened > 15, opened
    for route in probe.page_routes():
        decl = probe.declaration(route.callback)
        if route.params or decl is None or decl.kind != "perm" or not touches_personal_data(decl.perm):
            continue
        if decl.perm.split(".", 1)[0] not in FEDERATION_APPS:
            continue
        role = _covering_role(decl.perm, community) or _holder_and_other(decl.perm)[0]
        since = _last_id()
        response = clients[role].get(route.url())
        if response.status_code == 405:
            continue
        rows = _rows_for(users[role], since)
        refused_right = response.status_code != 404 or any(r.action == Action.REFUSED for r in rows)
        if response.status_code >= 500 or not rows or not refused_right:
            problems.append(f"{role.value} {route.label}: {response.status_code}, rows {[r.action for r in rows]}")
    leaked = [r.pk for r in AccessLog.objects.all() if "探针" in str(r.detail)]
    assert not leaked, f"access-log rows holding a name: {leaked}"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_list_logging_switch_drops_only_list_rows_and_the_deploy_check_flags_it(users, settings):
    """JIAYUAN_ACCESS_LOG_LISTS exists to measure the cost of logging lists (the load test's A/B)."""
    from jiayuan.audit.checks import access_log_lists_on

    worker = users[Role.STREET_STAFF]
    client = _client(worker)
    settings.ACCESS_LOG_LISTS = False
    since = _last_id()
    assert client.get("/cases/").status_code == 200
    assert _rows_for(worker, since) == []
    since = _last_id()
    assert client.get(f"/cases/{probe.MISSING_ID}/").status_code == 404
    assert [r.action for r in _rows_for(worker, since)] == [Action.REFUSED]  # refusals are always logged
    assert [w.id for w in access_log_lists_on(None)] == ["jiayuan.W001"]
    settings.ACCESS_LOG_LISTS = True
    assert access_log_lists_on(None) == []
    since = _last_id()
    assert client.get("/cases/").status_code == 200
    assert [r.action for r in _rows_for(worker, since)] == [Action.LIST]
