"""Shared fixtures for the cases tests: a small Futian world with one user per kind of access."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jiayuan.access.roles import Role
from jiayuan.cases import workdays
from jiayuan.orgs.models import AgencyKind
from tests.factories import (
    FUTIAN,
    MEILIN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_agency,
    make_person,
    make_user,
)


@dataclass
class World:
    c1: str
    c2: str
    c3: str
    operator: object
    worker: object
    worker2: object
    worker3: object
    street: object
    district: object
    mediator: object
    police: object
    court: object
    police_user: object
    court_user: object

    def actor(self, user):
        return actor_of(user)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache(request):
    workdays.clear_cache()
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        _ensure_calendar()
    yield
    workdays.clear_cache()


def _ensure_calendar() -> None:
    """The calendar is seeded by a data migration; a transactional test elsewhere may have flushed it."""
    from jiayuan.cases.models import CalendarDay

    if not CalendarDay.objects.exists():
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=d, is_workday=w, name=n, source="chinesecalendar")
                for d, w, n in workdays.calendar_seed_rows()
            ]
        )


@pytest.fixture
def world(db) -> World:
    c1, c2, c3 = community_of(XIANGMIHU, 0), community_of(XIANGMIHU, 1), community_of(MEILIN, 0)
    police = make_agency("福田公安分局（测试）", AgencyKind.POLICE)
    court = make_agency("福田法院（测试）", AgencyKind.COURT)
    return World(
        c1=c1,
        c2=c2,
        c3=c3,
        operator=make_user(Role.HOTLINE_OPERATOR, FUTIAN, display_name="接线员"),
        worker=make_user(Role.COMMUNITY_WORKER, c1, display_name="社工甲"),
        worker2=make_user(Role.COMMUNITY_WORKER, c2, display_name="社工乙"),
        worker3=make_user(Role.COMMUNITY_WORKER, c3, display_name="社工丙"),
        street=make_user(Role.STREET_STAFF, XIANGMIHU, display_name="街道"),
        district=make_user(Role.DISTRICT_RIGHTS, FUTIAN, display_name="区维权部"),
        mediator=make_user(Role.MEDIATOR, FUTIAN, display_name="调解员"),
        police=police,
        court=court,
        police_user=make_user(Role.AGENCY_USER, None, agency=police, display_name="民警"),
        court_user=make_user(Role.AGENCY_USER, None, agency=court, display_name="法官助理"),
    )


def new_case(
    world: World,
    *,
    by=None,
    division=None,
    categories=("marriage_family",),
    account="丈夫经常争吵。",
    consent=False,
    restricted=False,
    person=None,
    channel="hotline",
    received_at=None,
):
    from jiayuan.cases.services import CaseInput, case_create

    by = by or world.operator
    division = division or world.c1
    person = person if person is not None else make_person(division, id_number=None)
    return case_create(
        actor=actor_of(by),
        data=CaseInput(
            channel=channel,
            division_code=division,
            parties=[(person.pk, "seeker")],
            categories=list(categories),
            account=account,
            consent_to_share=consent,
            restricted=restricted,
            received_at=received_at,
        ),
    )


ALL_NO = {
    "escalation": "no",
    "strangulation": "no",
    "threat_to_kill": "no",
    "weapon": "no",
    "order_violated": "no",
    "separation": "no",
    "control": "no",
    "stalking": "no",
    "pregnancy": "no",
    "children_threatened": "no",
    "substance": "no",
    "unemployed_debt": "no",
    "abuser_suicidal": "no",
    "violence_to_others": "no",
    "victim_fear": "no",
}
