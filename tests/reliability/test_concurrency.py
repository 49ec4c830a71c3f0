"""Concurrent edits of one record are refused, not lost (optimistic versions, row lock while comparing)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from jiayuan.access.roles import Role
from jiayuan.core.errors import StaleEditError
from jiayuan.people.models import Person
from jiayuan.people.services import PersonInput, person_update
from tests.factories import XIANGMIHU, actor_of, community_of, make_person, make_user, system_actor

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _edit(person: Person, name: str, version: int):
    data = PersonInput(
        name=name,
        division_code=person.division_id,
        id_type=person.id_type,
        id_number=person.id_number,
        gender=person.gender,
        birth_date=person.birth_date,
    )
    return person_update(actor=system_actor(), person=person, expected_version=version, data=data)


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_the_first_one_kept():
    person = make_person(community_of(XIANGMIHU, 0), name="原名")
    first, second = Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)
    _edit(first, "甲的修改", first.version)
    with pytest.raises(StaleEditError):
        _edit(second, "乙的修改", second.version)
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.name == "甲的修改" and fresh.version == person.version + 1
    assert Person.history.filter(id=person.pk).count() == 2  # created + one edit, the refused one left no trace


@pytest.mark.django_db
def test_a_stale_edit_through_the_page_answers_409_and_keeps_the_form(client):
    home = community_of(XIANGMIHU, 0)
    worker = make_user(Role.COMMUNITY_WORKER, home)
    person = make_person(home, name="原名")
    _edit(Person.objects.get(pk=person.pk), "甲的修改", person.version)
    client.force_login(worker)
    response = client.post(
        f"/people/{person.pk}/edit/",
        {"name": "乙的修改", "division": home, "id_type": "none", "gender": "F", "version": person.version},
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Person.objects.get(pk=person.pk).name == "甲的修改"
    assert actor_of(worker).has_perm("people.edit")


@pytest.mark.skipif(
    ON_SQLITE,
    reason="needs separate connections writing at once: SQLite's test database "
    "serialises writers with one file lock; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_one_wins_one_is_refused():
    person = make_person(community_of(XIANGMIHU, 0), name="原名")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def clerk(name: str) -> None:
        try:
            mine = Person.objects.get(pk=person.pk)  # both read the same version
            barrier.wait(timeout=10)
            _edit(mine, name, mine.version)
            outcomes[name] = "saved"
        except StaleEditError:
            outcomes[name] = "refused"
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes[name] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(name,)) for name in ("甲的修改", "乙的修改")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.name == winner and fresh.version == person.version + 1


@pytest.mark.skipif(ON_SQLITE, reason="needs separate connections writing at once; CI runs this on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_an_activitys_places():
    import datetime as dt

    from django.utils import timezone

    from jiayuan.activities import services as activity_services
    from jiayuan.activities.models import Activity, SignUp

    home = community_of(XIANGMIHU, 0)
    start = timezone.now() + dt.timedelta(days=1)
    activity = activity_services.activity_create(
        actor=system_actor(),
        data=activity_services.ActivityInput(
            title="并发报名讲座",
            type="family_lecture",
            division_code=home,
            address="社区党群服务中心",
            capacity=3,
            sessions=[(start, start + dt.timedelta(hours=2))],
        ),
        publish=True,
    )
    people = [make_person(home, name=f"并发{i}") for i in range(8)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def sign_up(person) -> None:
        try:
            barrier.wait(timeout=20)
            signup = activity_services.signup_create(
                actor=system_actor(), activity=activity, person=person, waitlist=False
            )
            outcomes.append(signup.status)
        except Exception as exc:  # noqa: BLE001 - counted below
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["WorkflowError"] * 5 + ["confirmed"] * 3
    assert Activity.objects.get(pk=activity.pk).taken == 3
    assert SignUp.objects.filter(activity=activity).count() == 3
