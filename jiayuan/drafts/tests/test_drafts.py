"""Typed work is not lost: drafts kept on the server (encrypted), restored on the page, gone once submitted;
forms keep every value on an error; the session can be extended before it ends."""

from __future__ import annotations

import json
import time

import pytest
from django.db import connection

from jiayuan.access.roles import Role
from jiayuan.drafts.models import Draft
from tests.factories import FUTIAN, XIANGMIHU, community_of, make_person, make_user

ACCOUNT = "他昨晚又动手了，说要带走孩子，我现在在朋友家，不敢回去。"


def _save(client, key, fields):
    return client.post("/drafts/save/", json.dumps({"key": key, "fields": fields}), content_type="application/json")


@pytest.mark.django_db
def test_intake_draft_is_kept_encrypted_restored_and_dropped_once_submitted(client):
    operator = make_user(Role.HOTLINE_OPERATOR, FUTIAN)
    client.force_login(operator)
    community = community_of(XIANGMIHU, 0)
    response = _save(client, "/cases/intake/", {"account": ACCOUNT, "name": "陈丽", "division": community})
    assert response.status_code == 200 and response.json()["saved"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM drafts_draft")
        (stored,) = cursor.fetchone()
    assert ACCOUNT not in stored and "陈丽" not in stored  # encrypted like the record

    page = client.get("/cases/intake/").content.decode()
    assert 'name="_draft" value="/cases/intake/"' in page
    saved = page.split('<script id="draft-saved" type="application/json">')[1].split("</script>")[0]
    assert json.loads(saved)["fields"]["account"] == ACCOUNT

    # nobody else sees it
    other = make_user(Role.HOTLINE_OPERATOR, FUTIAN)
    client.force_login(other)
    assert "draft-saved" not in client.get("/cases/intake/").content.decode()

    client.force_login(operator)
    done = client.post(
        "/cases/intake/",
        {
            "_draft": "/cases/intake/",
            "name": "陈丽",
            "division": community,
            "channel": "hotline",
            "categories": ["domestic_violence"],
            "account": ACCOUNT,
            "role": "seeker",
            "person_id": "new",
        },
    )
    assert done.status_code == 302
    assert not Draft.objects.filter(user=operator).exists()


@pytest.mark.django_db
def test_a_refused_post_keeps_the_draft_and_the_ledger_form_keeps_every_value(client):
    worker = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    person = make_person(community_of(XIANGMIHU, 0))
    client.force_login(worker)
    url = f"/care/people/{person.pk}/ledger/"
    _save(client, url, {"content": "入户走访，送去米面油。"})
    text = "入户走访，送去米面油，孩子开学需要校服和文具，已联系学校减免部分费用。"
    page = client.post(
        url, {"_draft": url, "kind": "visit", "on": "2099-01-01", "content": text, "amount": "6,000元整"}
    ).content.decode()
    assert text in page and "6,000元整" in page  # nothing typed is lost
    assert "日期不能晚于今天" in page
    assert Draft.objects.filter(user=worker, key=url).exists()


@pytest.mark.django_db
def test_person_form_keeps_the_id_number_on_an_error(client):
    worker = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    client.force_login(worker)
    page = client.post(
        "/people/new/",
        {"name": "", "division": community_of(XIANGMIHU, 0), "id_type": "resident", "id_number": "440304199001011234"},
    ).content.decode()
    assert 'value="440304199001011234"' in page


@pytest.mark.django_db
def test_session_end_is_announced_and_can_be_extended(client, settings):
    worker = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    client.force_login(worker)
    page = client.get("/").content.decode()
    deadline = int(page.split('data-session-deadline="')[1].split('"')[0])
    assert abs(deadline - (int(time.time()) + settings.IDLE_TIMEOUT_SECONDS)) <= 5
    assert 'id="session-warning"' in page and "data-session-extend" in page
    session = client.session
    session["last_seen"] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS + 60  # one minute left
    session.save()
    extended = client.post("/drafts/extend/").json()["deadline"]
    assert extended >= int(time.time()) + settings.IDLE_TIMEOUT_SECONDS - 5
    assert client.get("/").status_code == 200  # still signed in


@pytest.mark.django_db
def test_old_drafts_are_purged(client):
    import datetime as dt

    from django.utils import timezone

    from jiayuan.drafts.services import KEEP_DAYS, draft_save, drafts_purge

    user = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    draft_save(user=user, key="/cases/intake/", fields={"account": "x"})
    assert drafts_purge(now=timezone.now() + dt.timedelta(days=KEEP_DAYS - 1)) == 0
    assert drafts_purge(now=timezone.now() + dt.timedelta(days=KEEP_DAYS + 1)) == 1


@pytest.mark.django_db
def test_the_scheduler_purges_old_drafts_every_day():
    import datetime as dt

    from django.utils import timezone

    from jiayuan.drafts.services import KEEP_DAYS, draft_save
    from jiayuan.ops import scheduling
    from jiayuan.ops.models import JobRun

    user = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    draft_save(user=user, key="/cases/intake/", fields={"account": "旧草稿"})
    draft_save(user=user, key="/care/register/new/", fields={"note": "新草稿"})
    Draft.objects.filter(key__contains="cases").update(saved_at=timezone.now() - dt.timedelta(days=KEEP_DAYS + 1))
    job = scheduling.job_by_key("drafts_purge")
    assert job.enabled and job.load_task() is not None
    scheduling.fire("drafts_purge")
    assert Draft.objects.count() == 1 and "care" in Draft.objects.get().key
    assert JobRun.objects.get(job="drafts_purge").summary == "清理草稿 1 份"


@pytest.mark.django_db
def test_an_htmx_request_that_keeps_the_session_alive_moves_the_pages_clock(client, settings):
    worker = make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 0))
    client.force_login(worker)
    session = client.session
    session["last_seen"] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS + 90  # 90 seconds left: warning shown
    session.save()
    response = client.get("/people/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert int(response["X-Session-Deadline"]) >= int(time.time()) + settings.IDLE_TIMEOUT_SECONDS - 5
    client.logout()
    assert "X-Session-Deadline" not in client.get("/accounts/login/")
