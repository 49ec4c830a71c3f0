import pytest

from jiayuan.access.roles import Role
from tests.factories import XIANGMIHU, community_of, make_person, make_user


@pytest.mark.django_db
def test_worker_sees_own_community_and_not_another(client):
    home = community_of(XIANGMIHU, 0)
    other = community_of(XIANGMIHU, 1)
    worker = make_user(Role.COMMUNITY_WORKER, home)
    mine = make_person(home, name="张小红")
    theirs = make_person(other, name="李小兰")
    client.force_login(worker)
    assert client.get(f"/people/{mine.pk}/").status_code == 200
    assert client.get(f"/people/{theirs.pk}/").status_code == 404
