"""User administration by level: a district's user administrator manages its own district and below only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.administration.accounts.selectors import user_list
from jiayuan.administration.accounts.services import posting_add, user_create
from jiayuan.core.errors import ValidationFailed
from tests.factories import CITY, FUTIAN, MEILIN, NANSHAN, XIANGMIHU, make_user

NEW_PASSWORD = "Chen-xiaomei-2026"


@pytest.fixture
def admins(db):
    return {"futian": make_user(Role.USER_ADMIN, FUTIAN), "sysadmin": make_user(Role.SYSADMIN, CITY)}


def _form(**over):
    data = {
        "username": "chenxm",
        "display_name": "陈晓梅",
        "password": NEW_PASSWORD,
        "role": Role.COMMUNITY_WORKER,
        "division": XIANGMIHU,
    }
    data.update(over)
    return data


def _approve_all(division: str = CITY) -> None:
    """A security officer approves every pending account change (三员分立: see test_separation_of_duties).

    No officer sat below the city when the changes were filed, so the city's officer approves them."""
    from jiayuan.administration.accounts.duties import KIND
    from jiayuan.workflows.models import ApprovalRequest, ApprovalStatus
    from jiayuan.workflows.services import approval_decide

    officer = Actor.for_user(make_user(Role.SECURITY_OFFICER, division))
    for approval in ApprovalRequest.objects.filter(kind=KIND, status=ApprovalStatus.PENDING):
        approval_decide(
            actor=officer, approval=approval, decision="approve", comment="", expected_version=approval.version
        )


def test_user_admin_creates_users_within_futian(client, admins):
    client.force_login(admins["futian"])
    assert client.get("/accounts/users/new/").status_code == 200
    # An account without personal data starts at once, with the password set (to be changed at first sign-in).
    response = client.post("/accounts/users/new/", _form(username="fawu2", role=Role.LEGAL_REVIEWER, division=FUTIAN))
    assert response.status_code == 302
    reviewer = User.objects.get(username="fawu2")
    assert reviewer.check_password(NEW_PASSWORD) and reviewer.must_change_password
    # A community worker's account waits for the security officer.
    response = client.post("/accounts/users/new/", _form())
    assert response.status_code == 302
    user = User.objects.get(username="chenxm")
    assert not user.is_active and not user.postings.exists()
    _approve_all()
    user.refresh_from_db()
    posting = user.postings.get()
    assert (posting.role, posting.division_id, posting.created_by) == (
        Role.COMMUNITY_WORKER,
        XIANGMIHU,
        admins["futian"],
    )
    assert user.is_active and not user.check_password(NEW_PASSWORD)  # the officer hands over a one-time password
    # The history names the administrator.
    assert user.history.earliest().history_user == admins["futian"]
    assert posting.history.get().history_user == admins["futian"]


@pytest.mark.parametrize(
    "change,message",
    [
        ({"division": NANSHAN}, "只能在本级及下级范围内设置岗位。"),
        ({"division": CITY}, "只能在本级及下级范围内设置岗位。"),
        ({"role": Role.SYSADMIN, "division": FUTIAN}, "只有系统管理员可以设置该角色。"),
        ({"role": Role.AUDITOR, "division": FUTIAN}, "只有系统管理员可以设置该角色。"),
        ({"role": "king"}, "请选择角色。"),
        ({"password": "123", "role": Role.LEGAL_REVIEWER, "division": FUTIAN}, "密码"),
        ({"valid_from": "2026-02-01", "valid_to": "2026-01-01"}, "失效日期不能早于生效日期。"),
    ],
)
def test_user_admin_is_refused_outside_its_reach(client, admins, change, message):
    client.force_login(admins["futian"])
    before = (User.objects.count(), Posting.objects.count())
    response = client.post("/accounts/users/new/", _form(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), Posting.objects.count()) == before


