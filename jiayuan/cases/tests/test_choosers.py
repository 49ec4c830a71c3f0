"""The referral chooser: agencies grouped by kind with the police first (a referral went to 民政 by mistake)."""

from __future__ import annotations

import re

import pytest

from jiayuan.orgs.models import AgencyKind
from tests.factories import make_agency

from .conftest import new_case


@pytest.mark.django_db
def test_agencies_are_grouped_by_kind_with_the_police_first(world, client):
    make_agency("福田区民政局（测试）", AgencyKind.CIVIL_AFFAIRS)
    make_agency("福田区教育局（测试）", AgencyKind.EDUCATION)
    case = new_case(world, by=world.street)
    client.force_login(world.street)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    select = html.split('<select id="m-agency"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    order = [str(label) for value, label in AgencyKind.choices]
    assert groups[0] == AgencyKind.POLICE.label
    assert groups == sorted(groups, key=order.index)
    first = re.search(r'<option value="(\d+)"[^>]*>([^<]+)</option>', select)
    assert first and first.group(2) == world.police.name
