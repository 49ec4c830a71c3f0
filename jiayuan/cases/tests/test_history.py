"""The timeline is append-only: no edits, no deletes; corrections are new entries pointing back."""

from __future__ import annotations

import pytest

from jiayuan.cases import selectors, services
from jiayuan.cases.models import AppendOnlyError, CaseAction, CaseEvent, RiskAssessment
from tests.factories import actor_of

from .conftest import ALL_NO, new_case


@pytest.mark.django_db
def test_history_cannot_be_edited_or_deleted(world):
    case = new_case(world)
    services.risk_assess(actor=actor_of(world.worker), case=case, answers=ALL_NO)
    event = CaseEvent.objects.filter(case=case).first()
    event.title = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=case).update(title="改写")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=case).delete()
    with pytest.raises(AppendOnlyError):
        RiskAssessment.objects.filter(case=case).delete()
    with pytest.raises(AppendOnlyError):
        CaseAction.objects.all().update(note="x")
    assert CaseEvent.objects.get(pk=event.pk).title != "改写"


@pytest.mark.django_db
def test_corrections_point_at_what_they_correct(world, client):
    case = new_case(world)
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker)
    services.case_action_add(actor=actor_of(world.worker), case=case, kind="contact", note="周二联系")
    wrong = CaseEvent.objects.filter(case=case).order_by("-id").first()
    client.force_login(world.worker)
    client.post(f"/cases/{case.pk}/correct/{wrong.pk}/", {"note": "应为周三联系"})
    timeline = selectors.case_timeline(actor=actor_of(world.worker), case=case)
    fix = timeline[-1]
    assert fix.corrects_id == wrong.pk and fix.note == "应为周三联系"
    original = next(e for e in timeline if e.id == wrong.pk)
    assert original.note == "周二联系" and original.corrected_by == [fix.id]
