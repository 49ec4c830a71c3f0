"""Import pages: upload, result table (escaped, accessible), run list in scope, 404 without the permission."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.people.models import Person
from tests.factories import MEILIN, XIANGMIHU, community_of, make_user, synthetic_id

from .test_people_import import person_row, xlsx


@pytest.fixture
def scene(db):
    return {
        "community": community_of(XIANGMIHU, 0),
        "worker": make_user("community_worker", community_of(XIANGMIHU, 0)),
        "street": make_user("street_staff", XIANGMIHU),
        "other_street": make_user("street_staff", MEILIN),
        "volunteer": make_user("volunteer", community_of(XIANGMIHU, 0)),
    }


def _post(client, data: bytes, name: str = "名单.xlsx"):
    return client.post(reverse("imports:people"), {"file": SimpleUploadedFile(name, data)})


def test_upload_then_result_page_with_counts(client, scene):
    client.force_login(scene["worker"])
    page = client.get(reverse("imports:people"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="file"' in html and reverse("imports:people_template") in html
    response = _post(client, xlsx([person_row(scene["community"], name=f"页{i}") for i in range(3)]))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("imports:run", args=[run.pk])
    assert (run.status, run.created, run.user_id) == (RunStatus.SUCCESS, 3, scene["worker"].pk)
    assert run.division_id == scene["community"]
    result = client.get(response["Location"]).content.decode()
    assert "已成功导入 3 条记录" in result
    listing = client.get(reverse("imports:list")).content.decode()
    assert "人员批量导入" in listing and 'scope="col"' in listing


def test_error_table_is_escaped_and_names_row_and_column(client, scene):
    client.force_login(scene["worker"])
    rows = [person_row(scene["community"]), person_row("<script>alert(1)</script>")]
    response = _post(
        client,
        xlsx(
            rows,
            headers=[
                "姓名",
                "证件类型",
                "证件号码",
                "性别",
                "出生日期",
                "手机号码",
                "所属社区",
                "详细地址",
                "<b>怪列</b>",
            ],
        ),
    )
    run = ImportRun.objects.get()
    assert run.status == RunStatus.ERRORS
    html = client.get(response["Location"]).content.decode()
    assert "<b>怪列</b>" not in html and "&lt;b&gt;怪列&lt;/b&gt;" in html
    assert 'scope="col"' in html and "没有导入任何数据" in html
    rows = [person_row(scene["community"]), person_row("<script>alert(1)</script>")]
    response = _post(client, xlsx(rows))
    html = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in html
    assert "第 3 行" in html and "所属社区" in html and Person.objects.count() == 0
    run = ImportRun.objects.order_by("-id").first()
    download = client.get(reverse("imports:run_errors", args=[run.pk]))
    assert download.status_code == 200
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert list(sheet.iter_rows(values_only=True)) == [("行号", "列", "错误原因"), (3, "所属社区", run.errors[0][2])]


def test_a_refused_file_shows_why(client, scene):
    client.force_login(scene["worker"])
    response = _post(client, b"not a workbook", "a.xlsx")
    html = client.get(response["Location"]).content.decode()
    assert "被拒绝" in html and "扩展名不符" in html
    response = client.post(reverse("imports:people"), {})
    assert response.status_code == 400 and "请选择" in response.content.decode()


def test_without_the_permission_every_page_is_404(client, scene):
    client.force_login(scene["volunteer"])
    for name in ("imports:list", "imports:people", "imports:people_template"):
        assert client.get(reverse(name)).status_code == 404
    assert _post(client, xlsx([person_row(scene["community"])])).status_code == 404
    assert ImportRun.objects.count() == 0 and Person.objects.count() == 0


def test_runs_are_seen_in_scope_only(client, scene):
    client.force_login(scene["worker"])
    _post(client, xlsx([person_row(scene["community"], number=synthetic_id())]))
    run = ImportRun.objects.get()
    client.force_login(scene["street"])  # the street above sees it
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 200
    assert str(run.pk) in client.get(reverse("imports:list")).content.decode()
    client.force_login(scene["other_street"])  # another street does not
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("imports:run_errors", args=[run.pk])).status_code == 404
    assert reverse("imports:run", args=[run.pk]) not in client.get(reverse("imports:list")).content.decode()
