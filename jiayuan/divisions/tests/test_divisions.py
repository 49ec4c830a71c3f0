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

EXPECTED = {Level.CITY: 1, Level.DISTRICT: 9, Level.STREET: 79, Level.COMMUNITY: 787}


@pytest.fixture(autouse=True)
def _tree(request):
    # Browser tests empty the tables of their worker: make sure the tree is there.
    if request.node.get_closest_marker("django_db"):
        ensure_divisions()


def test_csv_has_the_expected_rows():
    with open(DEFAULT_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 876
    assert Counter(r["level"] for r in rows) == EXPECTED


@pytest.mark.django_db
def test_loader_from_empty_counts_match_and_is_idempotent():
    Division.objects.update(parent=None)
    Division.objects.all().delete()
    out = io.StringIO()
    call_command("load_divisions", stdout=out)
    assert "共 876 条，新增 876，更新 0" in out.getvalue()
    assert Division.objects.count() == 876
    assert Counter(Division.objects.values_list("level", flat=True)) == EXPECTED
    snapshot = list(Division.objects.order_by("code").values())
    assert divisions_load() == {"created": 0, "updated": 0, "total": 876}
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
        assert d.code.startswith(d.parent.prefix), d.code
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
    assert Division.objects.filter(subtree_q("4403", "code")).count() == 876
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
