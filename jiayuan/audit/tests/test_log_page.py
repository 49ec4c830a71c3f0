"""The access log reads in Chinese: record kinds by name, postings by name, field classes by name, a chooser."""

from __future__ import annotations

import re

import pytest

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.cases.models import Case
from tests.factories import CITY, XIANGMIHU, make_user


@pytest.mark.django_db
def test_log_names_record_kinds_postings_and_field_classes_in_chinese(client):
    worker = make_user(Role.STREET_STAFF, XIANGMIHU)
    actor = Actor.for_user(worker)
    access_log_write(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.case",
        object_id="62",
        field_classes=["personal", "sensitive"],
    )
    auditor = make_user(Role.AUDITOR, CITY)
    client.force_login(auditor)
    kind = str(Case._meta.verbose_name)
    html = client.get("/audit/").content.decode()
    shown = re.sub(r"<[^>]+>", " ", html.split("<tbody>")[1])  # what a person reads in the table
    assert "cases.case" not in shown
    assert f"{kind} 第 62 号" in html
    assert "object_type=cases.case&amp;object_id=62" in html  # the kind links to every access to that record
    assert str(actor.primary_posting) in html  # "香蜜湖街道 · 街道妇联工作人员", not a number
    assert "个人信息、敏感个人信息" in html and "personal" not in shown
    # the filter is a chooser of kinds named in Chinese
    assert '<select id="object_type" name="object_type">' in html
    assert f'<option value="cases.case">{kind}</option>' in html
    filtered = client.get("/audit/", {"object_type": "cases.case", "object_id": "62"}).content.decode()
    assert f'<option value="cases.case" selected>{kind}</option>' in filtered
    assert f"{kind} 第 62 号" in filtered


@pytest.mark.django_db
def test_a_page_of_a_module_is_named_by_the_module_and_can_be_chosen(client):
    """A list or form that names no record is logged under its module: the log shows the module's Chinese name."""
    from django.apps import apps

    worker = make_user(Role.STREET_STAFF, XIANGMIHU)
    client.force_login(worker)
    client.get("/cases/")  # a list: logged under the module
    auditor = make_user(Role.AUDITOR, CITY)
    client.force_login(auditor)
    module = str(apps.get_app_config("cases").verbose_name)
    html = client.get("/audit/", {"object_type": "cases"}).content.decode()
    shown = re.sub(r"<[^>]+>", " ", html.split("<tbody>")[1])
    assert re.search(rf"列表\s+{module}", shown), shown[:500]
    assert not re.search(r"\b(cases|accounts|care)\b", shown)
    assert f'<option value="cases" selected>{module}（页面与列表）</option>' in html
