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


def test_attendance_list_export_is_masked_scoped_and_logged(scene, settings):
    from jiayuan.access.fields import mask_name
    from jiayuan.activities.models import Attendance
    from jiayuan.imports.tests.export_helpers import download_logged, export_now, export_queued, run_rows, sheet_rows
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
    url = "/imports/exports/new/activity_attendance/"
    assert f"{url}?activity={activity.pk}" in client.get(f"/activities/{activity.pk}/").content.decode()
    content, run = export_now(client, url, {"activity": activity.pk})
    expected = sorted(
        (mask_name(a.person.name) if a.person_id else "（现场计数）", a.head_count)
        for a in Attendance.objects.filter(activity=activity).select_related("person")
    )
    assert sorted((r[2], r[3]) for r in sheet_rows(content)) == expected and "王秀英" not in str(sheet_rows(content))
    assert activity.title in run.title and run.params == {"activity": str(activity.pk)}
    settings.EXPORT_IMMEDIATE_ROWS = 1
    queued = export_queued(client, url, {"activity": activity.pk})
    assert sorted((r[2], r[3]) for r in run_rows(queued)) == expected
    log = download_logged(client, queued)
    assert (log.detail["records"], log.detail["rows"]) == ("activities.attendance", len(expected))
    assert client.get(url, {"activity": far.pk}).status_code == 404  # another street's activity


def test_activity_list_export_keeps_filters_and_scope(scene, settings):
    from jiayuan.activities.models import Activity
    from jiayuan.imports.tests.export_helpers import (
        download_logged,
        export_now,
        export_queued,
        export_refused,
        run_rows,
        sheet_rows,
    )

    from .conftest import make_activity

    lecture = make_activity(scene.home, sessions=2, hours=2, capacity=30)
    make_activity(scene.sibling, title="亲子阅读", audience="women")
    make_activity(scene.far, title="外街道活动")
    client = Client()
    client.force_login(scene.users["street"])
    url = "/imports/exports/new/activities/"
    assert f"{url}?audience=families" in client.get("/activities/?audience=families").content.decode()
    content, run = export_now(client, url, {"audience": "families"})
    rows = sheet_rows(content)
    families = Activity.objects.filter(division__code__startswith=scene.home[:9], audience="families")
    assert [r[0] for r in rows] == [a.pk for a in families]
    row = next(r for r in rows if r[0] == lecture.pk)
    assert (row[1], row[7], row[9], row[10]) == (lecture.title, lecture.capacity, lecture.sessions.count(), 4)
    assert "家庭" in run.scope_label  # the audience asked for, in Chinese
    other = Client()
    other.force_login(scene.users["other_street"])
    content, _ = export_now(other, url, {"division": scene.home})
    assert sheet_rows(content) == []
    settings.EXPORT_IMMEDIATE_ROWS = 1
    queued = export_queued(client, url)
    assert sorted(r[0] for r in run_rows(queued)) == sorted(
        Activity.objects.filter(division__code__startswith=scene.home[:9]).values_list("pk", flat=True)
    )
    assert download_logged(client, queued).detail["records"] == "activities.activity"
    settings.REPORTS_EXPORT_LIMIT = 1
    export_refused(client, url)
