"""People are picked by name with the registry's masked hints, never typed in as record numbers."""

from __future__ import annotations

import re

import pytest

from jiayuan.access.roles import Role
from jiayuan.people.models import PersonRelation
from tests.factories import MEILIN, XIANGMIHU, community_of, make_person, make_user


@pytest.mark.django_db
def test_relative_is_found_by_name_shown_masked_and_linked_by_the_pick(client):
    home = community_of(XIANGMIHU, 0)
    worker = make_user(Role.COMMUNITY_WORKER, home)
    person = make_person(home, name="王秀英")
    husband = make_person(home, name="赵建国", phone="13912345678")
    make_person(community_of(MEILIN, 0), name="赵建华")  # outside her community
    client.force_login(worker)

    detail = client.get(f"/people/{person.pk}/").content.decode()
    assert "档案编号" not in detail and 'hx-get="/people/pick/?target=relative_id"' in detail

    hits = client.get("/people/pick/", {"q": "赵建", "target": "relative_id"}).content.decode()
    assert "赵*国" in hits and "139****5678" in hits
    assert "赵建国" not in hits and "赵*华" not in hits  # masked, and only people in her scope
    assert re.search(rf'data-pick-id="{husband.pk}"\s+data-pick-target="relative_id"', hits)

    response = client.post(f"/people/{person.pk}/relations/", {"relative_id": str(husband.pk), "kind": "spouse"})
    assert response.status_code == 302
    assert PersonRelation.objects.filter(person=person, relative=husband).exists()


@pytest.mark.django_db
def test_community_chooser_is_grouped_by_street_and_searchable(client):
    from jiayuan.divisions.models import Division

    home = community_of(XIANGMIHU, 0)
    client.force_login(make_user(Role.STREET_STAFF, XIANGMIHU))
    html = client.get("/people/new/").content.decode()
    select = html.split('<select id="division"')[1].split("</select>")[0]
    assert 'data-search="搜索社区"' in select
    street = Division.objects.get(code=XIANGMIHU)
    group = select.split(f'<optgroup label="{street.name}">')[1].split("</optgroup>")[0]
    names = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', group)
    expected = list(
        Division.objects.filter(parent_id=XIANGMIHU, special=False).order_by("code").values_list("code", "name")
    )
    assert names == expected and home in dict(names)
