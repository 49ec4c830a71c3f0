import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jiayuan.access.roles import Role
from jiayuan.core.errors import StaleEditError, ValidationFailed
from jiayuan.divisions.models import Division, Level
from jiayuan.imports.tests.export_helpers import (
    download_logged,
    export_now,
    export_queued,
    export_refused,
    last_download,
    run_rows,
    sheet_rows,
)
from jiayuan.venues import selectors, services
from jiayuan.venues.models import Venue, VenueType
from jiayuan.venues.services import VenueInput
from tests.factories import FUTIAN, MEILIN, XIANGMIHU, actor_of, community_of, make_user, system_actor


def _venue(code: str, name: str, type: str = VenueType.COMFORT_STATION, **kw) -> Venue:
    return services.venue_create(actor=system_actor(), data=VenueInput(type=type, name=name, division_code=code, **kw))


@pytest.fixture
def scene(db):
    home, sibling, far = community_of(XIANGMIHU, 0), community_of(XIANGMIHU, 1), community_of(MEILIN, 0)
    users = {
        "community": make_user(Role.COMMUNITY_WORKER, home),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "volunteer": make_user(Role.VOLUNTEER, home),
    }
    venues = {
        "home": _venue(home, "甲社区舒心驿站"),
        "sibling": _venue(sibling, "乙社区舒心驿站"),
        "far": _venue(far, "丙社区舒心驿站"),
        "street": _venue(XIANGMIHU, "香蜜湖幸福港湾", VenueType.HAPPINESS_HARBOUR),
        "nanshan": _venue(community_of("440305001", 0), "南山某驿站"),
    }
    return {"home": home, "sibling": sibling, "far": far, "users": users, "venues": venues}


def test_lists_follow_the_scope(scene):
    v = scene["venues"]
    seen = {
        key: set(selectors.venue_list(actor=actor_of(user)).values_list("pk", flat=True))
        for key, user in scene["users"].items()
    }
    assert seen["community"] == {v["home"].pk}
    assert seen["street"] == {v["home"].pk, v["sibling"].pk, v["street"].pk}
    assert v["far"].pk in seen["district"] and v["nanshan"].pk not in seen["district"]
    assert seen["volunteer"] == set()


def test_pages_and_api_answer_404_out_of_scope(scene):
    client = Client()
    client.force_login(scene["users"]["community"])
    far = scene["venues"]["far"]
    home = scene["venues"]["home"]
    assert client.get(reverse("venues:detail", kwargs={"venue_id": home.pk})).status_code == 200
    assert client.get(reverse("venues:detail", kwargs={"venue_id": far.pk})).status_code == 404
    assert client.get(f"/api/venues/{far.pk}").status_code == 404
    assert client.get(f"/api/venues/{home.pk}").json()["name"] == "甲社区舒心驿站"
    listed = client.get("/api/venues").json()
    assert [r["id"] for r in listed["results"]] == [home.pk]


def test_create_checks_place_point_and_duplicates(scene):
    actor = actor_of(scene["users"]["community"])
    with pytest.raises(ValidationFailed) as outside:
        services.venue_create(
            actor=actor, data=VenueInput(type=VenueType.NURSING_ROOM, name="外社区母婴室", division_code=scene["far"])
        )
    assert "管辖范围" in outside.value.errors["division_code"]
    with pytest.raises(ValidationFailed) as half:
        services.venue_create(
            actor=actor,
            data=VenueInput(
                type=VenueType.NURSING_ROOM, name="母婴室", division_code=scene["home"], longitude="114.05"
            ),
        )
    assert "同时填写" in half.value.errors["longitude"]
    with pytest.raises(ValidationFailed) as swapped:
        services.venue_create(
            actor=actor,
            data=VenueInput(
                type=VenueType.NURSING_ROOM,
                name="母婴室",
                division_code=scene["home"],
                longitude="22.54",
                latitude="114.05",
            ),
        )
    assert swapped.value.errors
    with pytest.raises(ValidationFailed) as dup:
        _venue(scene["home"], "甲社区舒心驿站")
    assert "同名称" in dup.value.errors["name"]
    assert Venue.objects.count() == 5


