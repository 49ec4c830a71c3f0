"""Case updates over the API: handling steps, assessments and workflow steps — scoped, versioned, in Chinese."""

from __future__ import annotations

import pytest

from jiayuan.accounts.models import ApiToken
from jiayuan.cases import services
from jiayuan.cases.models import CaseAction, CaseEvent, RiskAssessment, Status
from tests.factories import actor_of

from .conftest import ALL_NO, new_case


def _auth(user) -> dict:
    _, raw = ApiToken.issue(user, days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


@pytest.mark.django_db
def test_a_handler_records_steps_and_moves_the_case_to_closure(world, client):
    case = new_case(world)
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker)
    auth = _auth(world.worker)
    version = client.get(f"/api/cases/{case.pk}", **auth).json()["version"]

    started = _post(client, f"/api/cases/{case.pk}/transitions", {"name": "start", "version": version}, auth)
    assert started.status_code == 200, started.content
    assert started.json()["status"] == Status.IN_PROGRESS and started.json()["version"] > version

    contact = _post(
        client,
        f"/api/cases/{case.pk}/actions",
        {"kind": "contact", "note": "电话联系当事人，约定周三来访", "version": started.json()["version"]},
        auth,
    )
    assert contact.status_code == 201, contact.content
    body = contact.json()
    action = CaseAction.objects.get(pk=body["id"])
    assert action.case_id == case.pk and action.note == "电话联系当事人，约定周三来访"
    assert action.actor == world.worker
    assert CaseEvent.objects.filter(case=case, data__action=action.pk).count() == 1
    case.refresh_from_db()
    assert body["case_version"] == case.version and case.first_contact_at is not None

    mediation = _post(
        client,
        f"/api/cases/{case.pk}/actions",
        {"kind": "mediation", "success": True, "data": {"participants": "双方当事人、社区调解员"}},
        auth,
    )
    assert mediation.status_code == 201, mediation.content
    follow = _post(client, f"/api/cases/{case.pk}/transitions", {"name": "follow_up"}, auth)
    assert follow.json()["status"] == Status.FOLLOW_UP
    closed = _post(
        client, f"/api/cases/{case.pk}/transitions", {"name": "close", "outcome": "resolved", "note": "调解成功"}, auth
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == Status.CLOSED
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == "resolved"


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_is_written(world, client):
    case = new_case(world)
    auth = _auth(world.worker)
    read = client.get(f"/api/cases/{case.pk}", **auth).json()["version"]
    # Someone else records a step after we read the case.
    services.case_action_add(actor=actor_of(world.street), case=case, kind="contact", note="街道已联系")
    actions, events = CaseAction.objects.count(), CaseEvent.objects.count()

    stale = _post(client, f"/api/cases/{case.pk}/actions", {"kind": "note", "note": "我的记录", "version": read}, auth)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    stale_assess = _post(client, f"/api/cases/{case.pk}/assessments", {"answers": ALL_NO, "version": read}, auth)
    assert stale_assess.status_code == 409
    stale_step = _post(client, f"/api/cases/{case.pk}/transitions", {"name": "start", "version": read}, auth)
    assert stale_step.status_code == 409
    assert (CaseAction.objects.count(), CaseEvent.objects.count()) == (actions, events)
    assert not RiskAssessment.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_assessment_over_the_api_raises_the_level_and_keeps_the_earlier_one(world, client):
    case = new_case(world, categories=["domestic_violence"])
    auth = _auth(world.operator)
    low = _post(client, f"/api/cases/{case.pk}/assessments", {"answers": ALL_NO}, auth)
    assert low.status_code == 201, low.content
    assert low.json()["case_status"] == Status.ASSESSED
    high = _post(
        client,
        f"/api/cases/{case.pk}/assessments",
        {"answers": {**ALL_NO, "strangulation": "yes", "threat_to_kill": "yes"}},
        auth,
    )
    assert high.status_code == 201
    body = high.json()
    assert set(body["red_flags"]) >= {"strangulation", "threat_to_kill"}
    assert body["level"] in ("high", "extreme")
    case.refresh_from_db()
    assert case.risk_level == body["level"]
    assert RiskAssessment.objects.filter(case=case).count() == 2
    bad = _post(client, f"/api/cases/{case.pk}/assessments", {"answers": {"weapon": "maybe"}}, auth)
    assert bad.status_code == 400 and "回答只能是" in bad.json()["detail"]


@pytest.mark.django_db
def test_updates_are_scoped_and_refusals_are_chinese(world, client):
    case = new_case(world)
    elsewhere = new_case(world, division=world.c3)
    worker = _auth(world.worker)  # community 1
    for url, body in (
        (f"/api/cases/{elsewhere.pk}/actions", {"kind": "note", "note": "越权记录"}),
        (f"/api/cases/{elsewhere.pk}/assessments", {"answers": ALL_NO}),
        (f"/api/cases/{elsewhere.pk}/transitions", {"name": "start"}),
        ("/api/cases/999999999/actions", {"kind": "note", "note": "不存在"}),
    ):
        assert _post(client, url, body, worker).status_code == 404, url
    # The hotline operator may assess but not handle; the mediator reaches only cases granted to them.
    operator = _auth(world.operator)
    assert (
        _post(client, f"/api/cases/{case.pk}/actions", {"kind": "note", "note": "接线员记录"}, operator).status_code
        == 404
    )
    mediator = _auth(world.mediator)
    assert (
        _post(client, f"/api/cases/{case.pk}/actions", {"kind": "note", "note": "调解员"}, mediator).status_code == 404
    )
    assert not CaseAction.objects.filter(case__in=[case, elsewhere]).exists()

    # A step the workflow does not allow now is a conflict (409); an unknown kind or a missing note is 400; the
    # reason is given in Chinese either way.
    wrong_step = _post(client, f"/api/cases/{case.pk}/transitions", {"name": "close", "outcome": "resolved"}, worker)
    assert wrong_step.status_code == 409 and "不能结案" in wrong_step.json()["detail"]
    assert (
        _post(client, f"/api/cases/{case.pk}/transitions", {"name": "close_approved"}, worker).json()["detail"]
        == "没有这个办理步骤。"
    )
    assert "处置类型" in _post(client, f"/api/cases/{case.pk}/actions", {"kind": "magic"}, worker).json()["detail"]
    assert "请填写" in _post(client, f"/api/cases/{case.pk}/actions", {"kind": "note"}, worker).json()["detail"]
    not_yet = _post(
        client,
        f"/api/cases/{case.pk}/actions",
        {"kind": "mediation", "success": True, "data": {"participants": "双方"}},
        worker,
    )
    assert not_yet.status_code == 409 and "尚未评估" in not_yet.json()["detail"]
    assert not CaseAction.objects.filter(case=case).exists()
