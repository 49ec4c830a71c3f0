"""The demo carries one case walked end to end: parties (one corrected), a police referral that shares (an item
taken back), an accepted escalation and a follow-up task for the community worker, who still reads the case;
loading twice adds nothing."""

from __future__ import annotations

import pytest

from jiayuan.access import policy
from jiayuan.access.roles import Role
from jiayuan.cases import demo
from jiayuan.cases.models import Case, CaseTask, MoveKind
from jiayuan.orgs.models import AgencyKind
from tests.factories import XIANGMIHU, actor_of, community_of, make_agency, make_user


@pytest.mark.django_db
def test_demo_journey_case():
    police = make_agency("深圳市公安局福田分局", AgencyKind.POLICE)
    shequ = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0), username="shequ")
    make_user(Role.STREET_STAFF, XIANGMIHU, username="jiedao")
    assert demo._journey() == 1 and demo._journey() == 0
    case = Case.objects.get(source="演示个案：上报与跟进")
    assert case.division_id == XIANGMIHU and case.is_high_risk
    assert set(case.parties.values_list("role", flat=True)) == {"seeker", "respondent", "child"}
    referral = case.moves.get(kind=MoveKind.REFER)
    assert referral.to_agency == police and "phone" in referral.shares and "address" not in referral.shares
    assert case.parties.get(role="respondent").relation == "丈夫（已分居）"
    titles = list(case.events.values_list("title", flat=True))
    assert any(t.startswith("更正当事人") for t in titles) and any("取消 住址" in t for t in titles)
    task = CaseTask.objects.get(case=case)
    assert task.assignee == shequ and task.status == "open"
    assert policy.allows(actor_of(shequ), "cases.view", case)
    assert not policy.allows(actor_of(shequ), "cases.handle", case)
