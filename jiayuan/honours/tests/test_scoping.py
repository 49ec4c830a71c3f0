import datetime as dt

import pytest

from jiayuan.honours import selectors, services
from jiayuan.honours.models import HonourKind
from tests.factories import make_person


@pytest.fixture
def records(place):
    k = HonourKind.objects.get(code="sanba_hongqishou")
    mine = services.honour_record(
        actor=place.actors["district"],
        kind_id=k.pk,
        level="district",
        year=2024,
        holder_type="person",
        holder_id=make_person(place.home).pk,
    )
    far = services.honour_record(
        actor=place.actors["district"],
        kind_id=k.pk,
        level="district",
        year=2024,
        holder_type="person",
        holder_id=make_person(place.far).pk,
    )
    n = services.nomination_create(
        actor=place.actors["community"],
        kind_id=k.pk,
        level="district",
        year=2025,
        holder_type="person",
        holder_id=make_person(place.home).pk,
        reason="事迹",
    )
    return mine, far, n


def test_lists_records_and_api_scoped(place, records, client):
    mine, far, n = records
    for who, sees_mine, sees_far in [
        ("community", True, False),
        ("street", True, False),
        ("other_street", False, True),
        ("district", True, True),
        ("nanshan", False, False),
    ]:
        actor = place.actors[who]
        assert (mine in selectors.honour_list(actor=actor)) is sees_mine, who
        assert (far in selectors.honour_list(actor=actor)) is sees_far, who
        assert (n in selectors.nomination_list(actor=actor)) is sees_mine, who
        client.force_login(place.users[who])
        for url in (
            f"/honours/{mine.pk}/",
            f"/honours/nominations/{n.pk}/",
            f"/api/honours/honours/{mine.pk}",
            f"/api/honours/nominations/{n.pk}",
            f"/honours/holders/person/{mine.person_id}/",
        ):
            assert client.get(url).status_code == (200 if sees_mine else 404), (who, url)
        listed = client.get("/api/honours/honours").json()
        assert {r["id"] for r in listed["results"]} >= ({mine.pk} if sees_mine else set())
        assert (mine.pk in {r["id"] for r in listed["results"]}) is sees_mine
        # Names of people are masked in lists.
        assert all("*" in r["holder"] for r in listed["results"])


def test_pages_render_and_api_flow(place, records, client):
    _mine, _far, n = records
    client.force_login(place.users["district"])
    for url in (
        "/honours/",
        "/honours/counts/?year=2024",
        "/honours/nominations/",
        "/honours/kinds/",
        "/honours/new/",
        f"/honours/nominations/{n.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    client.force_login(place.users["street"])
    assert client.get("/honours/nominations/").status_code == 200
    body = client.post(
        f"/api/honours/nominations/{n.pk}/decision",
        {"decision": "approve", "version": n.version},
        content_type="application/json",
    ).json()
    assert body["current_level"] == 1
    client.force_login(place.users["district"])
    start = place.today - dt.timedelta(days=8)
    body = client.post(
        f"/api/honours/nominations/{n.pk}/notice",
        {"notice_start": str(start), "notice_end": str(start + dt.timedelta(days=2)), "version": body["version"]},
        content_type="application/json",
    )
    assert body.status_code == 400 and "不少于" in body.json()["detail"]
    counts = client.get("/api/honours/counts?year=2024").json()
    assert counts["total"] == 2 and counts["by_level"]["district"] == 2
    # A nomination over the API of a person outside the scope is a Chinese refusal.
    client.force_login(place.users["community"])
    far_person = make_person(place.far)
    answer = client.post(
        "/api/honours/nominations",
        {
            "kind": "sanba_hongqishou",
            "level": "district",
            "year": 2025,
            "holder_type": "person",
            "holder_id": far_person.pk,
            "reason": "x",
        },
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["detail"] == services.OUT_OF_SCOPE


def test_export_is_masked_scoped_and_logged(place, records, client, settings):
    from jiayuan.access.fields import mask_name
    from jiayuan.honours.models import Honour
    from jiayuan.imports.tests.export_helpers import (
        download_logged,
        export_now,
        export_queued,
        export_refused,
        last_download,
        run_rows,
        sheet_rows,
    )

    mine, far, _n = records
    url = "/imports/exports/new/honours/"
    client.force_login(place.users["street"])
    assert f"{url}?year=2024" in client.get("/honours/?year=2024").content.decode()
    content, run = export_now(client, url, {"year": 2024})
    in_street = Honour.objects.filter(division__code__startswith=place.home[:9], year=2024).select_related("kind")
    expected = {(h.year, h.kind.name, mask_name(h.holder_name), h.division.name) for h in in_street}
    assert {(r[0], r[1], r[4], r[5]) for r in sheet_rows(content)} == expected and mine in in_street
    assert mine.holder_name not in str(sheet_rows(content)) and "2024 年" in run.scope_label
    log = last_download(run)
    assert (log.detail["records"], log.field_classes) == ("honours.honour", ["personal"])
    # Another street's staff asking for this community get none of its honours.
    client.force_login(place.users["other_street"])
    content, _ = export_now(client, url, {"division": place.home})
    assert sheet_rows(content) == []
    client.force_login(place.users["district"])
    settings.EXPORT_IMMEDIATE_ROWS = 1
    queued = export_queued(client, url, {"year": 2024})
    assert {r[4] for r in run_rows(queued)} == {mask_name(mine.holder_name), mask_name(far.holder_name)}
    download_logged(client, queued)
    settings.REPORTS_EXPORT_LIMIT = 0
    client.force_login(place.users["street"])  # the street's staff hold no bulk-export right
    export_refused(client, url)
    client.force_login(place.users["community"])
    assert client.get(url).status_code == 404