def test_edit_refuses_a_stale_version(scene):
    actor = actor_of(scene["users"]["street"])
    venue = selectors.venue_get(actor=actor, venue_id=scene["venues"]["home"].pk, perm="venues.edit")
    data = services.venue_input_from(venue)
    data.opening_hours = "全天"
    services.venue_update(actor=actor, venue=venue, data=data, expected_version=1)
    with pytest.raises(StaleEditError):
        services.venue_update(actor=actor, venue=venue, data=data, expected_version=1)
    assert Venue.objects.get(pk=venue.pk).version == 2


def test_form_page_creates_and_keeps_input_on_error(scene):
    client = Client()
    client.force_login(scene["users"]["street"])
    bad = client.post(
        reverse("venues:create"),
        {"type": VenueType.NURSING_ROOM, "name": "地铁站母婴室", "division_code": scene["home"], "longitude": "abc"},
    )
    assert bad.status_code == 200
    assert "经度应为数字" in bad.content.decode() and "地铁站母婴室" in bad.content.decode()
    ok = client.post(
        reverse("venues:create"),
        {
            "type": VenueType.NURSING_ROOM,
            "name": "地铁站母婴室",
            "division_code": scene["home"],
            "longitude": "114.02",
            "latitude": "22.55",
            "is_active": "1",
        },
    )
    assert ok.status_code == 302
    made = Venue.objects.get(name="地铁站母婴室")
    assert made.longitude == Decimal("114.020000")


