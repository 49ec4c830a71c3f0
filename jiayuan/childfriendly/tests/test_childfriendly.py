import datetime as dt
from decimal import Decimal

import pytest

from jiayuan.access.roles import Role
from jiayuan.childfriendly import selectors, services
from jiayuan.childfriendly.models import Assessment, Project, StandardVersion
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, Level
from tests.factories import FUTIAN, MEILIN, NANSHAN, XIANGMIHU, actor_of, community_of, make_user, system_actor


@pytest.fixture
def world(db):
    services.standards_ensure()
    users = {
        "community": make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0)),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "other_street": make_user(Role.STREET_STAFF, MEILIN),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "nanshan": make_user(Role.DISTRICT_RIGHTS, NANSHAN),
        "city": make_user(Role.LEADER, "440300"),
    }
    return {"users": users, "actors": {k: actor_of(u) for k, u in users.items()}}


def accept(actor, community, year, accepted_on):
    project = services.project_create(
        actor=actor,
        name=f"{community}儿童友好社区",
        type="community",
        level="district",
        year=year,
        division_code=community,
    )
    version = StandardVersion.objects.get(standard__code="community", is_retired=False)
    services.project_advance(actor=actor, project=project, status="building", expected_version=project.version)
    services.assessment_record(
        actor=actor,
        project=project,
        version=version,
        kind="expert",
        on=accepted_on,
        answers={"space": True, "council": True},
    )
    services.project_advance(actor=actor, project=project, status="assessed", expected_version=project.version)
    services.project_advance(
        actor=actor, project=project, status="accepted", expected_version=project.version, on=accepted_on
    )
    return project


def test_status_chain_assessment_and_retired_version(world):
    a = world["actors"]["district"]
    street = world["actors"]["street"]
    home = community_of(XIANGMIHU, 0)
    project = services.project_create(
        actor=street, name="测试儿童友好社区", type="community", level="district", year=2025, division_code=home
    )
    with pytest.raises(WorkflowError, match="下一阶段"):
        services.project_advance(actor=a, project=project, status="accepted", expected_version=project.version)
    services.project_advance(actor=street, project=project, status="building", expected_version=project.version)
    with pytest.raises(WorkflowError, match="评估"):
        services.project_advance(actor=street, project=project, status="assessed", expected_version=project.version)
    v1 = StandardVersion.objects.get(standard__code="community", number=1)
    first = services.assessment_record(
        actor=street,
        project=project,
        version=v1,
        kind="self",
        on=dt.date(2025, 5, 1),
        answers={"space": True, "council": True, "nursing": False},
        questionnaire_score="88.5",
    )
    expected = sum(i["points"] for i in v1.items if i["code"] in ("space", "council"))
    assert first.score == Decimal(expected)
    v2 = services.standard_version_publish(
        actor=a,
        standard=v1.standard,
        items=[
            {"code": "space", "label": "儿童活动空间", "points": 50},
            {"code": "council", "label": "儿童议事会", "points": 50},
        ],
    )
    v1.refresh_from_db()
    assert v1.is_retired and not v2.is_retired and v2.number == 2
    before = Assessment.objects.count()
    with pytest.raises(WorkflowError, match="已停用"):
        services.assessment_record(
            actor=street, project=project, version=v1, kind="expert", on=dt.date(2025, 6, 1), answers={"space": True}
        )
    with pytest.raises(ValidationFailed):
        services.assessment_record(
            actor=street, project=project, version=v2, kind="expert", on=dt.date(2025, 6, 1), answers={"nursing": True}
        )
    assert Assessment.objects.count() == before
    services.project_advance(actor=street, project=project, status="assessed", expected_version=project.version)
    # Only the district accepts.
    with pytest.raises(WorkflowError, match="区级"):
        services.project_advance(actor=street, project=project, status="accepted", expected_version=project.version)
    services.project_advance(
        actor=a, project=project, status="accepted", expected_version=project.version, on=dt.date(2025, 12, 1)
    )
    assert Project.objects.get(pk=project.pk).status == "accepted"
    with pytest.raises(WorkflowError):
        services.project_create(
            actor=street, name="重复", type="community", level="district", year=2025, division_code=home
        )


