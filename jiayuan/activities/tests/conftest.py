import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from jiayuan.activities import services
from jiayuan.volunteers import services as volunteer_services
from tests.factories import FUTIAN, MEILIN, XIANGMIHU, actor_of, community_of, make_person, make_user, system_actor


class Scene:
    pass


@pytest.fixture
def scene(db):
    s = Scene()
    s.home, s.sibling, s.far = community_of(XIANGMIHU, 0), community_of(XIANGMIHU, 1), community_of(MEILIN, 0)
    s.users = {
        "community": make_user(Role.COMMUNITY_WORKER, s.home),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "other_street": make_user(Role.STREET_STAFF, MEILIN),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "leader": make_user(Role.LEADER, FUTIAN),
        "volunteer": make_user(Role.VOLUNTEER, s.home),
    }
    s.actors = {key: actor_of(user) for key, user in s.users.items()}
    s.now = timezone.now().replace(microsecond=0)
    # The signed-in volunteer's own record, linked to her account.
    s.me = volunteer_services.volunteer_register(
        actor=system_actor(), person=make_person(s.home, name="李志愿"), consent=True, user=s.users["volunteer"]
    )
    return s


def make_activity(
    code: str,
    *,
    title: str = "家庭教育讲座",
    type: str = "family_lecture",
    start: dt.datetime | None = None,
    hours: int = 2,
    sessions: int = 1,
    capacity: int | None = None,
    records_names: bool = True,
    publish: bool = True,
    actor=system_actor(),
    audience: str = "families",
    project_id=None,
    online: bool = False,
):
    start = start or timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    return services.activity_create(
        actor=actor,
        data=services.ActivityInput(
            title=title,
            type=type,
            division_code=code,
            address="" if online else "社区党群服务中心",
            online=online,
            online_channel="视频号直播" if online else "",
            capacity=capacity,
            records_names=records_names,
            audience=audience,
            project_id=project_id,
            sessions=[
                (start + dt.timedelta(days=7 * i), start + dt.timedelta(days=7 * i, hours=hours))
                for i in range(sessions)
            ],
        ),
        publish=publish,
    )
