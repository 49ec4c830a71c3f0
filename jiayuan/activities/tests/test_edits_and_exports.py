"""Service projects are edited after creation, on the page and over the API, against the version read."""

import datetime as dt

from django.test import Client

from jiayuan.activities import services
from jiayuan.activities.models import ServiceProject
from tests.factories import actor_of, system_actor


def _project(scene, code: str, name: str = "无忧假期") -> ServiceProject:
    today = dt.date.today()
    return services.project_create(
        actor=system_actor(),
        data=services.ProjectInput(
            name=name,
            kind="campaign",
            division_code=code,
            starts_on=today,
            ends_on=today + dt.timedelta(days=60),
            budget="50000",
            target_activities=10,
        ),
    )


def test_project_edit_page_keeps_the_version_and_refuses_a_concurrent_edit(scene):
    project = _project(scene, scene.home[:9])
    client = Client()
    client.force_login(scene.users["street"])
    form = client.get(f"/activities/projects/{project.pk}/edit/").content.decode()
    assert 'value="无忧假期"' in form and f'name="version" value="{project.version}"' in form
    post = {
        "name": "无忧假期（暑期）",
        "kind": "campaign",
        "division_code": project.division_id,
        "starts_on": str(project.starts_on),
        "ends_on": str(project.ends_on + dt.timedelta(days=30)),
        "budget": "80000",
        "target_activities": "16",
        "target_attendances": "900",
        "target_hours": "120",
        "version": str(project.version),
    }
    # Someone else saves first: the form's version is stale, nothing of this edit is saved, what was typed stays.
    services.project_update(
        actor=actor_of(scene.users["district"]),
        project=project,
        data=services.project_input_of(project),
        expected_version=project.version,
    )
    refused = client.post(f"/activities/projects/{project.pk}/edit/", post)
    assert refused.status_code == 400
    assert "已被他人修改" in refused.content.decode() and 'value="无忧假期（暑期）"' in refused.content.decode()
    project.refresh_from_db()
    assert (project.name, project.target_activities) == ("无忧假期", 10)
    post["version"] = str(project.version)
    assert client.post(f"/activities/projects/{project.pk}/edit/", post).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.budget, project.target_activities, project.version) == (
        "无忧假期（暑期）",
        80000,
        16,
        3,
    )
    # Bad input: a clear message, nothing changed.
    post.update({"version": str(project.version), "ends_on": "2000-01-01"})
    bad = client.post(f"/activities/projects/{project.pk}/edit/", post)
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert ServiceProject.objects.get(pk=project.pk).version == 3
    # Another street's project is missing to this street.
    far = _project(scene, scene.far[:9], name="外街道项目")
    assert client.get(f"/activities/projects/{far.pk}/edit/").status_code == 404


def test_project_patch_over_the_api(scene):
    project = _project(scene, scene.home[:9])
    client = Client()
    client.force_login(scene.users["district"])
    url = f"/api/activities/projects/{project.pk}"
    changed = client.patch(url, {"version": project.version, "target_hours": 300}, content_type="application/json")
    assert changed.status_code == 200
    body = changed.json()
    assert (body["target_hours"], body["name"], body["version"]) == (300, "无忧假期", project.version + 1)
    stale = client.patch(url, {"version": project.version, "budget": "1"}, content_type="application/json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert ServiceProject.objects.get(pk=project.pk).budget == 50000
    other = Client()
    other.force_login(scene.users["other_street"])
    assert other.patch(url, {"version": 2, "budget": "1"}, content_type="application/json").status_code == 404


def test_attendance_list_export_is_masked_and_logged(scene):
    import io

    import openpyxl

    from jiayuan.audit.models import AccessLog, Action
    from tests.factories import make_person

    from .conftest import make_activity

    past = scene.now - dt.timedelta(days=1)
    activity = make_activity(scene.home, start=past, sessions=1)
    session = activity.sessions.get()
    services.attendance_record(
        actor=system_actor(), session=session, person=make_person(scene.home, name="王秀英"), at=past
    )
    services.attendance_record(actor=system_actor(), session=session, head_count=12, at=past)
    far = make_activity(scene.far, start=past)
    client = Client()
    client.force_login(scene.users["street"])
    response = client.get(f"/activities/{activity.pk}/attendance.xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert sorted((r[2], r[3]) for r in rows) == [("王*英", 1), ("（现场计数）", 12)]
    log = AccessLog.objects.get(action=Action.EXPORT, object_type="activities.attendance")
    assert (log.object_id, log.detail["rows"]) == (str(activity.pk), 2)
    assert client.get(f"/activities/{far.pk}/attendance.xlsx").status_code == 404
