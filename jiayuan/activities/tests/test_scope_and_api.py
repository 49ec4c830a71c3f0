"""Scoping of lists, records and the API (staff and the volunteer mini-program with a bearer token)."""

import datetime as dt
import json

from django.test import Client

from jiayuan.accounts.models import ApiToken
from jiayuan.activities import selectors, services
from jiayuan.activities.models import Attendance, SignUp
from tests.factories import make_person, system_actor

from .conftest import make_activity


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lists_follow_each_roles_scope(scene):
    home = make_activity(scene.home, title="本社区")
    sibling = make_activity(scene.sibling, title="邻社区")
    street = make_activity(scene.home[:9], title="街道活动")
    far = make_activity(scene.far, title="梅林活动")
    draft = make_activity(scene.home, title="草稿", publish=False)

    def seen(key, **kw):
        return set(selectors.activity_list(actor=scene.actors[key], **kw).values_list("title", flat=True))

    assert seen("community") == {"本社区", "草稿"}
    assert seen("street") == {"本社区", "邻社区", "街道活动", "草稿"}
    assert seen("district") >= {"本社区", "邻社区", "街道活动", "梅林活动"}
    assert seen("volunteer") == set()  # volunteers browse open activities, not the staff list
    open_titles = {a.title for a in selectors.open_activities(actor=scene.actors["volunteer"])}
    assert open_titles == {"本社区", "街道活动"}  # her community and the street above it; no draft, no sibling
    client = _client(scene.users["community"])
    assert client.get(f"/activities/{far.pk}/").status_code == 404
    assert client.get(f"/api/activities/{far.pk}").status_code == 404
    assert client.get(f"/activities/{home.pk}/").status_code == 200
    assert {r["id"] for r in client.get("/api/activities").json()["results"]} == {home.pk, draft.pk}
    volunteer = _client(scene.users["volunteer"])
    assert volunteer.get(f"/activities/open/{sibling.pk}/").status_code == 404
    assert volunteer.get(f"/activities/open/{draft.pk}/").status_code == 404
    assert volunteer.get(f"/activities/{home.pk}/").status_code == 404  # no staff page
    assert volunteer.get(f"/activities/open/{street.pk}/").status_code == 200


def test_mini_program_with_a_token(scene):
    activity = make_activity(scene.home, capacity=1, start=scene.now - dt.timedelta(minutes=5), hours=2)
    session = activity.sessions.get()
    token = ApiToken.issue(scene.users["volunteer"], days=30)[1]
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/me/activities", **auth)
    assert listed.status_code == 200 and [a["id"] for a in listed.json()] == [activity.pk]
    signed = client.post(f"/api/me/activities/{activity.pk}/signup", **auth)
    assert signed.status_code == 201 and signed.json()["status"] == "confirmed"
    again = client.post(f"/api/me/activities/{activity.pk}/signup", **auth)
    assert again.status_code == 409 and "不能重复报名" in again.json()["detail"]
    services.checkin_code_issue(actor=system_actor(), session=session)
    bad = client.post(
        f"/api/me/sessions/{session.pk}/checkin",
        json.dumps({"code": "abcdef"}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "签到码不正确" in bad.json()["detail"]
    ok = client.post(
        f"/api/me/sessions/{session.pk}/checkin",
        json.dumps({"code": session.checkin_code}),
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 201
    assert Attendance.objects.filter(session=session, person=scene.me.person).count() == 1
    over = client.post(
        f"/api/me/sessions/{session.pk}/hours", json.dumps({"minutes": 500}), content_type="application/json", **auth
    )
    assert over.status_code == 400 and "不能超过该场次的时长" in over.json()["detail"]
    mine = client.get("/api/me/signups", **auth).json()
    assert [s["activity_id"] for s in mine] == [activity.pk]
    me = client.get("/api/me/volunteer", **auth).json()
    assert me["volunteer_id"] == scene.me.pk and me["confirmed_hours"] == 0
    # Somebody else's sign-up is not hers to see or cancel.
    other = services.signup_create(
        actor=system_actor(), activity=make_activity(scene.home), person=make_person(scene.home)
    )
    assert client.post(f"/api/me/signups/{other.pk}/cancel", **auth).status_code == 404
    cancelled = client.post(f"/api/me/signups/{mine[0]['id']}/cancel", **auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert SignUp.objects.get(pk=other.pk).status == "confirmed"
    assert client.get("/api/me/activities").status_code == 401


def test_openapi_documents_the_mini_program(scene):
    schema = Client().get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/me/activities", "/api/me/sessions/{session_id}/checkin", "/api/me/sessions/{session_id}/hours"):
        assert path in paths
    assert paths["/api/me/activities/{activity_id}/signup"]["post"]["x-jiayuan-permission"] == "activities.join"


def test_staff_api_creates_signs_up_and_checks_in(scene):
    client = _client(scene.users["community"])
    start = scene.now - dt.timedelta(minutes=5)
    body = {
        "title": "亲子阅读会",
        "type": "reading",
        "division_code": scene.home,
        "address": "社区书屋",
        "capacity": 2,
        "publish": True,
        "sessions": [{"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=1)).isoformat()}],
    }
    created = client.post("/api/activities", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    activity_id = created.json()["id"]
    session_id = created.json()["sessions"][0]["id"]
    far = {**body, "division_code": scene.far}
    refused = client.post("/api/activities", json.dumps(far), content_type="application/json")
    assert refused.status_code == 400 and "管辖范围" in refused.json()["detail"]
    people = [make_person(scene.home) for _ in range(3)]
    statuses = [
        client.post(
            f"/api/activities/{activity_id}/signups", json.dumps({"person_id": p.pk}), content_type="application/json"
        ).json()["status"]
        for p in people
    ]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    code = client.post(f"/api/activities/sessions/{session_id}/code").json()["code"]
    assert len(code) == 6
    present = client.post(
        f"/api/activities/sessions/{session_id}/attendance",
        json.dumps({"person_id": people[0].pk}),
        content_type="application/json",
    )
    assert present.status_code == 201
    assert len(client.get(f"/api/activities/sessions/{session_id}/attendance").json()) == 1


def test_a_session_past_midnight_keeps_its_activity_open_the_next_day(scene):
    """An evening session from 23:00 to 01:00 ends the next day: the activity is still open on that day (the
    suite may well run just after midnight)."""
    from django.utils import timezone

    from jiayuan.access.actor import Actor

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    activity = make_activity(scene.home, start=midnight - dt.timedelta(hours=1), hours=2)
    assert activity.ends_on == midnight.date() and activity.starts_on == midnight.date() - dt.timedelta(days=1)
    volunteer = Actor.for_user(scene.users["volunteer"])
    assert activity in selectors.open_activities(actor=volunteer)
