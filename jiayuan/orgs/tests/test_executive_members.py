import datetime as dt

import pytest

from jiayuan.access.roles import Role
from jiayuan.orgs.models import ExecutiveMember, Organisation, OrgKind
from tests.factories import MEILIN, XIANGMIHU, community_of, make_person, make_user


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="香蜜湖街道妇女联合会", kind=OrgKind.STREET, division_id=XIANGMIHU)


def test_street_staff_seats_a_person_and_the_list_masks_the_name(client, org):
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    person = make_person(community_of(XIANGMIHU), name="欧阳晓芳")
    client.force_login(staff)
    response = client.post(
        f"/orgs/{org.pk}/members/",
        {"person_id": person.pk, "post": "executive", "term_start": "2026-01-01", "term_end": "2030-12-31"},
    )
    assert response.status_code == 302
    member = ExecutiveMember.objects.get(organisation=org)
    assert member.person == person and member.term_end == dt.date(2030, 12, 31)
    page = client.get(f"/orgs/{org.pk}/members/").content.decode()
    assert "欧**芳" in page and "欧阳晓芳" not in page


def test_bad_term_and_out_of_scope_person_change_nothing(client, org):
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    outsider = make_person(community_of(MEILIN))
    inside = make_person(community_of(XIANGMIHU))
    client.force_login(staff)
    response = client.post(
        f"/orgs/{org.pk}/members/", {"person_id": outsider.pk, "post": "executive", "term_start": "2026-01-01"}
    )
    assert response.status_code == 400 and "未找到该人员" in response.content.decode()
    response = client.post(
        f"/orgs/{org.pk}/members/",
        {"person_id": inside.pk, "post": "executive", "term_start": "2026-01-01", "term_end": "2025-01-01"},
    )
    assert response.status_code == 400 and "不能早于开始日期" in response.content.decode()
    assert not ExecutiveMember.objects.exists()


def test_a_community_worker_elsewhere_cannot_manage(client, org):
    """Members are people's names and posts: outside the members scope the page is missing (404), as a record
    out of scope is, and nothing is saved."""
    worker = make_user(Role.COMMUNITY_WORKER, community_of(MEILIN))
    person = make_person(community_of(MEILIN))
    client.force_login(worker)
    assert client.get(f"/orgs/{org.pk}/members/").status_code == 404
    response = client.post(
        f"/orgs/{org.pk}/members/", {"person_id": person.pk, "post": "executive", "term_start": "2026-01-01"}
    )
    assert response.status_code == 404
    assert not ExecutiveMember.objects.exists()
    # Inside the scope (the street's own staff) the page opens.
    client.force_login(make_user(Role.STREET_STAFF, XIANGMIHU))
    assert client.get(f"/orgs/{org.pk}/members/").status_code == 200