def test_user_admin_cannot_add_a_posting_outside_its_reach(admins):
    actor = Actor.for_user(admins["futian"])
    colleague = make_user(Role.COMMUNITY_WORKER, XIANGMIHU)
    with pytest.raises(ValidationFailed) as info:
        posting_add(actor=actor, user=colleague, role=Role.DISTRICT_RIGHTS, division_code=NANSHAN)
    assert info.value.errors["division"] == "只能在本级及下级范围内设置岗位。"
    posting_add(
        actor=actor,
        user=colleague,
        role=Role.STREET_STAFF,
        division_code=MEILIN,
        valid_to=timezone.localdate() + dt.timedelta(days=14),
        note="代岗两周",
    )
    assert not colleague.postings.filter(role=Role.STREET_STAFF).exists()  # waits for the security officer
    _approve_all()
    cover = colleague.postings.get(role=Role.STREET_STAFF)
    assert cover.valid_to is not None and cover.history.get().history_user == admins["futian"]


def test_user_admin_sees_only_users_of_futian_and_below(client, admins):
    futian_worker = make_user(Role.COMMUNITY_WORKER, XIANGMIHU)
    meilin_staff = make_user(Role.STREET_STAFF, MEILIN)
    nanshan_staff = make_user(Role.STREET_STAFF, NANSHAN)
    straddling = make_user(Role.STREET_STAFF, MEILIN)
    Posting.objects.create(user=straddling, role=Role.STREET_STAFF, division_id=NANSHAN)
    city_auditor = make_user(Role.AUDITOR, CITY)

    seen = set(user_list(actor=Actor.for_user(admins["futian"])))
    assert {futian_worker, meilin_staff, admins["futian"]} <= seen
    assert not seen & {nanshan_staff, straddling, city_auditor, admins["sysadmin"]}
    client.force_login(admins["futian"])
    body = client.get("/accounts/users/").content.decode()
    assert futian_worker.username in body and nanshan_staff.username not in body

    everyone = set(user_list(actor=Actor.for_user(admins["sysadmin"])))
    assert {futian_worker, meilin_staff, nanshan_staff, straddling, city_auditor, admins["futian"]} <= everyone
    # Only divisions of its reach are offered in the form.
    page = client.get("/accounts/users/new/").content.decode()
    assert f'value="{MEILIN}"' in page and f'value="{NANSHAN}"' not in page
    assert 'value="sysadmin"' not in page


def test_sysadmin_manages_everyone(client, admins):
    client.force_login(admins["sysadmin"])
    cases = (("ns1", Role.STREET_STAFF, NANSHAN), ("aud1", Role.AUDITOR, CITY), ("sys2", Role.SYSADMIN, CITY))
    for username, role, division in cases:
        response = client.post("/accounts/users/new/", _form(username=username, role=role, division=division))
        assert response.status_code == 302, response.content.decode()[-800:]
    # The street worker and the auditor reach personal data (cases, the audit log): they wait for the officer.
    assert not User.objects.get(username="ns1").postings.exists()
    assert not User.objects.get(username="aud1").postings.exists()
    _approve_all()
    for username, role, _ in cases:
        assert User.objects.get(username=username).postings.get().role == role


def test_other_roles_cannot_manage_users(client, db):
    staff = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    client.force_login(staff)
    assert client.get("/accounts/users/").status_code == 404
    assert client.post("/accounts/users/new/", _form()).status_code == 404
    assert not User.objects.filter(username="chenxm").exists()
    with pytest.raises(ValidationFailed):
        user_create(
            actor=Actor.for_user(staff),
            username="x1",
            display_name="",
            password=NEW_PASSWORD,
            role=Role.COMMUNITY_WORKER,
            division_code=XIANGMIHU,
        )


def test_agency_users_need_an_agency(admins):
    with pytest.raises(ValidationFailed) as info:
        user_create(
            actor=Actor.for_user(admins["sysadmin"]),
            username="pol1",
            display_name="",
            password=NEW_PASSWORD,
            role=Role.AGENCY_USER,
        )
    assert "协作单位" in info.value.errors["agency"]


def test_agency_users_are_managed_where_their_agency_is(admins):
    from tests.factories import make_agency

    futian_police = make_user(Role.AGENCY_USER, None, agency=make_agency("福田公安分局（测）", division=FUTIAN))
    nanshan_police = make_user(Role.AGENCY_USER, None, agency=make_agency("南山公安分局（测）", division=NANSHAN))
    seen = set(user_list(actor=Actor.for_user(admins["futian"])))
    assert futian_police in seen and nanshan_police not in seen
    assert {futian_police, nanshan_police} <= set(user_list(actor=Actor.for_user(admins["sysadmin"])))
