"""Hot pages keep a fixed number of queries whatever the number of rows behind them (no per-row look-ups)."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiayuan.activities import services
from tests.factories import make_person, system_actor

from .conftest import make_activity


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_activity_list_queries_do_not_grow_with_the_activities(scene, django_assert_max_num_queries):
    client = Client()
    client.force_login(scene.users["street"])
    make_activity(scene.home)
    client.get("/activities/")  # warm the session and the content types
    few = _queries(client, "/activities/")
    for i in range(12):
        make_activity(scene.sibling if i % 2 else scene.home, title=f"活动{i}")
    assert _queries(client, "/activities/") == few
    with django_assert_max_num_queries(12):
        client.get("/activities/")


def test_yearly_counts_queries_do_not_grow_with_the_attendance(scene, django_assert_max_num_queries):
    client = Client()
    client.force_login(scene.users["district"])
    past = scene.now - dt.timedelta(days=2)
    year = past.year
    url = f"/activities/counts/?start={year}-01-01&end={year}-12-31"
    lecture = make_activity(scene.home, start=past)
    session = lecture.sessions.get()
    services.attendance_record(actor=system_actor(), session=session, person=make_person(scene.home), at=past)
    client.get(url)
    few = _queries(client, url)
    for i in range(8):
        other = make_activity(scene.sibling, title=f"讲座{i}", start=past, type="parent_school")
        for _ in range(3):
            services.attendance_record(
                actor=system_actor(), session=other.sessions.get(), person=make_person(scene.sibling), at=past
            )
    assert _queries(client, url) == few
    with django_assert_max_num_queries(16):
        client.get(url)
