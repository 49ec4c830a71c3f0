"""The case page shows the latest timeline entries; "更早的记录" loads the ones before, a page at a time (HTMX),
within the same scope and access log as the page, until the whole history has been shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from jiayuan.audit.models import AccessLog
from jiayuan.cases import selectors, services
from jiayuan.cases.models import CaseEvent, EventKind
from tests.factories import actor_of

from .conftest import new_case

HX = {"HTTP_HX_REQUEST": "true"}


def _long_case(world, extra: int):
    case = new_case(world)
    start = timezone.now() - dt.timedelta(days=extra)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                kind=EventKind.NOTE,
                at=start + dt.timedelta(hours=i),
                actor_name="社工甲",
                title=f"办理记录 {i}",
                note=f"第 {i} 次联系当事人",
            )
            for i in range(extra)
        ]
    )
    return case


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="e(\d+)"', html)]


def _before(html: str) -> str | None:
    found = re.search(r'hx-get="/cases/\d+/\?before=(\d+)"', html)
    return found.group(1) if found else None


@pytest.mark.django_db
def test_older_entries_load_a_page_at_a_time_until_the_whole_history(world, client):
    case = _long_case(world, 2 * selectors.TIMELINE_PAGE + 7)
    every = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("id", flat=True))
    client.force_login(world.worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    shown = _ids(page)
    assert shown == every[-selectors.TIMELINE_PAGE :]
    assert f"更早的记录（还有 {len(every) - len(shown)} 条）" in page
    seen = list(shown)
    before = _before(page)
    while before:
        part = client.get(f"/cases/{case.pk}/", {"before": before}, **HX)
        assert part.status_code == 200
        html = part.content.decode()
        assert "<html" not in html and "第 " in html  # the entries alone, notes shown to who may reveal
        older = _ids(html)
        assert older and max(older) < min(seen)
        seen = older + seen
        before = _before(html)
    assert seen == every


@pytest.mark.django_db
def test_older_entries_are_scoped_and_logged_like_the_page(world, client):
    case = _long_case(world, selectors.TIMELINE_PAGE + 3)
    first = (
        CaseEvent.objects.filter(case=case).order_by("-id").values_list("id", flat=True)[selectors.TIMELINE_PAGE - 1]
    )
    client.force_login(world.worker3)  # another street's community worker
    assert client.get(f"/cases/{case.pk}/", {"before": first}, **HX).status_code == 404
    client.force_login(world.street)
    logged = AccessLog.objects.filter(object_type="cases.case", object_id=str(case.pk), action="view")
    n = logged.count()
    part = client.get(f"/cases/{case.pk}/", {"before": first}, **HX)
    assert part.status_code == 200 and len(_ids(part.content.decode())) == 4
    assert logged.count() == n + 1
    entry = logged.order_by("-id").first()
    assert entry.detail == {"timeline_before": first} and entry.user_id == world.street.pk
    assert "personal" in entry.field_classes
    # Without JavaScript the link opens the page at that point, with the way back to the latest entries.
    page = client.get(f"/cases/{case.pk}/", {"before": first}).content.decode()
    assert "返回最新记录" in page and len(_ids(page)) == 4


@pytest.mark.django_db
def test_corrections_of_older_entries_are_shown_with_them(world, client):
    case = _long_case(world, selectors.TIMELINE_PAGE + 5)
    oldest = CaseEvent.objects.filter(case=case).order_by("id").first()
    correction = services.case_event_correct(actor=actor_of(world.worker), event=oldest, note="日期记错，应为前一天")
    client.force_login(world.worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'id="e{correction.pk}"' in page and f'id="e{oldest.pk}"' not in page
    html = ""
    before = _before(page)
    while before:
        part = client.get(f"/cases/{case.pk}/", {"before": before}, **HX).content.decode()
        html += part
        before = _before(part)
    assert f'id="e{oldest.pk}"' in html
    assert f'href="#e{correction.pk}"' in html  # "已被更正" points at the newer entry


@pytest.mark.django_db
def test_a_page_of_the_timeline_matches_the_whole_timeline(world):
    case = _long_case(world, 12)
    actor = actor_of(world.street)
    whole = selectors.case_timeline(actor=actor, case=case)
    page = selectors.case_timeline_page(actor=actor, case=case, limit=5)
    assert page.entries == whole[-5:] and page.earlier == len(whole) - 5
    older = selectors.case_timeline_page(actor=actor, case=case, limit=5, before=page.before)
    assert older.entries == whole[-10:-5] and older.earlier == len(whole) - 10
