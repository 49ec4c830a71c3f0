"""The imports tests' scene: a street worker of 香蜜湖 and two communities, one of them in another street."""

from __future__ import annotations

import pytest

from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division
from tests.factories import MEILIN, XIANGMIHU, community_of, make_user


@pytest.fixture
def scene(db):
    community = community_of(XIANGMIHU, 0)
    other_street_community = community_of(MEILIN, 0)
    worker = make_user("street_staff", XIANGMIHU)
    return {
        "community": community,
        "other": other_street_community,
        "worker": worker,
        "actor": Actor.for_user(worker),
        "community_name": Division.objects.get(code=community).name,
    }
