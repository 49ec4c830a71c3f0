"""Demo data: every app's demo found and loaded in order, idempotent, one account per role that can sign in,
valid generated identifiers."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.administration.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jiayuan.core.validators import validate_credit_code, validate_resident_id
from jiayuan.orgs.models import Organisation, PartnerAgency
from jiayuan.people.models import Household, HouseholdMember, IdType, Person, PersonPhone
from jiayuan.site.demo import demo_load_all, demo_modules

FOUNDATION = ["divisions", "orgs", "administration", "people"]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Posting, Organisation, PartnerAgency, Person, PersonPhone, Household, HouseholdMember)
    }


def test_every_apps_demo_is_found_in_installed_apps_order():
    from django.conf import settings

    labels = [config.label for config, _ in demo_modules()]
    assert labels[:4] == FOUNDATION
    assert {"cases", "care", "legal"} <= set(labels)
    order = [name.rsplit(".", 1)[-1] for name in settings.INSTALLED_APPS if name.startswith("jiayuan.")]
    assert labels == sorted(labels, key=order.index)


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(client):
    first = dict(demo_load_all(only=FOUNDATION, people=40))
    assert first["账号管理"] == f"新增用户 {len(DEMO_ACCOUNTS)}"
    assert {role for _, _, role, _ in DEMO_ACCOUNTS} == set(Role)  # every role has a demo account
    assert Person.objects.count() >= 40
    after_first = _counts()
    second = dict(demo_load_all(only=FOUNDATION, people=40))
    assert second["账号管理"] == "新增用户 0" and second["人员"] == "新增人员 0，家庭户 0"
    assert second["组织"] == "新增组织 0，协作单位 0"
    assert _counts() == after_first

    # One account per role, each with an active posting, and each can sign in with the demo password.
    assert {role for _, _, role, _ in DEMO_ACCOUNTS} == set(Role)
    for username, _, role, _ in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert list(Posting.objects.active().filter(user=user).values_list("role", flat=True)) == [role]
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post("/accounts/logout/")

    # Every generated identifier is valid; people live in Futian's communities.
    people = list(Person.objects.filter(id_type=IdType.RESIDENT))
    assert len(people) == Person.objects.count()
    for person in people:
        checked = validate_resident_id(person.id_number)
        assert (checked.birth_date, checked.gender) == (person.birth_date, person.gender)
        assert person.division_id.startswith("440304") and len(person.division_id) == 12
    for code in Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True):
        validate_credit_code(code)
    for code in PartnerAgency.objects.exclude(credit_code="").values_list("credit_code", flat=True):
        validate_credit_code(code)
    assert Organisation.objects.filter(kind="street", division__code__startswith="440304").count() == 10
    assert Organisation.objects.filter(kind="community").count() == 92
    assert Organisation.objects.filter(kind="new_domain").count() >= 7


@pytest.mark.django_db
def test_load_demo_command_names_each_app_it_loaded():
    out = io.StringIO()
    call_command("load_demo", "--only", "divisions", "--only", "orgs", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("：", 1)[0] for line in lines] == ["行政区划", "组织"]


@pytest.mark.django_db
def test_demo_accounts_are_printed():
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for username, _, role, _ in DEMO_ACCOUNTS:
        assert username in text and Role(role).label in text
    assert DEMO_PASSWORD in text


@pytest.mark.django_db
def test_readme_names_the_place_each_demo_account_serves():
    """A newcomer signing in as `shequ` knows which community's people, cases and register she will see."""
    from pathlib import Path

    from django.conf import settings

    from jiayuan.site.management.commands.demo_accounts import demo_places

    demo_load_all(only=FOUNDATION, people=5)
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if line.startswith("| `")}
    places = demo_places()
    for username, *_ in DEMO_ACCOUNTS:
        place = places[username]
        assert place in rows[username], f"README does not name where {username} serves ({place})"
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert places["shequ"] in out.getvalue() and "社区" in places["shequ"]


@pytest.mark.django_db
def test_demo_starts_with_a_few_meaningful_notifications_per_account():
    from jiayuan.notifications.models import Level, Notification
    from jiayuan.site.demo import DEMO_NOTICES_KEPT

    user = User.objects.create(username="already_here")
    Notification.objects.create(user=user, title="使用前已有的通知")  # a real user's notices are never touched
    demo_load_all(only=[*FOUNDATION, "cases"], people=40)
    per_user = {}
    for notice in Notification.objects.exclude(user=user):
        per_user.setdefault(notice.user_id, []).append(notice)
    assert per_user, "the demo notifies someone (a high-risk alert, an assignment)"
    for notices in per_user.values():
        assert len(notices) <= DEMO_NOTICES_KEPT
        assert len({n.url for n in notices}) == len(notices)
    urgent = Notification.objects.filter(level=Level.URGENT).exists()
    assert urgent, "an open high-risk case still alerts its handler"
    assert Notification.objects.filter(user=user).count() == 1