def test_api_create_and_patch(scene):
    client = Client()
    client.force_login(scene["users"]["community"])
    body = {"type": "nursing_room", "name": "社区母婴室", "division_code": scene["home"]}
    created = client.post("/api/venues", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    vid = created.json()["id"]
    refused = client.post(
        "/api/venues", json.dumps({**body, "division_code": scene["far"]}), content_type="application/json"
    )
    assert refused.status_code == 400 and "管辖范围" in refused.json()["detail"]
    patched = client.patch(
        f"/api/venues/{vid}", json.dumps({"version": 1, "opening_hours": "8:00-20:00"}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["opening_hours"] == "8:00-20:00"
    stale = client.patch(f"/api/venues/{vid}", json.dumps({"version": 1, "note": "x"}), content_type="application/json")
    assert stale.status_code == 409


def test_coverage_equals_an_independent_count(scene):
    actor = actor_of(scene["users"]["district"])
    _venue(scene["home"], "甲社区第二驿站")  # a second one in the same community counts once
    _venue(scene["sibling"], "停用驿站", is_active=False)
    rows = {r.type: r for r in selectors.venue_coverage(actor=actor)}
    communities = Division.objects.filter(code__startswith=FUTIAN, level=Level.COMMUNITY, special=False)
    covered = {
        v.division_id
        for v in Venue.objects.filter(type=VenueType.COMFORT_STATION, is_active=True)
        if v.division_id.startswith(FUTIAN) and v.division.level == Level.COMMUNITY
    }
    row = rows[VenueType.COMFORT_STATION]
    assert (row.communities_covered, row.communities) == (len(covered), communities.count())
    assert row.venues == len(
        [
            v
            for v in Venue.objects.filter(is_active=True, type=VenueType.COMFORT_STATION)
            if v.division_id.startswith(FUTIAN)
        ]
    )
    harbour = rows[VenueType.HAPPINESS_HARBOUR]
    assert harbour.streets_covered == 1 and harbour.communities_covered == 0
    street_rows = {r.type: r for r in selectors.venue_coverage(actor=actor, division=XIANGMIHU)}
    assert street_rows[VenueType.COMFORT_STATION].communities == communities.filter(parent_id=XIANGMIHU).count()


def test_export_keeps_the_list_filters_and_scope_and_is_logged(scene, settings):
    client = Client()
    client.force_login(scene["users"]["street"])
    url = "/imports/exports/new/venues/"
    assert f"{url}?type=comfort_station" in client.get("/venues/?type=comfort_station").content.decode()
    # Filtering in place (HTMX) re-renders the button with the new filters.
    filtered = client.get("/venues/?type=happiness_harbour&active=all", headers={"HX-Request": "true"})
    assert f"{url}?type=happiness_harbour&amp;active=all" in filtered.content.decode()
    content, run = export_now(client, url)
    street = Venue.objects.filter(division__code__startswith=XIANGMIHU, is_active=True)
    assert {(r[1], r[3]) for r in sheet_rows(content)} == {(v.name, v.division.name) for v in street}
    log = last_download(run)
    assert (log.detail["records"], log.detail["rows"]) == ("venues.venue", street.count())
    # The list's filters: one type, all statuses (the list's 全部 is kept by the export).
    services.venue_update(
        actor=system_actor(),
        venue=scene["venues"]["sibling"],
        data=VenueInput(
            type=VenueType.COMFORT_STATION, name="乙社区舒心驿站", division_code=scene["sibling"], is_active=False
        ),
        expected_version=scene["venues"]["sibling"].version,
    )
    content, run = export_now(client, url, {"type": VenueType.COMFORT_STATION, "active": "all"})
    stations = street.model.objects.filter(division__code__startswith=XIANGMIHU, type=VenueType.COMFORT_STATION)
    assert sorted((r[1], r[13]) for r in sheet_rows(content)) == sorted(
        (v.name, "在用" if v.is_active else "停用") for v in stations
    )
    assert "全部状态" in run.scope_label and "舒心驿站" in run.scope_label
    # Another street's staff never get this street's venues, whatever they ask.
    other = Client()
    other.force_login(make_user(Role.STREET_STAFF, MEILIN))
    content, _ = export_now(other, url, {"division": scene["home"]})
    assert sheet_rows(content) == []
    # Large: in the background, listed for its requester, its download logged.
    settings.EXPORT_IMMEDIATE_ROWS = 1
    run = export_queued(client, url)
    assert sorted(r[1] for r in run_rows(run)) == sorted(v.name for v in street.filter(is_active=True))
    download_logged(client, run)
    settings.REPORTS_EXPORT_LIMIT = 1
    export_refused(client, url)
    community = Client()
    community.force_login(scene["users"]["community"])
    assert community.get(url).status_code == 404  # no export right


def _inside(x: float, y: float, ring) -> bool:
    found = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def test_demo_nursing_rooms_lie_inside_futian_and_cover_the_network(db):
    from jiayuan.site.demo import demo_load_all
    from jiayuan.venues.demo import demo_load

    demo_load_all(only=["divisions", "orgs", "administration"])
    assert demo_load()
    assert demo_load()  # idempotent
    outline = json.loads((Path(settings.BASE_DIR) / "data" / "geo" / "shenzhen-districts.geojson").read_text())
    futian = next(f for f in outline["features"] if f["properties"]["code"] == FUTIAN)
    rings = [polygon[0] for polygon in futian["geometry"]["coordinates"]]
    rooms = Venue.objects.filter(type=VenueType.NURSING_ROOM)
    assert rooms.count() >= 10
    for room in rooms:
        assert any(_inside(float(room.longitude), float(room.latitude), ring) for ring in rings), room.name
    actor = actor_of(make_user(Role.DISTRICT_RIGHTS, FUTIAN))
    rows = {r.type: r for r in selectors.venue_coverage(actor=actor)}
    assert rows[VenueType.COMFORT_STATION].community_rate == 100.0
    assert rows[VenueType.HAPPINESS_HARBOUR].street_rate == 100.0
    network = [
        rows[t].venues for t in ("family_education_centre", "family_education_station", "family_education_point")
    ]
    assert network == [1, 10, rows[VenueType.COMFORT_STATION].communities]
