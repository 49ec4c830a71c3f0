"""A long case timeline in a real headless Chromium: the page shows the latest entries, "更早的记录" loads the
ones before in place (HTMX) until the whole history is on the page, with no serious accessibility issue."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import axe_violations, login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("browser")
def test_earlier_entries_load_in_place(page):
    from django.utils import timezone

    from jiayuan.access.roles import Role
    from jiayuan.cases.models import CaseEvent, EventKind
    from jiayuan.cases.selectors import TIMELINE_PAGE
    from jiayuan.cases.services import CaseInput, case_create
    from tests.factories import (
        FUTIAN,
        PASSWORD,
        XIANGMIHU,
        actor_of,
        community_of,
        make_person,
        make_user,
    )

    community = community_of(XIANGMIHU, 0)
    operator = make_user(Role.HOTLINE_OPERATOR, FUTIAN, username="op_tl")
    make_user(Role.STREET_STAFF, XIANGMIHU, username="st_tl", display_name="街道")
    case = case_create(
        actor=actor_of(operator),
        data=CaseInput(
            channel="hotline",
            division_code=community,
            parties=[(make_person(community, id_number=None).pk, "seeker")],
            categories=["marriage_family"],
            account="长期争吵。",
        ),
    )
    extra = TIMELINE_PAGE + 12
    start = timezone.now() - dt.timedelta(days=extra)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                kind=EventKind.NOTE,
                at=start + dt.timedelta(hours=i),
                actor_name="社工",
                title=f"办理记录 {i}",
                note=f"第 {i} 次联系",
            )
            for i in range(extra)
        ]
    )
    total = CaseEvent.objects.filter(case=case).count()

    login(page, "st_tl", PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    items = page.locator("ol.timeline > li[id^=e]")
    assert items.count() == TIMELINE_PAGE
    link = page.locator("#timeline-earlier a")
    assert f"还有 {total - TIMELINE_PAGE} 条" in link.inner_text()
    assert axe_violations(page) == []
    link.click()
    page.locator("#timeline-earlier").wait_for(state="detached")  # swapped for the earlier entries
    assert items.count() == total
    ids = [int(i[1:]) for i in page.eval_on_selector_all("ol.timeline > li[id^=e]", "els => els.map(e => e.id)")]
    assert ids == sorted(ids) and len(set(ids)) == total  # oldest first, each entry once
    assert page.url.endswith(f"/cases/{case.pk}/")  # loaded in place
