"""Pages: they render, hot pages keep a fixed number of queries, the case book is masked and logged."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from jiayuan.audit.models import AccessLog
from jiayuan.cases import services
from jiayuan.cases.models import MoveKind
from tests.factories import actor_of

from .conftest import ALL_NO, new_case


def _busy_case(world, notes: int):
    case = new_case(world, categories=["domestic_violence", "custody_support"], consent=True)
    district = actor_of(world.district)
    services.risk_assess(actor=district, case=case, answers=ALL_NO)
    services.case_assign(actor=district, case=case, to_user=world.worker)
    services.case_team_add(actor=district, case=case, user=world.mediator, role="mediator")
    services.case_move_create(
        actor=district, case=case, kind=MoveKind.REFER, reason="legal_action", to_agency=world.police
    )
    for i in range(notes):
        services.case_action_add(actor=actor_of(world.worker), case=case, kind="note", note=f"记录 {i}")
    return case


@pytest.mark.django_db
def test_case_page_queries_do_not_grow_with_the_timeline(world, client, django_assert_max_num_queries):
    small, big = _busy_case(world, 2), _busy_case(world, 25)
    client.force_login(world.street)
    client.get(f"/cases/{small.pk}/")  # warm caches (content types, session)
    counts = []
    for case in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(45):
        client.get(f"/cases/{big.pk}/")


@pytest.mark.django_db
def test_case_list_queries_do_not_grow_with_the_page(world, client, django_assert_max_num_queries):
    client.force_login(world.street)
    new_case(world)
    client.get("/cases/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/?status=open&category=marriage_family")
    few = len(ctx.captured_queries)
    for _ in range(12):
        new_case(world, division=world.c2)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/cases/?status=open&category=marriage_family")
    assert page.status_code == 200 and "共 13 件" in page.content.decode()
    assert len(ctx.captured_queries) == few
    with django_assert_max_num_queries(20):
        client.get("/cases/high-risk/")


@pytest.mark.django_db
def test_pages_render(world, client):
    case = _busy_case(world, 1)
    client.force_login(world.street)
    for url in [
        "/cases/",
        "/cases/high-risk/",
        "/cases/board/",
        "/cases/intake/",
        "/cases/inbox/",
        "/reports/cases/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/assess/",
        "/",
        f"/people/{case.parties.get().person_id}/",
        f"/cases/person/{case.parties.get().person_id}/",
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(world.police_user)
    assert case.number in client.get("/cases/inbox/").content.decode()
    assert client.get("/cases/intake/").status_code == 404


@pytest.mark.django_db
def test_case_book_is_masked_unless_revealable_and_logged(world, client):
    case = new_case(world, categories=["sexual_assault"], account="详细陈述内容ABC")
    services.case_assign(actor=actor_of(world.street), case=case, to_user=world.worker2)
    client.force_login(world.street)
    response = client.get(f"/cases/{case.pk}/book.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert case.number in text and "详细陈述内容ABC" in text
    log = AccessLog.objects.filter(action="export", object_id=str(case.pk)).first()
    assert log is not None and log.detail["masked"] is False
    client.force_login(world.worker)  # the community, not on the case: masked
    text = "\n".join(p.text for p in Document(io.BytesIO(client.get(f"/cases/{case.pk}/book.docx").content)).paragraphs)
    assert "详细陈述内容ABC" not in text and "已隐藏" in text


@pytest.mark.django_db
def test_handling_through_the_pages(world, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = new_case(world)
    client.force_login(world.street)
    client.post(f"/cases/{case.pk}/assess/", {f"q_{k}": "no" for k in ALL_NO})
    client.post(f"/cases/{case.pk}/assign/", {"to_user": world.worker.pk, "reason": "workload"})
    client.force_login(world.worker)
    assert "开始办理" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/cases/{case.pk}/transition/", {"name": "start"})
    client.post(
        f"/cases/{case.pk}/action/", {"kind": "mediation", "participants": "双方", "success": "1", "note": "达成协议"}
    )
    good = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    client.post(f"/cases/{case.pk}/attach/", {"file": good})
    response = client.post(f"/cases/{case.pk}/attach/", {"file": bad}, follow=True)
    assert "不符" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "in_progress" and case.attachments.count() == 1
    assert case.actions.filter(kind="mediation", success=True).exists()
    attachment = case.attachments.get()
    assert client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 200
    response = client.post(f"/cases/{case.pk}/transition/", {"name": "reopen", "note": "x"}, follow=True)
    assert "不能" in response.content.decode() or response.status_code == 404
