"""The division tree: loaded from the shipped CSV (idempotent), scope by code prefix, ancestors."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command

from jiayuan.divisions.models import Division, Level, scope_prefix, subtree_q
from jiayuan.divisions.selectors import division_ancestors, division_children, division_choices, division_subtree
from jiayuan.divisions.services import DEFAULT_CSV, divisions_load
from tests.factories import CITY, FUTIAN, MEILIN, NANSHAN, XIANGMIHU, community_of, ensure_divisions

# 9 districts and one functional area run as a district (大鹏新区)
EXPECTED = {Level.CITY: 1, Level.DISTRICT: 10, Level.STREET: 79, Level.COMMUNITY: 787}


@pytest.fixture(autouse=True)
def _tree(request):
    # Browser tests empty the tables of their worker: make sure the tree is there.
    if request.node.get_closest_marker("django_db"):
        ensure_divisions()


def test_csv_has_the_expected_rows():
    with open(DEFAULT_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 877
    assert Counter(r["level"] for r in rows) == EXPECTED


@pytest.mark.django_db
def test_loader_from_empty_counts_match_and_is_idempotent():
    Division.objects.update(parent=None)
    Division.objects.all().delete()
    out = io.StringIO()
    call_command("load_divisions", stdout=out)
    assert "共 877 条，新增 877，更新 0" in out.getvalue()
    assert Division.objects.count() == 877
    assert Counter(Division.objects.values_list("level", flat=True)) == EXPECTED
    snapshot = list(Division.objects.order_by("code").values())
    assert divisions_load() == {"created": 0, "updated": 0, "total": 877}
    out = io.StringIO()
    call_command("load_divisions", stdout=out)
    assert "新增 0，更新 0" in out.getvalue()
    assert list(Division.objects.order_by("code").values()) == snapshot


@pytest.mark.django_db
def test_tree_shape():
    futian = Division.objects.get(code=FUTIAN)
    assert futian.name == "福田区" and futian.level == Level.DISTRICT and futian.parent_id == CITY
    assert Division.objects.filter(parent_id=FUTIAN, special=False).count() == 10
    assert Division.objects.filter(parent__parent_id=FUTIAN, level=Level.COMMUNITY, special=False).count() == 92
    for d in Division.objects.exclude(level=Level.CITY):
        assert d.parent.contains(d.code), d.code  # by the tree (a functional area's streets keep their codes)
    assert {
        d.level
        for d in Division.objects.filter(level=Level.COMMUNITY).select_related("parent")[:50]
        for d in [d.parent]
    } == {Level.STREET}


@pytest.mark.django_db
def test_prefix_scoping():
    assert scope_prefix("440300", Level.CITY) == "4403"
    assert scope_prefix(FUTIAN, Level.DISTRICT) == FUTIAN
    assert Division.objects.get(code=CITY).prefix == "4403"
    assert Division.objects.filter(subtree_q("4403", "code")).count() == 877
    street = set(Division.objects.filter(subtree_q(XIANGMIHU, "code")).values_list("code", flat=True))
    assert XIANGMIHU in street and community_of(XIANGMIHU, 0) in street
    assert MEILIN not in street and community_of(MEILIN, 0) not in street and FUTIAN not in street
    assert all(code.startswith(XIANGMIHU) for code in street)
    district = set(division_subtree(FUTIAN).values_list("code", flat=True))
    assert MEILIN in district and not any(code.startswith(NANSHAN) for code in district)
    # "44030" is not a division but still a prefix: it must not leak into 440305 (南山) from 440304.
    assert Division.objects.get(code=FUTIAN).contains(community_of(XIANGMIHU, 0))
    assert not Division.objects.get(code=FUTIAN).contains(NANSHAN)
    # The person-facing choices are communities only, without special zones.
    choices = list(division_choices(FUTIAN))
    assert choices and all(d.level == Level.COMMUNITY and not d.special for d in choices)


@pytest.mark.django_db
def test_subtree_q_with_foreign_key_paths():
    from jiayuan.people.models import Person
    from tests.factories import raw_person

    inside = raw_person(community_of(XIANGMIHU, 0))
    outside = raw_person(community_of(MEILIN, 0))
    found = set(Person.objects.filter(subtree_q(XIANGMIHU, "division")).values_list("pk", flat=True))
    assert inside.pk in found and outside.pk not in found
    assert set(Person.objects.filter(subtree_q("4403", "division_id")).values_list("pk", flat=True)) >= {
        inside.pk,
        outside.pk,
    }


@pytest.mark.django_db
def test_division_ancestors():
    community = Division.objects.get(code=community_of(XIANGMIHU, 0))
    assert [d.code for d in division_ancestors(community)] == [CITY, FUTIAN, XIANGMIHU, community.code]
    assert [d.code for d in division_ancestors(Division.objects.get(code=XIANGMIHU))] == [CITY, FUTIAN, XIANGMIHU]
    assert [d.code for d in division_ancestors(Division.objects.get(code=FUTIAN))] == [CITY, FUTIAN]
    assert [d.code for d in division_ancestors(Division.objects.get(code=CITY))] == [CITY]
    assert [d.code for d in division_children(None)] == [CITY]


@pytest.mark.django_db
def test_orgs_page_browses_the_tree(client):
    from jiayuan.access.roles import Role
    from tests.factories import make_org, make_user

    make_org(XIANGMIHU, name="香蜜湖街道妇女联合会", kind="street")
    make_org(
        community_of(NANSHAN + "001", 0) if Division.objects.filter(parent_id=NANSHAN + "001").exists() else NANSHAN,
        name="南山某妇联",
        kind="district",
    )
    client.force_login(make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0)))
    page = client.get("/orgs/", {"division": FUTIAN})
    body = page.content.decode()
    assert page.status_code == 200 and "香蜜湖街道妇女联合会" in body and "南山某妇联" not in body
    assert "香蜜湖街道" in body  # a child division to browse into


# --- functional areas: 大鹏新区 run as a district, its streets' codes kept under 龙岗 -------------------------

LONGGANG, DAPENG, KUICHONG, PINGHU = "440307", "440399", "440307009", "440307003"


@pytest.mark.django_db
def test_dapeng_is_a_district_level_area_holding_its_three_streets_with_their_codes():
    area = Division.objects.get(code=DAPENG)
    assert (area.name, area.level, area.parent_id) == ("大鹏新区", Level.DISTRICT, CITY)
    streets = list(division_children(area).values_list("code", "name"))
    assert streets == [("440307009", "葵涌街道"), ("440307010", "大鹏街道"), ("440307011", "南澳街道")]
    # 龙岗 counts the 11 streets its federation reports ("全区11个街道")
    assert division_children(Division.objects.get(code=LONGGANG)).count() == 11
    community = community_of(KUICHONG)
    assert [d.code for d in division_ancestors(Division.objects.get(code=community))] == [
        CITY,
        DAPENG,
        KUICHONG,
        community,
    ]


@pytest.mark.django_db
def test_moved_units_match_the_loaded_tree():
    from jiayuan.divisions.models import MOVED_UNITS

    moved = {
        code: parent
        for code, parent in Division.objects.exclude(level=Level.CITY).values_list("code", "parent_id")
        if parent and parent != (code[:9] if len(code) == 12 else code[:6] if len(code) == 9 else code[:4] + "00")
    }
    assert moved == MOVED_UNITS


@pytest.mark.django_db
def test_scope_follows_the_tree_not_the_code():
    from jiayuan.divisions.models import ancestor_codes, in_subtree

    longgang = Division.objects.get(code=LONGGANG)
    dapeng = Division.objects.get(code=DAPENG)
    kuichong_community, pinghu_community = community_of(KUICHONG), community_of(PINGHU)
    in_longgang = set(Division.objects.filter(longgang.subtree_q("code")).values_list("code", flat=True))
    in_dapeng = set(Division.objects.filter(dapeng.subtree_q("code")).values_list("code", flat=True))
    assert pinghu_community in in_longgang and kuichong_community not in in_longgang
    assert kuichong_community in in_dapeng and pinghu_community not in in_dapeng
    assert in_dapeng == {DAPENG} | {c for c in in_dapeng if c[:9] in {"440307009", "440307010", "440307011"}}
    assert len(in_longgang & in_dapeng) == 0
    # the whole city still holds both
    in_city = set(Division.objects.filter(subtree_q("4403", "code")).values_list("code", flat=True))
    assert in_longgang | in_dapeng <= in_city
    # the Python check agrees with the query, row by row
    for code in Division.objects.filter(subtree_q("4403", "code")).values_list("code", flat=True):
        assert in_subtree(code, longgang.prefix) == (code in in_longgang), code
        assert in_subtree(code, dapeng.prefix) == (code in in_dapeng), code
    assert ancestor_codes(kuichong_community) == [KUICHONG, DAPENG, CITY]


@pytest.mark.django_db
def test_a_longgang_leader_sees_longgangs_people_and_dapengs_sees_dapengs():
    from jiayuan.access.roles import Role
    from jiayuan.core.errors import ValidationFailed
    from jiayuan.people.selectors import person_list
    from tests.factories import actor_of, make_person, make_user

    pinghu_person = make_person(community_of(PINGHU), name="平湖居民")
    kuichong_person = make_person(community_of(KUICHONG), name="葵涌居民")
    longgang = actor_of(make_user(Role.DISTRICT_RIGHTS, LONGGANG))
    dapeng = actor_of(make_user(Role.DISTRICT_RIGHTS, DAPENG))
    seen_longgang = set(person_list(actor=longgang).values_list("pk", flat=True))
    seen_dapeng = set(person_list(actor=dapeng).values_list("pk", flat=True))
    assert pinghu_person.pk in seen_longgang and kuichong_person.pk not in seen_longgang
    assert kuichong_person.pk in seen_dapeng and pinghu_person.pk not in seen_dapeng
    # writes follow the same scope: 龙岗 cannot register someone in 葵涌, 大鹏 can
    with pytest.raises(ValidationFailed) as refused:
        make_person(community_of(KUICHONG), name="越界登记", actor=longgang)
    assert refused.value.errors["division_code"] == "所选社区不在您的管辖范围内。"
    assert make_person(community_of(KUICHONG), name="本区登记", actor=dapeng).division_id.startswith(KUICHONG)
