"""Every text shown back is escaped: names like <script> or {{7*7}} render as text, never as markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from jiayuan.access.roles import Role
from jiayuan.orgs.models import Organisation, OrgKind
from jiayuan.people.services import person_phone_add
from tests.factories import FUTIAN, XIANGMIHU, community_of, make_person, make_user, system_actor

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
TEMPLATE = "{{7*7}}"

# Places where rendering unescaped text is deliberate and reviewed; add "path: reason" entries sparingly.
ALLOWED_UNESCAPED: dict[str, str] = {
    "jiayuan/core/public_assets.py": "writes the product's own static files (a fixed list) into the public pages",
}
_UNSAFE = re.compile(r"\|\s*safe\b|\{%\s*autoescape\s+off|mark_safe\(|SafeString\(")


def _clean(body: str) -> None:
    assert SCRIPT not in body and "<img src=x" not in body and 'onerror="alert' not in body


@pytest.fixture
def hostile(db):
    home = community_of(XIANGMIHU, 0)
    staff = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    person = make_person(home, name=SCRIPT, address=IMG + TEMPLATE, phone="13800138000")
    person.notes = SCRIPT + TEMPLATE
    person.save()
    person_phone_add(actor=system_actor(), person=person, number="13900139000", safe_times=IMG)
    braces = make_person(home, name=TEMPLATE)
    return staff, person, braces


def test_person_pages_show_hostile_text_as_text(client, hostile):
    staff, person, braces = hostile
    client.force_login(staff)
    for url in [
        "/people/",
        f"/people/?q={SCRIPT}",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/people/{person.pk}/history/",
        f"/people/{person.pk}/viewers/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _clean(response.content.decode())
    edit = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in edit
    detail = client.get(f"/people/{person.pk}/").content.decode()
    assert "onerror=&quot;alert(2)&quot;" in detail  # the phone's safe times, shown in full
    for field, expected in [
        ("notes", "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}"),
        ("address_detail", "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;{{7*7}}"),
    ]:
        revealed = client.post(f"/people/{person.pk}/reveal/{field}/").content.decode()
        _clean(revealed)
        assert expected in revealed
    braces_form = client.get(f"/people/{braces.pk}/edit/").content.decode()
    assert 'value="{{7*7}}"' in braces_form and 'value="49"' not in braces_form


def test_api_returns_hostile_text_as_data(client, hostile):
    staff, person, _ = hostile
    client.force_login(staff)
    response = client.post(f"/api/people/{person.pk}/reveal", {"field": "notes"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["value"] == SCRIPT + TEMPLATE
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_organisation_names_are_escaped(client):
    staff = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    org = Organisation.objects.create(
        name=SCRIPT + TEMPLATE, kind=OrgKind.COMMUNITY, division_id=community_of(XIANGMIHU, 0), address=IMG
    )
    client.force_login(staff)
    for url in ["/orgs/", f"/orgs/?division={org.division_id}", f"/orgs/{org.pk}/edit/"]:
        body = client.get(url).content.decode()
        _clean(body)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in client.get(f"/orgs/{org.pk}/edit/").content.decode()


def test_no_template_or_view_turns_escaping_off():
    roots = [
        Path(settings.BASE_DIR) / "templates",
        Path(settings.BASE_DIR) / "jiayuan",
        Path(settings.BASE_DIR) / "config",
    ]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in (".html", ".py") or "tests" in path.parts or "migrations" in path.parts:
                continue
            relative = path.relative_to(settings.BASE_DIR).as_posix()
            if relative in ALLOWED_UNESCAPED:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            if _UNSAFE.search(text):
                found.append(relative)
    assert not found, (
        "escaping turned off (|safe, autoescape off, mark_safe) in: "
        + ", ".join(found)
        + " — escape the value instead, or add a reviewed entry to ALLOWED_UNESCAPED"
    )
