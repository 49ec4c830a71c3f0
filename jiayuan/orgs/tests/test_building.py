import datetime as dt

import pytest

from jiayuan.access.roles import Role
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, Level
from jiayuan.orgs.building import selectors, services
from jiayuan.orgs.models import DutyRecord, ExecutiveCommittee, ExecutiveMember, Organisation, OrgKind
from tests.factories import (
    FUTIAN,
    MEILIN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_person,
    make_user,
)


@pytest.fixture
def world(db):
    home, far = community_of(XIANGMIHU, 0), community_of(MEILIN, 0)
    users = {
        "community": make_user(Role.COMMUNITY_WORKER, home),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "other_street": make_user(Role.STREET_STAFF, MEILIN),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
    }
    actors = {k: actor_of(u) for k, u in users.items()}
    org = Organisation.objects.create(name="测试社区妇联", kind=OrgKind.COMMUNITY, division_id=home)
    far_org = Organisation.objects.create(name="远处社区妇联", kind=OrgKind.COMMUNITY, division_id=far)
    return {"home": home, "far": far, "users": users, "actors": actors, "org": org, "far_org": far_org}


def test_terms_seats_duties_and_figures(world):
    a = world["actors"]["street"]
    org = world["org"]
    first = services.committee_elect(actor=a, organisation=org, elected_on=dt.date(2019, 6, 1))
    chair_old = services.seat_add(actor=a, committee=first, person_id=make_person(world["home"]).pk, post="chair")
    second = services.committee_elect(actor=a, organisation=org, elected_on=dt.date(2024, 6, 1))
    first.refresh_from_db()
    chair_old.refresh_from_db()
    assert (first.is_current, second.number, first.term_end) == (False, 2, dt.date(2024, 5, 31))
    assert chair_old.term_end == dt.date(2024, 5, 31)
    people = [make_person(world["home"]) for _ in range(4)]
    chair = services.seat_add(
        actor=a, committee=second, person_id=people[0].pk, post="chair", is_party_member=True, in_two_committees=True
    )
    with pytest.raises(WorkflowError):
        services.seat_add(actor=a, committee=second, person_id=people[1].pk, post="chair")
    for p in people[1:]:
        services.seat_add(actor=a, committee=second, person_id=p.pk, post="executive", is_party_member=p == people[1])
    # A second organisation with a chair not in the 两委.
    other = Organisation.objects.create(
        name="另一社区妇联", kind=OrgKind.COMMUNITY, division_id=community_of(XIANGMIHU, 1)
    )
    c2 = services.committee_elect(actor=a, organisation=other, elected_on=dt.date(2024, 7, 1))
    services.seat_add(actor=a, committee=c2, person_id=make_person(world["home"]).pk, post="chair")
    # One-to-one help needs a registered person in scope.
    with pytest.raises(ValidationFailed):
        services.duty_record(actor=a, member=chair, kind="one_on_one", on=dt.date(2025, 2, 1), content="帮扶")
    with pytest.raises(ValidationFailed):
        services.duty_record(
            actor=a,
            member=chair,
            kind="one_on_one",
            on=dt.date(2025, 2, 1),
            content="帮扶",
            person_id=make_person(world["far"]).pk,
        )
    services.duty_record(
        actor=a, member=chair, kind="one_on_one", on=dt.date(2025, 2, 1), content="帮扶", person_id=people[2].pk
    )
    t = services.training_create(
        actor=a,
        title="主席培训",
        division_code=XIANGMIHU,
        held_on=dt.date(2025, 3, 1),
        hours=8,
        audience="chairs",
        member_ids=[chair.pk],
    )
    assert t.attendees.count() == 1
    with pytest.raises(ValidationFailed):
        services.training_create(
            actor=a, title="越界", division_code=MEILIN, held_on=dt.date(2025, 3, 1), hours=8, audience="chairs"
        )
    stats = selectors.building_stats(actor=a, year=2025, division=XIANGMIHU)
    # Independent tallies.
    communities = Division.objects.filter(code__startswith=XIANGMIHU, level=Level.COMMUNITY, special=False).count()
    current = ExecutiveMember.objects.filter(
        organisation__division__code__startswith=XIANGMIHU, committee__is_current=True, term_end__isnull=True
    )
    assert stats["communities"] == communities
    assert stats["communities_covered"] == 2
    assert stats["community_coverage"] == round(100 * 2 / communities, 2)
    assert stats["seats"] == current.count() == 5
    assert stats["seats_per_org"] == round(5 / 2, 2)
    assert (stats["chairs"], stats["chairs_in_two_committees"], stats["chairs_party"]) == (2, 1, 1)
    assert stats["chairs_in_two_share"] == 50.0
    assert (stats["trainings"], stats["training_attendance"]) == (1, 1)
    assert dict(stats["duties"])["一对一帮扶"] == DutyRecord.objects.filter(kind="one_on_one").count() == 1
    with pytest.raises(NotFound):
        selectors.building_stats(actor=a, division=MEILIN)


def test_building_scoped_pages_and_api(world, client):
    a = world["actors"]["district"]
    for org in (world["org"], world["far_org"]):
        c = services.committee_elect(actor=a, organisation=org, elected_on=dt.date(2024, 6, 1))
        services.seat_add(
            actor=a, committee=c, person_id=make_person(org.division_id, name="欧阳晓芳").pk, post="chair"
        )
    for who, sees_home, sees_far in [
        ("community", True, False),
        ("street", True, False),
        ("other_street", False, True),
        ("district", True, True),
    ]:
        client.force_login(world["users"][who])
        for org, sees in ((world["org"], sees_home), (world["far_org"], sees_far)):
            for url in (f"/orgs/building/{org.pk}/", f"/api/orgs/organisations/{org.pk}"):
                assert client.get(url).status_code == (200 if sees else 404), (who, url)
        listed = {o["id"] for o in client.get("/api/orgs/organisations").json()}
        assert (world["org"].pk in listed) is sees_home and (world["far_org"].pk in listed) is sees_far
    client.force_login(world["users"]["street"])
    page = client.get(f"/orgs/building/{world['org'].pk}/").content.decode()
    assert "欧**芳" in page and "欧阳晓芳" not in page
    assert client.get("/orgs/building/").status_code == 200
    assert client.get("/orgs/trainings/").status_code == 200
    # A committee for an organisation out of scope is refused as missing; nothing is written.
    before = ExecutiveCommittee.objects.count()
    answer = client.post(
        f"/api/orgs/organisations/{world['far_org'].pk}/committees",
        {"elected_on": "2025-01-01"},
        content_type="application/json",
    )
    assert answer.status_code == 404 and ExecutiveCommittee.objects.count() == before
    stats = client.get("/api/orgs/stats?year=2025").json()
    assert stats["chairs"] == 1 and stats["seats"] == 1
