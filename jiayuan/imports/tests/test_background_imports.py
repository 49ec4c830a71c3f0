"""A large file runs as a background task: queued from the page, carried out by the task through the same checks
and all-or-nothing write, its progress shown on the run page; the kept upload is deleted afterwards."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiayuan.imports.background import progress_get
from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.people.models import Person
from tests.factories import XIANGMIHU, community_of, make_user

from .test_people_import import person_row, xlsx


@pytest.fixture
def worker(db):
    return make_user("community_worker", community_of(XIANGMIHU, 0))


def test_large_file_runs_in_the_background_with_progress(client, worker, settings):
    settings.IMPORT_BACKGROUND_BYTES = 1  # every file counts as large here
    seen: list[tuple[str, int, int]] = []
    from jiayuan.imports import background

    original = background.progress_set

    def spy(run_id: int, stage: str, done: int, total: int = 0) -> None:
        seen.append((stage, done, total))
        original(run_id, stage, done, total)

    background.progress_set = spy
    try:
        client.force_login(worker)
        rows = [person_row(community_of(XIANGMIHU, 0), name=f"后台{i}") for i in range(5)]
        response = client.post(reverse("imports:people"), {"file": SimpleUploadedFile("大名单.xlsx", xlsx(rows))})
    finally:
        background.progress_set = original
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("imports:run", args=[run.pk])
    assert (run.status, run.rows, run.created) == (RunStatus.SUCCESS, 5, 5)
    assert Person.objects.filter(name__startswith="后台").count() == 5
    stages = [stage for stage, _, _ in seen]
    assert stages[0] == "reading" and "writing" in stages and seen[-1] == ("writing", 5, 5)
    assert not run.upload and not run.in_progress and progress_get(run) == {}
    page = client.get(response["Location"]).content.decode()
    assert "已成功导入 5 条记录" in page


def test_a_queued_run_shows_its_progress_and_polls(client, worker):
    from jiayuan.imports.background import progress_set

    run = ImportRun.objects.create(
        kind="people", user=worker, division_id=community_of(XIANGMIHU, 0), status=RunStatus.QUEUED, stage="queued"
    )
    progress_set(run.pk, "writing", 250, 1000)
    client.force_login(worker)
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "正在写入：250 / 1000 行" in page and 'value="25"' in page
    assert reverse("imports:run_progress", args=[run.pk]) in page
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCESS)
    done = client.get(reverse("imports:run_progress", args=[run.pk]))
    assert done["HX-Refresh"] == "true"


def test_a_bad_large_file_writes_nothing(client, worker, settings):
    settings.IMPORT_BACKGROUND_BYTES = 1
    client.force_login(worker)
    rows = [person_row(community_of(XIANGMIHU, 0), name="好"), person_row("不存在的社区", name="坏")]
    client.post(reverse("imports:people"), {"file": SimpleUploadedFile("名单.xlsx", xlsx(rows))})
    run = ImportRun.objects.get()
    assert run.status == RunStatus.ERRORS and run.errors[0][0] == 3 and not run.upload
    assert not Person.objects.filter(name__in=["好", "坏"]).exists()
