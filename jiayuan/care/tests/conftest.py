import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from tests.factories import (
    FUTIAN,
    MEILIN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_user,
)


@pytest.fixture
def place(db):
    from jiayuan.care.services import care_dictionaries_ensure

    care_dictionaries_ensure()
    home = community_of(XIANGMIHU, 0)
    sibling = community_of(XIANGMIHU, 1)
    far = community_of(MEILIN, 0)
    users = {
        "community": make_user(Role.COMMUNITY_WORKER, home),
        "community2": make_user(Role.COMMUNITY_WORKER, home),  # the community's approver (not the requester)
        "sibling": make_user(Role.COMMUNITY_WORKER, sibling),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "other_street": make_user(Role.STREET_STAFF, MEILIN),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "city": make_user(Role.LEADER, "440300"),
        "volunteer": make_user(Role.VOLUNTEER, home),
    }

    class Place:
        pass

    p = Place()
    p.home, p.sibling, p.far = home, sibling, far
    p.users = users
    p.actors = {k: actor_of(u) for k, u in users.items()}
    p.today = timezone.localdate()
    return p


def child_birth(years: int = 10) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=1)
