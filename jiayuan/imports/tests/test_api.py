"""Imports over the API: the same all-or-nothing write and run record as the page, scoped, in Chinese."""

from __future__ import annotations

import pytest

from jiayuan.accounts.models import ApiToken
from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.people.models import Person
from tests.factories import MEILIN, make_user

from .test_people_import import counts, person_row, xlsx


def _auth(user) -> dict:
    _, raw = ApiToken.issue(user, days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, data: bytes, auth: dict, name: str = "名单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/api/imports/people", {"file": SimpleUploadedFile(name, data)}, **auth)


@pytest.mark.django_db
def test_a_good_workbook_is_written_and_its_run_can_be_read_back(scene, client):
    auth = _auth(scene["worker"])
    response = _post(client, xlsx([person_row(scene["community"], name=f"王{i}") for i in range(5)]), auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == RunStatus.SUCCESS and body["rows"] == 5 and body["created"] == 5
    assert body["errors"] == [] and body["status_label"] == "成功"
    assert Person.objects.filter(name__startswith="王").count() == 5
    again = client.get(f"/api/imports/runs/{body['id']}", **auth).json()
    assert again["id"] == body["id"] and again["created"] == 5


@pytest.mark.django_db
def test_a_bad_row_writes_nothing_and_the_errors_come_back_by_row_and_column(scene, client):
    auth = _auth(scene["worker"])
    rows = [person_row(scene["community"], name=f"李{i}") for i in range(10)]
    rows[3][2] = "110101199003071234"  # wrong check digit, on Excel row 5
    before = counts()
    response = _post(client, xlsx(rows), auth)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == RunStatus.ERRORS and body["created"] == 0
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(5, "证件号码")]
    assert "校验" in body["errors"][0]["message"] or "身份证" in body["errors"][0]["message"]
    after = counts()
    # Nothing written but the access log's one row for the request itself.
    assert after.pop("access_log") == before.pop("access_log") + 1
    assert after == before
    assert ImportRun.objects.get(pk=body["id"]).status == RunStatus.ERRORS

    refused = _post(client, b"name,id\n1,2\n", auth, name="名单.csv")
    assert refused.status_code == 400 and refused.json()["status"] == RunStatus.REFUSED
    assert refused.json()["errors"][0]["row"] == 0


@pytest.mark.django_db
def test_without_the_permission_or_outside_the_scope_it_is_404(scene, client):
    volunteer = make_user("volunteer", scene["community"])
    data = xlsx([person_row(scene["community"])])
    assert _post(client, data, _auth(volunteer)).status_code == 404
    assert not ImportRun.objects.exists()
    run = _post(client, data, _auth(scene["worker"])).json()
    other_street = make_user("street_staff", MEILIN)
    assert client.get(f"/api/imports/runs/{run['id']}", **_auth(other_street)).status_code == 404
    assert client.get("/api/imports/runs/999999", **_auth(scene["worker"])).status_code == 404


@pytest.mark.django_db
def test_a_body_that_is_not_multipart_gets_a_chinese_json_answer(scene, client):
    broken = client.generic(
        "POST",
        "/api/imports/people",
        b"--x\r\nnot really",
        content_type="multipart/form-data",
        **_auth(scene["worker"]),
    )
    assert broken.status_code == 400 and broken["Content-Type"].startswith("application/json")
    assert "multipart" in broken.json()["detail"] and not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_large_file_over_the_api_runs_in_the_background_and_is_polled(scene, client, settings):
    settings.IMPORT_BACKGROUND_BYTES = 1  # every file counts as large here
    auth = _auth(scene["worker"])
    response = _post(client, xlsx([person_row(scene["community"], name=f"赵{i}") for i in range(3)]), auth)
    assert response.status_code == 202, response.content
    body = response.json()
    run = ImportRun.objects.get(pk=body["id"])
    assert body["status_url"] == f"/api/imports/runs/{run.pk}" and not run.upload
    polled = client.get(body["status_url"], **auth).json()
    assert polled["in_progress"] is False and polled["status"] == RunStatus.SUCCESS and polled["created"] == 3
    assert Person.objects.filter(name__startswith="赵").count() == 3

    # background=false keeps a file on the immediate path; a queued run shows its stage while it waits.
    forced = client.post(
        "/api/imports/people?background=false",
        {"file": _upload(xlsx([person_row(scene["community"], name="钱一")]))},
        **auth,
    )
    assert forced.status_code == 201 and forced.json()["progress"] is None
    queued = ImportRun.objects.create(
        kind="people", user=scene["worker"], division_id=scene["community"], status=RunStatus.QUEUED, stage="queued"
    )
    waiting = client.get(f"/api/imports/runs/{queued.pk}", **auth).json()
    assert waiting["in_progress"] is True and waiting["progress"]["stage"] == "排队等待导入"


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("名单.xlsx", data)