def test_coverage_equals_independent_count(world):
    actor = system_actor()
    futian = list(
        Division.objects.filter(code__startswith=FUTIAN, level=Level.COMMUNITY, special=False).order_by("code")
    )
    accepted = {}
    for i, community in enumerate(futian[:9]):
        day = dt.date(2023 + i % 3, 3, 1)
        accept(actor, community.code, day.year, day)
        accepted[community.code] = day
    # A project not yet accepted does not count.
    services.project_create(
        actor=actor, name="未验收", type="community", level="district", year=2025, division_code=futian[20].code
    )
    district = Division.objects.get(code=FUTIAN)
    for year in (2023, 2024, 2025):
        row = selectors.community_coverage(actor=world["actors"]["district"], division=FUTIAN, year=year)
        covered = sum(1 for d in accepted.values() if d.year <= year)
        new = sum(1 for d in accepted.values() if d.year == year)
        assert (row["covered"], row["new"], row["existing"]) == (covered, new, covered - new)
        assert row["communities"] == len(futian)
        assert row["rate"] == (Decimal(100) * covered / len(futian)).quantize(Decimal("0.01"))
    street_row = selectors.community_coverage(actor=world["actors"]["street"], division=XIANGMIHU, year=2025)
    in_street = [c for c in accepted if c.startswith(XIANGMIHU)]
    assert street_row["covered"] == len(in_street)
    table = selectors.coverage_table(actor=world["actors"]["city"], years=[2025])
    futian_row = next(r for r in table["rows"] if r["division"].code == FUTIAN)
    assert futian_row["years"][0]["covered"] == len(accepted)
    # Out of reach answers as missing; a place without communities is refused in Chinese.
    with pytest.raises(NotFound):
        selectors.community_coverage(actor=world["actors"]["nanshan"], division=FUTIAN, year=2025)
    empty = Division.objects.create(
        code="440398",
        name="测试空区",
        official_name="测试空区",
        level=Level.DISTRICT,
        parent_id="440300",
        prefix="440398",
    )
    with pytest.raises(ValidationFailed, match="没有下辖社区"):
        selectors.community_coverage(actor=world["actors"]["city"], division=empty.code, year=2025)
    assert district.code == FUTIAN


def test_scoped_pages_api_and_councils(world, client):
    actor = system_actor()
    home, far = community_of(XIANGMIHU, 0), community_of(MEILIN, 0)
    mine = services.project_create(
        actor=actor, name="甲", type="community", level="district", year=2025, division_code=home
    )
    theirs = services.project_create(
        actor=actor, name="乙", type="community", level="district", year=2025, division_code=far
    )
    council = services.council_create(actor=actor, division_code=home, name="", founded_on=dt.date(2024, 1, 1))
    with pytest.raises(WorkflowError):
        services.council_create(actor=actor, division_code=home, name="", founded_on=dt.date(2024, 1, 1))
    session = services.session_record(actor=actor, council=council, held_on=dt.date(2025, 3, 1), topic="议题")
    proposal = services.proposal_add(actor=actor, session=session, title="增加图书角")
    services.proposal_answer(
        actor=world["actors"]["street"],
        proposal=proposal,
        answer="已采纳",
        adopted=True,
        expected_version=proposal.version,
    )
    for who, sees_mine, sees_far in [
        ("community", True, False),
        ("street", True, False),
        ("other_street", False, True),
        ("district", True, True),
    ]:
        client.force_login(world["users"][who])
        for p, sees in ((mine, sees_mine), (theirs, sees_far)):
            for url in (f"/childfriendly/projects/{p.pk}/", f"/api/childfriendly/projects/{p.pk}"):
                assert client.get(url).status_code == (200 if sees else 404), (who, url)
        assert client.get(f"/childfriendly/councils/{council.pk}/").status_code == (200 if sees_mine else 404)
        ids = {p["id"] for p in client.get("/api/childfriendly/projects").json()}
        assert (mine.pk in ids) is sees_mine and (theirs.pk in ids) is sees_far
    client.force_login(world["users"]["district"])
    for url in (
        "/childfriendly/",
        "/childfriendly/projects/",
        "/childfriendly/councils/",
        "/childfriendly/actions/",
        "/childfriendly/standards/",
        "/childfriendly/map/?district=440304",
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(f"/api/childfriendly/coverage?division={FUTIAN}&year=2025").json()
    assert body["communities"] > 0 and body["covered"] == 0
    answer = client.post(
        f"/api/childfriendly/projects/{theirs.pk}/assessments",
        {"version_id": StandardVersion.objects.get(standard__code="community").pk, "kind": "self", "on": "2025-01-01"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    client.force_login(world["users"]["nanshan"])
    assert client.get("/childfriendly/map/?district=440304").status_code == 404


def test_map_places_points_in_the_outline(world, client):
    from jiayuan.venues.services import VenueInput, venue_create

    actor = system_actor()
    home = community_of(XIANGMIHU, 0)
    venue_create(
        actor=actor,
        data=VenueInput(
            type="nursing_room",
            name="测试母婴室",
            division_code=home,
            longitude="114.023",
            latitude="22.549",
            address="测试路 1 号",
        ),
    )
    venue_create(actor=actor, data=VenueInput(type="nursing_room", name="无位置母婴室", division_code=home))
    data = selectors.facility_map(actor=world["actors"]["district"], district=FUTIAN, type="nursing_room")
    assert [p["name"] for p in data["points"]] == ["测试母婴室"]
    assert [v.name for v in data["unplaced"]] == ["无位置母婴室"]
    lng, lat = data["points"][0]["value"]
    # Shifted to GCJ-02 (a few hundred metres here, under a kilometre) and inside the drawn outline.
    assert 0 < abs(lng - 114.023) + abs(lat - 22.549) < 0.01
    rings = [ring for poly in data["outline"]["features"][0]["geometry"]["coordinates"] for ring in poly[:1]]

    def inside(x, y, ring):
        hit = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
        return hit

    assert any(inside(lng, lat, ring) for ring in rings)
    client.force_login(world["users"]["street"])
    page = client.get("/childfriendly/map/?district=440304").content.decode()
    assert "测试母婴室" in page and "无位置母婴室" in page and "facility-map-data" in page
    assert "tile" not in page.lower() and "http://" not in page and "https://" not in page
