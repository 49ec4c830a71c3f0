"""What a person reads on the case pages is Chinese: risk items by name, machine sources as links, durations."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from jiayuan.cases import rules
from jiayuan.cases.models import Case

from .conftest import new_case


def test_risk_items_read_by_their_chinese_names():
    shown = Template("{% load cases_tags %}{{ codes|risk_item_names }}").render(
        Context({"codes": ["strangulation", "threat_to_kill"]})
    )
    items = {item["code"]: item for item in rules.instrument()["items"]}
    assert shown == f"{items['strangulation']['label']}、{items['threat_to_kill']['label']}"
    assert "_" not in shown
    # every item of the instrument has a short Chinese name
    assert all(item.get("label") and item["label"].isascii() is False for item in items.values())


def test_durations_read_as_hours_and_days():
    render = Template("{% load display %}{{ h|duration_hours }}|{{ d|duration_days }}").render
    assert render(Context({"h": 2259.0, "d": 3.0})) == "94 天 3 小时|3 天"
    assert render(Context({"h": 5.5, "d": None})) == "5.5 小时|—"


@pytest.mark.django_db
def test_case_page_names_a_screening_source_and_links_to_it(world, client):
    case = new_case(world, by=world.street)
    Case.objects.filter(pk=case.pk).update(source="screening:4")
    client.force_login(world.street)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "screening:4" not in html
    assert '<a href="/screening/hazards/4/">隐患排查发现的隐患（第 4 号）</a>' in html


@pytest.mark.django_db
def test_high_risk_case_shows_guidance_with_one_step_actions_and_names_red_flags(world, client):
    from jiayuan.cases import services
    from jiayuan.cases.models import CaseAction
    from jiayuan.notifications.models import Notification
    from tests.factories import actor_of

    case = new_case(world, by=world.street, categories=("domestic_violence",))
    services.risk_assess(
        actor=actor_of(world.street),
        case=case,
        answers={"strangulation": "yes", "threat_to_kill": "yes", "weapon": "yes"},
    )
    alert = Notification.objects.filter(title__contains="高风险").order_by("-id").first()
    assert alert and "threat_to_kill" not in alert.body and "威胁杀害" in alert.body
    client.force_login(world.street)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "风险处置指引" in html
    steps = rules.instrument()["guidance"]
    for step in steps:
        assert step["text"] in html
    shelter = next(s for s in steps if s["action"] == "shelter")
    assert f"记录：{shelter['done']}" in html
    client.post(
        f"/cases/{case.pk}/action/",
        {"kind": "shelter", "occurred_on": str(case.received_at.date()), "note": shelter["done"]},
    )
    assert CaseAction.objects.filter(case=case, kind="shelter").exists()
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"记录：{shelter['done']}" not in html and "已记录" in html


@pytest.mark.django_db
def test_low_risk_case_has_no_guidance_and_a_suicide_risk_reads_as_its_own_alert(world, client):
    case = new_case(world, by=world.street, categories=("suicide_risk",))
    client.force_login(world.street)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "风险处置指引" not in html
    assert 'class="alert suicide-alert" role="alert"><strong>自杀风险</strong>' in html
