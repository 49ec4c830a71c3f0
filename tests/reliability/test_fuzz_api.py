"""The API fuzzed with schemathesis against its own OpenAPI document: no 5xx, every 4xx a clear message.

Every operation in /api/openapi.json is called with valid-looking (positive) and broken (negative) input
generated from its schema, as a district user with a bearer token. Bounded: a few examples per operation
and mode, fewer once the time budget is spent, so the whole run stays well under a minute.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from jiayuan.access.roles import Role
from jiayuan.accounts.models import ApiToken
from tests.factories import FUTIAN, XIANGMIHU, community_of, make_person, make_user

EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}
BUDGET_SECONDS = 20


def _is_set(value) -> bool:
    return value is not None and type(value).__name__ != "NotSet"


def _request(client, case, token: str):
    path = case.formatted_path
    if not path.startswith("/api"):
        path = "/api" + path
    query = {k: v for k, v in (case.query or {}).items() if v is not None} if _is_set(case.query) else {}
    url = path + ("?" + urlencode(query, doseq=True) if query else "")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if _is_set(case.body):
        media = case.media_type or "application/json"
        if media == "application/json":
            data = json.dumps(case.body, default=str)
        elif isinstance(case.body, (bytes, str)):
            data = case.body
        else:
            data = json.dumps(case.body, default=str)
        return client.generic(case.method, url, data=data, content_type=media, **headers)
    return client.generic(case.method, url, **headers)


@pytest.mark.django_db
def test_fuzzing_every_operation_gives_no_server_error_and_clear_messages(client):
    from django.test import Client

    raw = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    user = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    _, token = ApiToken.issue(user, days=1)
    make_person(community_of(XIANGMIHU, 0), phone="13800138000")  # something to find
    caller = Client(raise_request_exception=False)
    problems: list[str] = []
    calls = {"n": 0, "status": set()}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            if time.monotonic() - started > BUDGET_SECONDS:
                examples = 2

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = _request(caller, case, token)
                status = response.status_code
                calls["n"] += 1
                calls["status"].add(status)
                label = f"{case.method} {case.formatted_path} ({mode.value})"  # noqa: B023 - run() is called at once
                if status >= 500:
                    problems.append(f"{label}: {status} for query={case.query!r} body={case.body!r}")
                elif status >= 400:
                    kind = response.get("Content-Type", "")
                    if not kind.startswith("application/json"):
                        problems.append(f"{label}: {status} answered as {kind}, not JSON")
                    else:
                        detail = response.json().get("detail") if isinstance(response.json(), dict) else None
                        if not isinstance(detail, str) or not detail.strip():
                            problems.append(f"{label}: {status} without a detail message")

            run()
    assert not problems, "\n".join(sorted(set(problems))[:40])
    assert calls["n"] >= 2 * len(operations)
    assert any(200 <= s < 300 for s in calls["status"]) and any(400 <= s < 500 for s in calls["status"])
