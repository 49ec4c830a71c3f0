import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from tests.factories import FUTIAN, MEILIN, NANSHAN, XIANGMIHU, actor_of, community_of, make_user


class Place:
    pass


@pytest.fixture
def place(db):
    from jiayuan.honours.services import honour_kinds_ensure

    honour_kinds_ensure()
    p = Place()
    p.home = community_of(XIANGMIHU, 0)
    p.far = community_of(MEILIN, 0)
    p.users = {
        "community": make_user(Role.COMMUNITY_WORKER, p.home),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "street2": make_user(Role.STREET_STAFF, XIANGMIHU),
        "other_street": make_user(Role.STREET_STAFF, MEILIN),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "district2": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "nanshan": make_user(Role.DISTRICT_RIGHTS, NANSHAN),
        "city": make_user(Role.LEADER, "440300"),
    }
    p.actors = {k: actor_of(u) for k, u in p.users.items()}
    p.today = timezone.localdate()
    return p
