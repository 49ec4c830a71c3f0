"""A large import and a large export in a real headless Chromium: each is started from its page, its progress is
followed on the page while the worker is at it, the result is shown and the export's file is downloaded. The
queue keeps the tasks (it does not run them) and the test plays the worker, so the pages are seen mid-way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_background_import_and_export_with_progress(page, tmp_path, settings):
    from openpyxl import load_workbook

    from jiayuan.access.actor import Actor
    from jiayuan.care.services import register_entry_create
    from jiayuan.imports.background import import_background_run, progress_set
    from jiayuan.imports.exports import export_generate
    from jiayuan.imports.models import ExportRun, ImportRun, RunStatus
    from jiayuan.imports.tests.test_people_import import person_row, xlsx
    from jiayuan.people.models import Person
    from tests.factories import PASSWORD, XIANGMIHU, community_of, make_user

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.IMPORT_BACKGROUND_BYTES = 1  # every upload counts as large
    settings.EXPORT_IMMEDIATE_ROWS = 1  # every export of more than one row goes to the background
    community = community_of(XIANGMIHU, 0)
    worker = make_user("street_staff", XIANGMIHU, username="st_bg", display_name="街道林雪芳")
    (tmp_path / "big.xlsx").write_bytes(xlsx([person_row(community, name=f"后台{i}") for i in range(4)]))

    # The import: uploaded, queued, followed, finished.
    login(page, "st_bg", PASSWORD)
    page.goto("/imports/people/")
    page.set_input_files("#file", str(tmp_path / "big.xlsx"))
    page.click("button:has-text('检查并导入')")
    page.wait_for_selector("[data-testid=import-progress] >> text=排队等待导入")
    run = ImportRun.objects.get()
    assert run.status == RunStatus.QUEUED and axe_violations(page) == []
    progress_set(run.pk, "writing", 2, 4)  # the worker halfway through the write
    page.wait_for_selector("[data-testid=import-progress] >> text=正在写入：2 / 4 行")
    import_background_run(run_id=run.pk)
    page.wait_for_selector("text=已成功导入 4 条记录")  # the page reloads itself with the result
    assert Person.objects.filter(name__startswith="后台").count() == 4

    # The export: the people just imported go on the register; their records behind the figure are exported.
    actor = Actor.for_user(worker)
    for person in Person.objects.filter(name__startswith="后台"):
        register_entry_create(actor=actor, person=person, type_codes=["single_mother"])
    year = timezone.localdate().year
    page.goto(f"/reports/records/?figure=care.on_register&division={XIANGMIHU}&period=year&year={year}")
    page.click("a:has-text('导出 Excel')")
    page.wait_for_selector("text=本次导出共 4 条")
    assert axe_violations(page) == []
    page.click("button:has-text('开始导出')")
    page.wait_for_selector("[data-testid=export-progress] >> text=排队中")
    export = ExportRun.objects.get()
    ExportRun.objects.filter(pk=export.pk).update(status=RunStatus.RUNNING, done=1)
    page.wait_for_selector("[data-testid=export-progress] >> text=已写 1 / 4 行")
    assert axe_violations(page) == []
    export_generate(run_id=export.pk)
    page.wait_for_selector("text=已完成，共 4 行")
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = [r[0] for r in book.active.iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(names) == 4 and all(n.startswith("后") and "*" in n for n in names)
    page.goto("/imports/exports/")
    assert "已完成" in page.inner_text(f"#export-{export.pk}") and axe_violations(page) == []
