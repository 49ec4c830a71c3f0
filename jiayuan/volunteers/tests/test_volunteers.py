"""Volunteers: registration with consent, scoping of lists, records and the API, hours, certificate, export."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from jiayuan.access.fields import mask_name
from jiayuan.access.roles import Role
from jiayuan.audit.models import AccessLog, Action
from jiayuan.care import services as care_services
from jiayuan.care.selectors import volunteer_pairings
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.imports.tests.export_helpers import (
    download_logged,
    export_now,
    export_queued,
    export_refused,
    last_download,
    run_rows,
    sheet_rows,
)
from jiayuan.volunteers import selectors, services
from jiayuan.volunteers.models import RecordStatus, ServiceRecord, Volunteer
from tests.factories import FUTIAN, MEILIN, XIANGMIHU, actor_of, community_of, make_person, make_user, system_actor


@pytest.fixture
def scene(db):
    home, far = community_of(XIANGMIHU, 0), community_of(MEILIN, 0)
    users = {
        "community": make_user(Role.COMMUNITY_WORKER, home),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "volunteer": make_user(Role.VOLUNTEER, home),
    }
    mine = services.volunteer_register(
        actor=system_actor(), person=make_person(home, name="陈爱心"), consent=True, user=users["volunteer"]
    )
    other = services.volunteer_register(actor=system_actor(), person=make_person(home, name="林同心"), consent=True)
    far_one = services.volunteer_register(actor=system_actor(), person=make_person(far, name="黄远方"), consent=True)
    return {"home": home, "far": far, "users": users, "mine": mine, "other": other, "far_one": far_one}


def _record(volunteer, *, days: int, minutes: int, confirm: bool):
    start = (timezone.now() - dt.timedelta(days=days)).replace(microsecond=0)
    return services.service_record_create(
        actor=system_actor(),
        volunteer=volunteer,
        title="社区服务",
        started_at=start,
        minutes=minutes,
        division_code=volunteer.division_id,
        confirm=confirm,
    )


def test_registration_needs_consent_and_scope(scene):
    actor = actor_of(scene["users"]["community"])
    stranger = make_person(scene["far"], name="外区人员")
    with pytest.raises(ValidationFailed) as refused:
        services.volunteer_register(actor=actor, person=stranger, consent=True)
    assert "管辖范围" in refused.value.errors["person"]
    with pytest.raises(WorkflowError, match="已注册为志愿者"):
        services.volunteer_register(actor=system_actor(), person=scene["other"].person, consent=True)
    v = services.volunteer_register(
        actor=actor, person=make_person(scene["home"]), consent=True, skill_codes=["lawyer", "teacher"]
    )
    assert v.has_consent and v.consent_recorded_by_id == scene["users"]["community"].pk
    assert sorted(v.skills.values_list("code", flat=True)) == ["lawyer", "teacher"]
    with pytest.raises(ValidationFailed, match="无效"):
        services.volunteer_register(
            actor=system_actor(), person=make_person(scene["home"]), consent=True, skill_codes=["x"]
        )


def test_lists_records_and_api_are_scoped(scene):
    for key, expected in (
        ("community", {scene["mine"].pk, scene["other"].pk}),
        ("street", {scene["mine"].pk, scene["other"].pk}),
        ("volunteer", set()),
    ):
        got = set(selectors.volunteer_list(actor=actor_of(scene["users"][key])).values_list("pk", flat=True))
        assert got == expected, key
    assert scene["far_one"].pk in set(
        selectors.volunteer_list(actor=actor_of(scene["users"]["district"])).values_list("pk", flat=True)
    )
    own_record = _record(scene["mine"], days=2, minutes=60, confirm=False)
    other_record = _record(scene["other"], days=2, minutes=60, confirm=False)
    volunteer = Client()
    volunteer.force_login(scene["users"]["volunteer"])
    assert volunteer.get(f"/volunteers/{scene['mine'].pk}/").status_code == 200
    assert volunteer.get(f"/volunteers/{scene['other'].pk}/").status_code == 404
    assert volunteer.get(f"/api/volunteers/records/{own_record.pk}").status_code == 200
    assert volunteer.get(f"/api/volunteers/records/{other_record.pk}").status_code == 404
    assert volunteer.get("/volunteers/me/").status_code == 302
    worker = Client()
    worker.force_login(scene["users"]["community"])
    assert worker.get(f"/api/volunteers/{scene['far_one'].pk}").status_code == 404
    body = worker.get(f"/api/volunteers/{scene['other'].pk}").json()
    assert body["name"] == "林*心"  # masked for staff
    assert AccessLog.objects.filter(action=Action.VIEW, object_type="volunteers.volunteer").exists()


def test_total_confirmed_hours_and_the_confirmation_flow(scene):
    _record(scene["mine"], days=10, minutes=90, confirm=True)
    pending = _record(scene["mine"], days=5, minutes=45, confirm=False)
    _record(scene["mine"], days=3, minutes=30, confirm=True)
    summary = selectors.volunteer_hours(volunteer=scene["mine"])
    assert (summary.confirmed_minutes, summary.pending_minutes) == (120, 45)
    worker = Client()
    worker.force_login(scene["users"]["community"])
    response = worker.post(
        f"/api/volunteers/records/{pending.pk}/decide", json.dumps({"version": 1}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == RecordStatus.CONFIRMED
    assert selectors.volunteer_hours(volunteer=scene["mine"]).confirmed_minutes == 165
    page = worker.get(f"/volunteers/{scene['mine'].pk}/").content.decode()
    assert 'id="confirmed-hours">2.8</strong>' in page


def test_certificate_is_a_word_document_with_her_hours(scene):
    _record(scene["mine"], days=4, minutes=150, confirm=True)
    _record(scene["mine"], days=2, minutes=30, confirm=False)  # pending: not on the certificate
    client = Client()
    client.force_login(scene["users"]["volunteer"])
    response = client.get(f"/volunteers/{scene['mine'].pk}/certificate.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "陈爱心" in xml and "2.5 小时" in xml and "{{" not in xml
    assert client.get(f"/volunteers/{scene['other'].pk}/certificate.docx").status_code == 404
    assert AccessLog.objects.filter(action=Action.EXPORT, object_id=str(scene["mine"].pk)).exists()


def test_export_is_masked_scoped_and_logged(scene, settings):
    client = Client()
    client.force_login(scene["users"]["street"])
    url = "/imports/exports/new/volunteers/"
    assert url in client.get("/volunteers/").content.decode()  # the list's button
    content, run = export_now(client, url)
    street = Volunteer.objects.filter(division__code__startswith=XIANGMIHU, status="active").select_related("person")
    expected = {(v.pk, mask_name(v.person.name), v.division.name) for v in street}
    assert {r[:3] for r in sheet_rows(content)} == expected and len(expected) == street.count() > 0
    assert not any(v.person.name in str(sheet_rows(content)) for v in street)
    log = last_download(run)
    assert (log.detail["records"], log.detail["rows"], log.field_classes) == (
        "volunteers.volunteer",
        len(expected),
        ["personal"],
    )
    # Another street's staff asking for this community gets none of its volunteers.
    other = Client()
    other.force_login(make_user(Role.STREET_STAFF, MEILIN))
    content, _ = export_now(other, url, {"division": scene["home"]})
    assert sheet_rows(content) == []
    # Large: confirmed, written in the background, listed for its requester, its download logged.
    settings.EXPORT_IMMEDIATE_ROWS = 1
    run = export_queued(client, url, {"division": scene["home"]})
    assert {r[:3] for r in run_rows(run)} == {e for e in expected if e[0] in {scene["mine"].pk, scene["other"].pk}}
    assert download_logged(client, run).user_id == scene["users"]["street"].pk
    settings.REPORTS_EXPORT_LIMIT = 1  # street staff hold no bulk-export right
    export_refused(client, url)
    # A community worker may not export.
    worker = Client()
    worker.force_login(scene["users"]["community"])
    assert worker.get(url).status_code == 404


def test_a_caring_mother_stays_a_volunteer_with_her_pairing(scene):
    care_services.care_dictionaries_ensure()
    helper = care_services.helper_create(
        actor=system_actor(), person=scene["mine"].person, skill_codes=["companionship"]
    )
    assert helper.volunteer_id == scene["mine"].pk  # the helper record points at the volunteer
    child = make_person(scene["home"], name="小明", id_number=None, birth=dt.date.today().replace(year=2018, day=1))
    care_services.register_entry_create(actor=system_actor(), person=child, type_codes=["left_behind"])
    worker = actor_of(scene["users"]["community"])
    care_services.pairing_create(actor=worker, helper=helper, person=child)
    rows = volunteer_pairings(actor=worker, volunteer=scene["mine"])
    assert [r["name"] for r in rows] == ["小*"]
    assert Volunteer.objects.filter(pk=scene["mine"].pk).exists()  # still one volunteer record, roles not merged


def test_edit_and_withdrawal_through_the_pages(scene):
    worker = Client()
    worker.force_login(scene["users"]["community"])
    other = scene["other"]
    stale = worker.post(f"/volunteers/{other.pk}/edit/", {"skills": ["teacher"], "availability": "周末", "version": 9})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    saved = worker.post(f"/volunteers/{other.pk}/edit/", {"skills": ["teacher"], "availability": "周末", "version": 1})
    assert saved.status_code == 302
    other.refresh_from_db()
    assert other.availability == "周末" and list(other.skills.values_list("code", flat=True)) == ["teacher"]
    assert worker.get(f"/volunteers/{scene['far_one'].pk}/edit/").status_code == 404
    worker.post(f"/volunteers/{other.pk}/withdraw/", {"version": other.version})
    other.refresh_from_db()
    assert other.status == "left" and not other.has_consent


def test_api_edit_and_withdrawal(scene):
    worker = Client()
    worker.force_login(scene["users"]["community"])
    url = f"/api/volunteers/{scene['other'].pk}"
    body = json.dumps({"version": 1, "skills": ["doctor"]})
    assert worker.patch(url, body, content_type="application/json").json()["skills"] == ["医生"]
    stale = worker.patch(url, body, content_type="application/json")
    assert stale.status_code == 409
    far = f"/api/volunteers/{scene['far_one'].pk}/withdraw"
    assert worker.post(far, json.dumps({"version": 1}), content_type="application/json").status_code == 404
    done = worker.post(f"{url}/withdraw", json.dumps({"version": 2}), content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "已退出"


def test_volunteer_page_queries_do_not_grow_with_her_records(scene, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(scene["users"]["community"])
    url = f"/volunteers/{scene['other'].pk}/"
    _record(scene["other"], days=40, minutes=60, confirm=True)
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for day in range(12):
        _record(scene["other"], days=day + 1, minutes=30, confirm=day % 2 == 0)
    assert queries() == few
    # Her page: the account and posting, her record, the access log's chained write, her hours, records, teams,
    # skills and pairings; no look-up of grants (no grant ever opens a volunteer).
    with django_assert_max_num_queries(17):
        client.get(url)


def test_team_and_record_exports_are_masked_logged_and_formula_safe(scene, settings):
    import openpyxl

    home_team = services.team_create(
        actor=system_actor(),
        data=services.TeamInput(name='=HYPERLINK("x")阅读中队', type="reading", division_code=scene["home"]),
    )
    far_team = services.team_create(
        actor=system_actor(), data=services.TeamInput(name="远方队", type="reading", division_code=scene["far"])
    )
    services.team_member_add(actor=system_actor(), team=home_team, person=scene["mine"].person)
    services.team_member_add(actor=system_actor(), team=far_team, person=scene["far_one"].person)
    _record(scene["mine"], days=3, minutes=90, confirm=True)
    _record(scene["other"], days=4, minutes=60, confirm=False)
    _record(scene["far_one"], days=5, minutes=30, confirm=True)
    client = Client()
    client.force_login(scene["users"]["street"])
    assert "/imports/exports/new/volunteer_teams/" in client.get("/volunteers/teams/").content.decode()
    teams, run = export_now(client, "/imports/exports/new/volunteer_teams/")
    rows = sheet_rows(teams, "服务队伍")
    assert [r[1] for r in rows] == [home_team.name]  # the other street's team is not in it
    book = openpyxl.load_workbook(io.BytesIO(teams))
    cell = book["服务队伍"]["B4"]
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    members = sheet_rows(teams, "队员名单", first=2)
    assert [m[:3] for m in members] == [(home_team.pk, home_team.name, mask_name(scene["mine"].person.name))]
    assert last_download(run).detail["records"] == "volunteers.team"
    assert (
        "/imports/exports/new/volunteer_records/?status=pending" in client.get("/volunteers/records/").content.decode()
    )
    records, run = export_now(client, "/imports/exports/new/volunteer_records/", {"status": "all"})
    found = sorted((r[1], r[7], r[8]) for r in sheet_rows(records))
    in_street = ServiceRecord.objects.filter(division__code__startswith=XIANGMIHU).select_related("volunteer__person")
    assert found == sorted(
        (mask_name(r.volunteer.person.name), round(r.minutes / 60, 1), r.get_status_display()) for r in in_street
    )
    assert last_download(run).detail["records"] == "volunteers.servicerecord"
    # Large: the team list goes to the background, members' sheet and all.
    settings.EXPORT_IMMEDIATE_ROWS = 0
    queued = export_queued(client, "/imports/exports/new/volunteer_teams/")
    assert [r[1] for r in run_rows(queued)] == [home_team.name] and len(run_rows(queued, "队员名单", first=2)) == 1
    download_logged(client, queued)
    # A community worker may not export.
    worker = Client()
    worker.force_login(scene["users"]["community"])
    assert worker.get("/imports/exports/new/volunteer_teams/").status_code == 404
