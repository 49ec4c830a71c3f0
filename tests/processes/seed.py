"""Data for the running-product tests, made through the product's own services in the stack's database."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def overdue_referral() -> dict:
    """A case referred to the police two weeks ago that nobody has answered: its answer is overdue."""
    from jiayuan.access.roles import Role
    from jiayuan.cases.models import MoveKind
    from jiayuan.cases.services import CaseInput, case_create, case_move_create
    from jiayuan.orgs.models import AgencyKind
    from tests.factories import XIANGMIHU, actor_of, community_of, make_agency, make_person, make_user

    community = community_of(XIANGMIHU, 0)
    operator = make_user(Role.HOTLINE_OPERATOR, community[:6], display_name="接线员")
    worker = make_user(Role.COMMUNITY_WORKER, community, display_name="社工")
    make_user(Role.STREET_STAFF, XIANGMIHU, display_name="街道妇联")
    police = make_agency("福田公安分局（测试）", AgencyKind.POLICE)
    person = make_person(community, id_number=None)
    case = case_create(
        actor=actor_of(operator),
        data=CaseInput(
            channel="hotline",
            division_code=community,
            parties=[(person.pk, "seeker")],
            categories=["domestic_violence"],
            account="丈夫多次动手。",
            consent_to_share=True,
        ),
    )
    move = case_move_create(
        actor=actor_of(worker),
        case=case,
        kind=MoveKind.REFER,
        reason="legal_action",
        to_agency=police,
        now=timezone.now() - dt.timedelta(days=14),
    )
    move.refresh_from_db()
    assert move.due_at is not None and move.due_at < timezone.now()
    return {"move": move.pk, "case": case.pk}
