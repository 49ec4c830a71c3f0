"""A district leader opens the dashboard, clicks a bar through to the records behind it, generates the year's
report and downloads the Word and Excel files — in a real headless Chromium, with axe checks."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_leader_drills_down_and_downloads_the_yearly_report(page):
    from docx import Document
    from openpyxl import load_workbook

    from jiayuan.access.roles import Role
    from jiayuan.cases.services import CaseInput, case_create
    from tests.factories import FUTIAN, PASSWORD, XIANGMIHU, actor_of, community_of, make_person, make_user

    today = timezone.localdate()
    make_user(Role.LEADER, FUTIAN, username="lingdao", display_name="区妇联领导何静")
    operator = actor_of(make_user(Role.HOTLINE_OPERATOR, FUTIAN))
    home = community_of(XIANGMIHU, 0)
    channels = ["hotline", "hotline", "visit"]
    for i, channel in enumerate(channels):
        person = make_person(home, id_number=None)
        case_create(
            actor=operator,
            data=CaseInput(
                channel=channel,
                division_code=home,
                parties=[(person.pk, "seeker")],
                categories=["marriage_family"],
                account="家庭纠纷",
                received_at=timezone.make_aware(dt.datetime(today.year, 1 + i, 10, 9, 0)),
            ),
        )

    login(page, "lingdao", PASSWORD)
    page.click("nav >> text=统计报表")
    page.wait_for_selector("[data-testid=headline]")
    assert page.locator("[data-figure='cases.received']").inner_text() == "3"
    assert axe_violations(page) == []
    # The channel breakdown's first bar (12338 热线, two cases) opens its records.
    chart = page.locator("figure.chart-box", has_text="接访处置个案（按来源渠道）").locator("[data-chart]")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelectorAll('[data-chart] canvas').length > 0")
    # Where the first bar is drawn, as the chart itself computes it (the middle of the bar).
    x, y = chart.evaluate(
        "el => { const c = echarts.getInstanceByDom(el); const v = c.getOption().series[0].data[0];"
        " return c.convertToPixel({seriesIndex: 0}, [v / 2, 0]); }"
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r"/reports/records/"))
    assert page.locator("[data-testid=record-count]").inner_text() == "2"
    assert page.locator("tbody tr").count() == 2
    assert axe_violations(page) == []

    page.goto(f"/reports/report/?division={FUTIAN}&year={today.year}")
    page.click("button:has-text('生成年度工作报告')")
    page.wait_for_selector("text=已完成")
    assert axe_violations(page) == []
    with page.expect_download() as word:
        page.click("[data-download=docx]")
    with page.expect_download() as excel:
        page.click("[data-download=xlsx]")
    doc = Document(io.BytesIO(Path(word.value.path()).read_bytes()))
    assert "今年已接访处置个案 3 宗" in "\n".join(p.text for p in doc.paragraphs)
    book = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    rows = {r[0]: r[3] for r in book["全部指标"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["cases.received"] == 3 and rows["cases.hotline"] == 2
