"""The risk instrument: scoring as data, red flags, overrides with reasons, the high-risk alert and deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from jiayuan.cases import rules, selectors, services
from jiayuan.cases.models import CaseEvent, EventKind
from jiayuan.core.errors import ValidationFailed
from jiayuan.notifications.models import Notification
from tests.factories import actor_of

from .conftest import ALL_NO, new_case


def test_scoring_bands_red_flags_and_unknowns():
    assert rules.score_answers(ALL_NO).level == "low"
    medium = rules.score_answers(
        {**ALL_NO, "escalation": "yes", "separation": "yes", "control": "yes", "stalking": "yes"}
    )
    assert (medium.score, medium.level) == (5, "medium")
    one_flag = rules.score_answers({**ALL_NO, "strangulation": "yes"})
    assert one_flag.score == 3 and one_flag.level == "high" and one_flag.red_flags == ["strangulation"]
    two_flags = rules.score_answers({**ALL_NO, "strangulation": "yes", "weapon": "yes"})
    assert two_flags.level == "extreme"
    unknown = rules.score_answers({})
    assert unknown.score == 0 and unknown.unknown_count == 15 and unknown.many_unknowns
    assert len(rules.instrument()["items"]) == 15


@pytest.mark.django_db
def test_high_risk_assessment_raises_alert_and_deadlines(world):
    case = new_case(world, categories=["domestic_violence"])
    regular_due = case.first_contact_due
    assert regular_due - case.received_at > dt.timedelta(hours=24)  # three working days
    before = Notification.objects.filter(user=world.district).count()
    assessment = services.risk_assess(
        actor=actor_of(world.operator), case=case, answers={**ALL_NO, "threat_to_kill": "yes", "victim_fear": "yes"}
    )
    case.refresh_from_db()
    assert assessment.level == "high" and case.risk_level == "high"
    assert Notification.objects.filter(user=world.district).count() == before + 1
    assert abs((case.first_contact_due - assessment.at) - dt.timedelta(hours=24)) < dt.timedelta(seconds=5)
    assert abs((case.review_due - assessment.at) - dt.timedelta(hours=72)) < dt.timedelta(seconds=5)
    assert case in selectors.high_risk_board(actor=actor_of(world.street))
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ALERT).count() == 1
    # reassessing at the same level does not alert again; every assessment is kept
    services.risk_assess(actor=actor_of(world.operator), case=case, answers={**ALL_NO, "threat_to_kill": "yes"})
    assert Notification.objects.filter(user=world.district).count() == before + 1
    assert case.assessments.count() == 2


@pytest.mark.django_db
def test_override_needs_a_reason(world):
    case = new_case(world, categories=["domestic_violence"])
    with pytest.raises(ValidationFailed):
        services.risk_assess(actor=actor_of(world.worker), case=case, answers=ALL_NO, override_level="high")
    a = services.risk_assess(
        actor=actor_of(world.worker),
        case=case,
        answers=ALL_NO,
        override_level="high",
        override_reason="当事人极度恐惧，对方刚刚出狱",
    )
    assert a.computed_level == "low" and a.level == "high"
    with pytest.raises(ValidationFailed):
        services.risk_assess(actor=actor_of(world.worker), case=case, answers={"weapon": "maybe"})
