"""Probe hook (see tests/probes): a project and an open activity with a session and a sign-up,
inside the probed community and in a community of another district."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from jiayuan.activities import services
    from tests.factories import make_person, system_actor

    today = timezone.localdate()
    project = services.project_create(
        actor=system_actor(),
        data=services.ProjectInput(
            name=f"探针{tag}项目",
            kind="flagship",
            division_code=community,
            starts_on=today,
            ends_on=today + dt.timedelta(days=90),
        ),
    )
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    activity = services.activity_create(
        actor=system_actor(),
        data=services.ActivityInput(
            title=f"探针{tag}讲座",
            type="family_lecture",
            division_code=community,
            project_id=project.pk,
            address="社区党群服务中心",
            capacity=30,
            sessions=[(start, start + dt.timedelta(hours=2))],
        ),
        publish=True,
    )
    signup = services.signup_create(
        actor=system_actor(), activity=activity, person=make_person(community, name=f"探针{tag}家长")
    )
    session = activity.sessions.get()
    return {"activity_id": activity.pk, "session_id": session.pk, "project_id": project.pk, "signup_id": signup.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "activities:detail": pair("activity_id"),
        "activities:edit": pair("activity_id"),
        "activities:session": pair("session_id"),
        "activities:project_detail": pair("project_id"),
        "activities:project_edit": pair("project_id"),
        "activities:open_detail": pair("activity_id"),
        "activities:checkin": pair("session_id"),
        "GET /api/activities/{activity_id}": pair("activity_id"),
        "GET /api/activities/{activity_id}/signups": pair("activity_id"),
        "GET /api/activities/sessions/{session_id}/attendance": pair("session_id"),
        "GET /api/activities/projects/{project_id}": pair("project_id"),
        "GET /api/me/activities/{activity_id}": pair("activity_id"),
    }
