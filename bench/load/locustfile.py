"""The load mix: hotline intake, caller look-ups, cases read and worked on, people registered and edited,
lists, searches, person pages and dashboards, from many users at once.

    locust -f bench/load/locustfile.py --headless -u 30 -r 10 -t 60s --host http://127.0.0.1:8765

Needs LOAD_PLAN (from bench/load/seed.py) and LOAD_RESULTS (where the successful writes are recorded for
the count check, bench/load/count.py). Every write carries a unique marker ("LT-P-…" for a person,
"LT-C-…" for a case and its caller, "LT-A-…" for a handling step recorded on a case, "LT-U-…" for an
edit), so the database can be compared with what the clients were told succeeded. An edit or a step refused
because someone else saved first (409) is the expected answer to a conflict, not an error; anything 5xx or
unexpected is a failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid

from gevent.lock import Semaphore
from locust import HttpUser, between, events, task

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
RESULTS = {
    "people": [],
    "cases": [],
    "actions": [],
    "updates": 0,
    "conflicts": 0,
    "action_conflicts": 0,
    "case_api": None,
}
TOKENS: dict[str, str] = {}
_TOKEN_LOCK = Semaphore()  # one token per account, however many users start at once
API_ACCOUNTS = ["rexian", "weiquan"]  # hotline operator and district rights of Futian
PAGE_ACCOUNTS = ["weiquan"]  # district rights: sees all of Futian
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _marker(kind: str) -> str:
    return f"LT-{kind}-{uuid.uuid4().hex[:12]}"


def _expect(response, *ok: int):
    if response.status_code in ok:
        response.success()
        return True
    response.failure(f"{response.status_code}: {response.text[:200]}")
    return False


class ApiUser(HttpUser):
    """The telephony system and the mini-programs, with bearer tokens."""

    weight = 4
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.account = random.choice(API_ACCOUNTS)
        with _TOKEN_LOCK:
            if self.account not in TOKENS:
                response = self.client.post(
                    "/api/token", name="POST /api/token", json={"username": self.account, "password": PLAN["password"]}
                )
                TOKENS[self.account] = response.json()["token"]
        self.headers = {"Authorization": f"Bearer {TOKENS[self.account]}"}
        if RESULTS["case_api"] is None:
            probe = self.client.get("/api/cases", headers=self.headers, name="GET /api/cases")
            RESULTS["case_api"] = probe.status_code == 200 and bool(PLAN["categories"])

    @task(3)
    def hotline_intake(self):
        if not RESULTS["case_api"] or self.account != "rexian":
            return self.people_search()
        marker = _marker("C")
        payload = {
            "division_code": random.choice(PLAN["communities"]),
            "caller": {"name": marker, "phone": f"19{random.randint(0, 999_999_999):09d}"},
            "categories": [random.choice(PLAN["categories"])],
            "account": f"{marker} 来电反映家庭矛盾，希望妇联协调。",
        }
        with self.client.post(
            "/api/cases", json=payload, headers=self.headers, name="POST /api/cases", catch_response=True
        ) as response:
            if _expect(response, 201):
                RESULTS["cases"].append(marker)

    @task(3)
    def case_update(self):
        """A rights worker reads an open case and records a contact against the version read; the pool is small,
        so two workers sometimes act on the same case at once and the later one is refused (409)."""
        if not RESULTS["case_api"] or self.account != "weiquan" or not PLAN.get("case_ids"):
            return self.case_list()
        case_id = random.choice(PLAN["case_ids"][:50])
        with self.client.get(
            f"/api/cases/{case_id}", headers=self.headers, name="GET /api/cases/{id}", catch_response=True
        ) as response:
            if not _expect(response, 200):
                return
            version = response.json()["version"]
        marker = _marker("A")
        payload = {"kind": "contact", "note": f"{marker} 电话联系当事人，了解近况。", "version": version}
        with self.client.post(
            f"/api/cases/{case_id}/actions",
            json=payload,
            headers=self.headers,
            name="POST /api/cases/{id}/actions",
            catch_response=True,
        ) as response:
            if response.status_code == 409 and "已被他人修改" in response.json().get("detail", ""):
                RESULTS["action_conflicts"] += 1
                response.success()
            elif _expect(response, 201):
                RESULTS["actions"].append(marker)

    @task(2)
    def caller_lookup(self):
        if not RESULTS["case_api"] or not PLAN["phones"]:
            return self.people_list()
        # By POST: the number travels in the body, never in a URL a proxy would log.
        with self.client.post(
            "/api/cases/callers",
            json={"phone": random.choice(PLAN["phones"])},
            headers=self.headers,
            name="POST /api/cases/callers",
            catch_response=True,
        ) as response:
            _expect(response, 200)

    @task(2)
    def person_create(self):
        marker = _marker("P")
        payload = {
            "name": marker,
            "division_code": random.choice(PLAN["communities"]),
            "gender": "F",
            "phone": f"17{random.randint(0, 999_999_999):09d}",
        }
        with self.client.post(
            "/api/people", json=payload, headers=self.headers, name="POST /api/people", catch_response=True
        ) as response:
            if _expect(response, 201):
                RESULTS["people"].append(marker)

    @task(2)
    def person_edit(self):
        target = random.choice(PLAN["edit"][:300])  # a small pool, so edits sometimes collide
        with self.client.get(
            f"/api/people/{target['id']}", headers=self.headers, name="GET /api/people/{id}", catch_response=True
        ) as response:
            if not _expect(response, 200):
                return
            current = response.json()
        payload = {
            "name": current["name"] if not current["name"].count("*") else random.choice(SURNAMES) + "女士",
            "division_code": current["division_code"],
            "id_type": "resident",
            "id_number": target["id_number"],
            "gender": current["gender"],
            "address_detail": _marker("U"),
            "version": current["version"],
        }
        with self.client.put(
            f"/api/people/{target['id']}",
            json=payload,
            headers=self.headers,
            name="PUT /api/people/{id}",
            catch_response=True,
        ) as response:
            if response.status_code == 409 and "已被他人修改" in response.json().get("detail", ""):
                RESULTS["conflicts"] += 1
                response.success()
            elif _expect(response, 200):
                RESULTS["updates"] += 1

    @task(3)
    def people_search(self):
        with self.client.get(
            f"/api/people?q={random.choice(SURNAMES)}",
            headers=self.headers,
            name="GET /api/people?q=",
            catch_response=True,
        ) as response:
            _expect(response, 200)

    @task(2)
    def people_list(self):
        with self.client.get(
            f"/api/people?page={random.randint(1, 50)}",
            headers=self.headers,
            name="GET /api/people?page=",
            catch_response=True,
        ) as response:
            _expect(response, 200)

    @task(3)
    def person_detail(self):
        with self.client.get(
            f"/api/people/{random.choice(PLAN['read_ids'])}",
            headers=self.headers,
            name="GET /api/people/{id}",
            catch_response=True,
        ) as response:
            _expect(response, 200)

    @task(1)
    def case_list(self):
        if not RESULTS["case_api"]:
            return self.people_list()
        with self.client.get(
            "/api/cases", headers=self.headers, name="GET /api/cases", catch_response=True
        ) as response:
            _expect(response, 200)


class PageUser(HttpUser):
    """Federation staff in the browser: dashboards, lists, searches, person pages.

    Production cookies are Secure-only and this runs over plain HTTP to gunicorn, so the session cookie is
    carried by hand (as the TLS-terminating proxy would see it).
    """

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self):
        account = random.choice(PAGE_ACCOUNTS)
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        csrf = page.cookies.get("csrftoken")
        token = _CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": account,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Cookie": f"csrftoken={csrf}"},
            allow_redirects=False,
            name="POST /accounts/login/",
        )
        self.cookie = f"sessionid={response.cookies.get('sessionid')}; csrftoken={csrf}"

    def _page(self, url: str, name: str):
        with self.client.get(
            url, headers={"Cookie": self.cookie}, name=name, allow_redirects=False, catch_response=True
        ) as response:
            _expect(response, 200)

    @task(2)
    def dashboard(self):
        self._page("/", "GET / (工作台)")

    @task(2)
    def people_page(self):
        self._page("/people/", "GET /people/")

    @task(2)
    def people_search_page(self):
        self._page(f"/people/?q={random.choice(SURNAMES)}", "GET /people/?q=")

    @task(3)
    def person_page(self):
        self._page(f"/people/{random.choice(PLAN['read_ids'])}/", "GET /people/{id}/")

    @task(1)
    def case_stats_page(self):
        """The district's yearly case statistics: the heaviest dashboard."""
        if RESULTS["case_api"]:
            self._page("/reports/cases/", "GET /reports/cases/")
        else:
            self.dashboard()

    @task(1)
    def case_page(self):
        if RESULTS["case_api"] and PLAN.get("case_ids"):
            self._page(f"/cases/{random.choice(PLAN['case_ids'])}/", "GET /cases/{id}/")
        else:
            self.person_page()

    @task(1)
    def cases_page(self):
        if RESULTS["case_api"]:
            self._page("/cases/", "GET /cases/")
        else:
            self._page("/orgs/", "GET /orgs/")


@events.test_stop.add_listener
def record(environment, **kwargs):
    total = environment.stats.total
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.total_rps,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "duration_s": total.last_request_timestamp - total.start_time if total.last_request_timestamp else 0,
        "by_name": {
            f"{s.method} {s.name}": {
                "n": s.num_requests,
                "fail": s.num_failures,
                "p95_ms": s.get_response_time_percentile(0.95),
            }
            for s in environment.stats.entries.values()
        },
        "errors": [f"{e.method} {e.name}: {e.error} x{e.occurrences}" for e in environment.stats.errors.values()],
    }
    with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump({**RESULTS, "summary": summary}, out, ensure_ascii=False)
