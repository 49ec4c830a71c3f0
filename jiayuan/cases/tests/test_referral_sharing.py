"""A referral with consent shares what it names with the agency: the survivor's name, a safe contact phone, the
account, the address; the referring worker chooses (defaults per agency kind); each reveal by the agency is in the
access log; revoking takes it away. The inbox links to the case and names who referred it; after 接收 the officer
lands where she can answer."""

from __future__ import annotations

import pytest

from jiayuan.audit.models import AccessLog, Action
from jiayuan.cases import rules, services
from jiayuan.cases.models import CaseMove, MoveKind
from jiayuan.core.errors import ValidationFailed
from tests.factories import actor_of, make_person

from .conftest import new_case

ACCOUNT = "丈夫扬言要杀了我，昨晚掐我脖子。"


def _case(world):
    person = make_person(world.c1, name="王秀兰", phone="13912345678", address="竹林路 8 号 3 栋 201", id_number=None)
    return new_case(world, person=person, consent=True, account=ACCOUNT, by=world.worker), person


def _refer(world, case, **kwargs):
    return services.case_move_create(
        actor=actor_of(world.worker),
        case=case,
        kind=MoveKind.REFER,
        reason="legal_action",
        to_agency=world.police,
        note="威胁杀害，请出警并出具告诫书",
        **kwargs,
    )


@pytest.mark.django_db
def test_police_see_the_name_phone_and_account_each_reveal_logged(world, client):
    case, person = _case(world)
    move = _refer(world, case)
    assert move.shares == rules.referral_share_defaults("police")
    client.force_login(world.police_user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    # the page names what is shared and who referred it; the name is not a link into the registry (a 404 there)
    assert "查看共享信息" in page and "社工甲" in page and "安全联系电话" in page
    assert "王秀兰" not in page and f"/people/{person.pk}/" not in page
    before = AccessLog.objects.filter(user=world.police_user, action=Action.REVEAL).count()
    shown = client.post(f"/cases/moves/{move.pk}/shared/")
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "王秀兰" in text and "13912345678" in text and ACCOUNT in text and "竹林路 8 号" in text
    log = AccessLog.objects.filter(user=world.police_user, action=Action.REVEAL).order_by("-id")
    assert log.count() == before + 1
    row = log.first()
    assert row.object_id == str(case.pk) and row.detail["referral"] == move.pk
    assert set(row.detail["fields"]) == set(move.shares) and "sensitive" in row.field_classes
    # another agency, and a worker of another community: 404, the same as a missing referral
    client.force_login(world.court_user)
    assert client.post(f"/cases/moves/{move.pk}/shared/").status_code == 404
    client.force_login(world.worker3)
    assert client.post(f"/cases/moves/{move.pk}/shared/").status_code == 404


@pytest.mark.django_db
def test_the_worker_chooses_what_is_shared_and_a_safe_phone(world, client):
    case, _ = _case(world)
    move = _refer(world, case, shares=["name"], share_phone="0755-8888 1234")
    assert move.shares == ["name", "phone"] and move.share_phone == "0755-88881234"
    client.force_login(world.police_user)
    text = client.post(f"/cases/moves/{move.pk}/shared/").content.decode()
    assert "王秀兰" in text and "0755-88881234" in text
    assert "13912345678" not in text and ACCOUNT not in text
    # the form: the agency kind's defaults come with each option, ticked by the page's script
    client.force_login(world.worker)
    form = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'data-shares="{" ".join(rules.referral_share_defaults("police"))}"' in form
    # a wrong phone is refused, nothing is created
    count = CaseMove.objects.count()
    with pytest.raises(ValidationFailed):
        _refer(world, case, share_phone="138001")
    assert CaseMove.objects.count() == count


@pytest.mark.django_db
def test_sharing_nothing_is_a_choice_too(world, client):
    case, _ = _case(world)
    client.force_login(world.worker)
    client.post(
        f"/cases/{case.pk}/move/",
        {"kind": "refer", "reason": "legal_action", "to_agency": world.police.pk, "shares_form": "1"},
    )
    move = CaseMove.objects.get(case=case)
    assert move.shares == []
    client.force_login(world.police_user)
    assert "转介人未共享当事人信息" in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/moves/{move.pk}/shared/").status_code == 404


@pytest.mark.django_db
def test_revoking_takes_the_shared_information_away(world, client):
    case, _ = _case(world)
    move = _refer(world, case)
    client.force_login(world.police_user)
    assert client.post(f"/cases/moves/{move.pk}/shared/").status_code == 200
    services.case_move_revoke(actor=actor_of(world.worker), move=move, reason="当事人撤回同意")
    assert client.post(f"/cases/moves/{move.pk}/shared/").status_code == 404
    assert client.get(f"/cases/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_inbox_links_to_the_case_and_after_accepting_she_lands_where_she_answers(world, client):
    case, _ = _case(world)
    move = _refer(world, case)
    client.force_login(world.police_user)
    inbox = client.get("/cases/inbox/").content.decode()
    assert f'href="/cases/{case.pk}/#referral-h"' in inbox and "社工甲" in inbox
    response = client.post(f"/cases/moves/{move.pk}/answer/", {"accept": "1", "note": "已受理"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/#referral-h"
    page = client.get(response["Location"]).content.decode()
    assert f'action="/cases/moves/{move.pk}/reply/"' in page and "反馈处理结果" in page
    response = client.post(f"/cases/moves/{move.pk}/reply/", {"answer": "已出具家庭暴力告诫书", "back": "case"})
    assert response["Location"] == f"/cases/{case.pk}/#referral-h"
    move.refresh_from_db()
    assert "已出具家庭暴力告诫书" in move.answer_note
