"""三员分立: every path by which an administrator could reach personal data waits for a security officer.

The walk: a new account, a changed posting, a changed role, a grant on a record, a token for another
account, a password reset of a privileged account, a user import. For each, the administrator acting
alone reaches nothing (no sign-in, no case, no token, no grant); the administrator cannot approve it; a
security officer below the change's level cannot either; one at the level (or an officer-less level's
parent) can, and only then does the change take effect — logged before and after, supervisors told.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiayuan.access.actor import Actor
from jiayuan.access.models import AccessGrant
from jiayuan.access.roles import Role
from jiayuan.accounts.models import AccountChange, ApiToken, ChangeStatus, Posting, User
from jiayuan.administration.accounts import duties, services
from jiayuan.audit.models import AccessLog, Action
from jiayuan.core.errors import ApplicationError, WorkflowError
from jiayuan.notifications.models import Notification
from jiayuan.workflows.models import ApprovalRequest
from jiayuan.workflows.services import approval_decide
from tests.factories import CITY, FUTIAN, XIANGMIHU, community_of, make_person, make_user

PASSWORD = "Jiayuan@2026"


@pytest.fixture
def scene(db):
    admin = make_user(Role.SYSADMIN, CITY, username="sysadmin-t")
    officer = make_user(Role.SECURITY_OFFICER, FUTIAN, username="officer-t")
    street_officer_less = XIANGMIHU  # no security officer at the street: approval goes up to the district
    district = make_user(Role.DISTRICT_RIGHTS, FUTIAN, username="weiquan-t")  # a supervisor to be told
    plain = make_user(Role.LEGAL_REVIEWER, FUTIAN, username="plain-t")  # reaches no personal data
    plain.set_password(PASSWORD)
    plain.save()
    return {
        "admin": Actor.for_user(admin),
        "officer": Actor.for_user(officer),
        "street": street_officer_less,
        "district": district,
        "plain": plain,
    }


def _signs_in(username: str, password: str) -> bool:
    user = User.objects.get(username=username)
    return user.is_active and user.check_password(password)


def _approval(change: AccountChange) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind=duties.KIND, object_id=change.pk)


def _sees_cases(user: User) -> bool:
    client = Client()
    client.force_login(user)
    return client.get("/cases/").status_code == 200


def _second_person_needed(scene, change: AccountChange) -> None:
    """The administrator cannot approve her own request; an officer elsewhere cannot; the right one can."""
    assert change.status == ChangeStatus.PENDING
    approval = _approval(change)
    with pytest.raises((ApplicationError, WorkflowError, Exception)):
        approval_decide(
            actor=scene["admin"], approval=approval, decision="approve", comment="", expected_version=approval.version
        )
    other = Actor.for_user(make_user(Role.SECURITY_OFFICER, "440305"))  # another district's officer
    with pytest.raises(Exception):  # noqa: B017 - 404 or workflow error, either way refused
        approval_decide(
            actor=other, approval=approval, decision="approve", comment="", expected_version=approval.version
        )
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def _approve(scene, change: AccountChange) -> AccountChange:
    approval = _approval(change)
    approval_decide(
        actor=scene["officer"], approval=approval, decision="approve", comment="同意", expected_version=approval.version
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED
    rows = AccessLog.objects.filter(action=Action.ADMIN, object_id=str(change.pk))
    events = {r.detail.get("event") for r in rows}
    assert {"privileged_change_requested", "privileged_change_approved"} <= events
    approved = rows.get(detail__event="privileged_change_approved")
    assert "before" in approved.detail and "after" in approved.detail
    return change


def test_a_new_account_with_case_access_waits_for_the_security_officer(scene):
    user = services.user_create(
        actor=scene["admin"],
        username="newcomer",
        display_name="新维权干部",
        password=PASSWORD,
        role=Role.DISTRICT_RIGHTS,
        division_code=FUTIAN,
    )
    change = user.pending_change
    assert change is not None and _approval(change).current_division_id == FUTIAN
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not Posting.objects.filter(user=user).exists()
    assert not _signs_in("newcomer", PASSWORD)  # the password the admin typed is void
    # The supervisors are told.
    assert Notification.objects.filter(user=scene["district"], title__contains="newcomer").exists()
    _second_person_needed(scene, change)
    _approve(scene, change)
    user.refresh_from_db()
    assert user.is_active and user.must_change_password
    assert Posting.objects.filter(user=user, role=Role.DISTRICT_RIGHTS).exists()
    assert not _signs_in("newcomer", PASSWORD)  # only the officer's one-time secret works
    secret = duties.change_secret_take(actor=scene["officer"], change=change)
    assert _signs_in("newcomer", secret)
    assert duties.change_secret_take(actor=scene["officer"], change=change) == ""  # shown once


def test_an_account_without_personal_data_starts_at_once_and_must_change_its_password(scene):
    user = services.user_create(
        actor=scene["admin"],
        username="reviewer2",
        display_name="",
        password=PASSWORD,
        role=Role.LEGAL_REVIEWER,
        division_code=FUTIAN,
    )
    assert user.pending_change is None and user.is_active and user.must_change_password
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/password/")


@pytest.mark.parametrize("role", [Role.DISTRICT_RIGHTS, Role.COMMUNITY_WORKER, Role.AUDITOR])
def test_a_posting_or_role_change_waits(scene, role):
    plain = scene["plain"]
    place = community_of(XIANGMIHU, 0) if role == Role.COMMUNITY_WORKER else (CITY if role == Role.AUDITOR else FUTIAN)
    if role == Role.AUDITOR:
        scene["officer"] = Actor.for_user(make_user(Role.SECURITY_OFFICER, CITY))
    result = services.posting_add(actor=scene["admin"], user=plain, role=role, division_code=place)
    assert isinstance(result, AccountChange)
    assert not Posting.objects.filter(user=plain, role=role).exists()
    assert not _sees_cases(plain)
    if role == Role.COMMUNITY_WORKER:
        # No officer at the community or the street: the district's officer approves.
        assert _approval(result).current_division_id == FUTIAN
    _second_person_needed(scene, result)
    _approve(scene, result)
    assert Posting.objects.filter(user=plain, role=role).exists()


def test_a_grant_on_a_record_waits(scene):
    person = make_person(community_of(XIANGMIHU, 0))
    change = services.grant_request(actor=scene["admin"], user=scene["plain"], obj=person, reason="协助核查")
    assert not AccessGrant.objects.filter(user=scene["plain"]).exists()
    _second_person_needed(scene, change)
    _approve(scene, change)
    assert AccessGrant.objects.active().filter(user=scene["plain"], object_id=person.pk).exists()


def test_a_token_for_a_privileged_account_waits(scene):
    hotline = make_user(Role.HOTLINE_OPERATOR, FUTIAN, username="hotline-machine")
    change = services.token_issue(
        actor=scene["admin"], user=hotline, purpose="12338 热线系统对接", days=30, interactive=False
    )
    assert isinstance(change, AccountChange)
    assert not ApiToken.objects.filter(user=hotline).exists()
    _second_person_needed(scene, change)
    _approve(scene, change)
    token = ApiToken.objects.get(user=hotline)
    assert token.purpose == "12338 热线系统对接" and not token.interactive
    raw = duties.change_secret_take(actor=scene["officer"], change=change)
    assert Client().get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_password_reset_of_a_privileged_account_waits(scene):
    victim = make_user(Role.DISTRICT_RIGHTS, FUTIAN, username="weiquan-reset")
    victim.set_password(PASSWORD)
    victim.save()
    change = services.password_reset(actor=scene["admin"], user=victim, password="Admin#Chosen2026")
    assert isinstance(change, AccountChange)
    assert not _signs_in("weiquan-reset", "Admin#Chosen2026")
    assert _signs_in("weiquan-reset", PASSWORD)
    _second_person_needed(scene, change)
    _approve(scene, change)
    victim.refresh_from_db()
    assert victim.must_change_password
    assert not _signs_in("weiquan-reset", "Admin#Chosen2026")


def test_a_reset_of_an_account_without_personal_data_is_direct_and_forces_a_change(scene):
    assert services.password_reset(actor=scene["admin"], user=scene["plain"], password="Reset#Plain2026") is None
    scene["plain"].refresh_from_db()
    assert scene["plain"].must_change_password
    assert _signs_in("plain-t", "Reset#Plain2026")


def test_a_user_import_waits_for_each_privileged_account(scene):
    from jiayuan.imports.framework import run_import
    from jiayuan.imports.models import RunStatus
    from jiayuan.imports.users import SPEC

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "角色", "区划代码"])
    sheet.append(["imported-rights", "导入维权", Role.DISTRICT_RIGHTS.label, FUTIAN])
    sheet.append(["imported-legal", "导入法务", Role.LEGAL_REVIEWER.label, FUTIAN])
    buffer = io.BytesIO()
    book.save(buffer)
    run = run_import(actor=scene["admin"], spec=SPEC, file=SimpleUploadedFile("users.xlsx", buffer.getvalue()))
    assert run.status == RunStatus.SUCCESS, run.errors
    rights = User.objects.get(username="imported-rights")
    assert not rights.is_active and not Posting.objects.filter(user=rights).exists()
    change = AccountChange.objects.get(user=rights)
    _second_person_needed(scene, change)
    _approve(scene, change)
    assert Posting.objects.filter(user=rights, role=Role.DISTRICT_RIGHTS).exists()
    assert User.objects.get(username="imported-legal").is_active


def test_nobody_holds_two_of_the_three_roles(scene):
    auditor = make_user(Role.AUDITOR, CITY)
    with pytest.raises(ApplicationError) as refused:
        services.posting_add(actor=Actor.system(job="demo"), user=auditor, role=Role.SYSADMIN, division_code=CITY)
    assert "三员分立" in str(refused.value.errors)
    with pytest.raises(ApplicationError):
        services.posting_add(actor=scene["admin"], user=auditor, role=Role.SECURITY_OFFICER, division_code=CITY)


def test_the_officer_decides_through_the_page_and_sees_the_secret_once(scene):
    user = services.user_create(
        actor=scene["admin"],
        username="via-page",
        display_name="",
        password="",
        role=Role.STREET_STAFF,
        division_code=XIANGMIHU,
    )
    change = user.pending_change
    admin_client = Client()
    admin_client.force_login(scene["admin"].user)
    assert admin_client.get("/accounts/changes/").status_code == 200
    assert admin_client.post(f"/accounts/changes/{change.pk}/decide/", {"decision": "approve"}).status_code == 404
    client = Client()
    client.force_login(scene["officer"].user)
    page = client.get("/accounts/changes/").content.decode()
    assert "via-page" in page and "同意" in page
    approval = _approval(change)
    shown = client.post(
        f"/accounts/changes/{change.pk}/decide/", {"decision": "approve", "version": approval.version}
    ).content.decode()
    assert "一次性凭据" in shown
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED and change.secret == ""
