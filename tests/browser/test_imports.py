"""人员批量导入 in a real headless Chromium: a file with an error shows the error table, the corrected file
goes in; the upload, result and list pages pass axe (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_upload_with_an_error_then_corrected(page, tmp_path):
    from jiayuan.imports.tests.test_people_import import person_row, xlsx
    from jiayuan.people.models import Person
    from tests.factories import (
        PASSWORD,
        XIANGMIHU,
        community_of,
        make_user,
        synthetic_id,
    )

    community = community_of(XIANGMIHU, 0)
    make_user("street_staff", XIANGMIHU, username="st_import", display_name="街道林雪芳")
    rows = [person_row(community, name=f"导入{i}", number=synthetic_id()) for i in range(3)]
    bad = [list(r) for r in rows]
    bad[1][2] = bad[1][2][:-1] + ("0" if bad[1][2][-1] != "0" else "1")
    (tmp_path / "bad.xlsx").write_bytes(xlsx(bad))
    (tmp_path / "good.xlsx").write_bytes(xlsx(rows))

    login(page, "st_import", PASSWORD)
    page.click("nav >> text=批量导入")
    page.click("a.btn:has-text('人员批量导入')")
    page.wait_for_selector("#file")
    assert axe_violations(page) == []
    page.set_input_files("#file", str(tmp_path / "bad.xlsx"))
    page.click("button:has-text('检查并导入')")
    page.wait_for_selector("text=没有导入任何数据")
    assert page.locator("tbody tr").count() == 1
    assert "第 3 行" in page.inner_text("tbody") and "证件号码" in page.inner_text("tbody")
    assert axe_violations(page) == []
    assert not Person.objects.filter(name__startswith="导入").exists()

    page.click("a.btn:has-text('重新上传')")
    page.set_input_files("#file", str(tmp_path / "good.xlsx"))
    page.click("button:has-text('检查并导入')")
    page.wait_for_selector("text=已成功导入 3 条记录")
    assert axe_violations(page) == []
    assert Person.objects.filter(name__startswith="导入").count() == 3
    page.click("a:has-text('返回导入记录')")
    assert page.locator("tbody tr").count() == 2
    assert axe_violations(page) == []
