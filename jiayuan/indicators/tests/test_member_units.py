"""妇儿工委 member units (agency accounts, no division) report the values of the indicators assigned to their unit:
in scope it works on the page and the API; another unit's indicator is missing (404); the rules of staff entry hold."""

import datetime as dt

import pytest
from django.test import Client

from jiayuan.access.roles import Role
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed
from jiayuan.indicators import selectors, services
from jiayuan.indicators.models import Indicator, IndicatorValue
from jiayuan.orgs.models import AgencyKind
from tests.factories import FUTIAN, NANSHAN, actor_of, make_agency, make_user


@pytest.fixture
def units(db):
    plan = services.plan_load(code="children-2021-2030", division_code=FUTIAN, name="福田区儿童发展规划")
    manual = list(Indicator.objects.filter(area__plan=plan, formula="").order_by("id"))
    health = make_agency("福田区卫生健康局（测）", AgencyKind.HEALTH, FUTIAN)
    education = make_agency("福田区教育局（测）", AgencyKind.EDUCATION, FUTIAN)
    far = make_agency("南山区卫生健康局（测）", AgencyKind.HEALTH, NANSHAN)
    district = actor_of(make_user(Role.DISTRICT_RIGHTS, FUTIAN))
    services.indicator_units_set(actor=district, indicator=manual[0], agency_ids=[health.pk])
    services.indicator_units_set(actor=district, indicator=manual[1], agency_ids=[education.pk])
    users = {
        "health": make_user(Role.AGENCY_USER, None, agency=health),
        "education": make_user(Role.AGENCY_USER, None, agency=education),
    }
    # An agency of another district is not a member unit of Futian's plan.
    with pytest.raises(ValidationFailed, match="不在规划所属区划"):
        services.indicator_units_set(actor=district, indicator=manual[2], agency_ids=[far.pk])
    return {"plan": plan, "mine": manual[0], "theirs": manual[1], "users": users, "district": district}


def test_a_member_unit_reports_its_indicator_and_no_other(units):
    actor = actor_of(units["users"]["health"])
    year = dt.date.today().year - 1
    assert [i for i, _latest in selectors.unit_indicator_list(actor=actor)] == [units["mine"]]
    value = services.unit_value_submit(
        actor=actor, indicator=units["mine"], period=year, value="98.5", source="卫健年报"
    )
    assert (value.division_id, value.entered_by, value.source) == (FUTIAN, units["users"]["health"], "卫健年报")
    # The value counts in the plan's monitoring report like one entered by the district.
    report = selectors.monitoring_report(actor=units["district"], plan=units["plan"], period=year)
    assert next(r for r in report.rows if r.indicator == units["mine"]).value == value.value
    # Another unit's indicator is missing to it, in reading and in writing; nothing is written.
    with pytest.raises(NotFound):
        selectors.unit_indicator_get(actor=actor, indicator_id=units["theirs"].pk)
    with pytest.raises(NotFound):
        services.unit_value_submit(actor=actor, indicator=units["theirs"], period=year, value="1", source="x")
    # The rules of staff entry: a source, a year of the plan, a correction against the version read.
    with pytest.raises(ValidationFailed, match="数据来源"):
        services.unit_value_submit(actor=actor, indicator=units["mine"], period=year, value="99", source=" ")
    with pytest.raises(ValidationFailed, match="未来年度"):
        services.unit_value_submit(actor=actor, indicator=units["mine"], period=year + 2, value="99", source="x")
    services.unit_value_submit(
        actor=actor, indicator=units["mine"], period=year, value="99", source="更正", expected_version=value.version
    )
    with pytest.raises(StaleEditError):
        services.unit_value_submit(
            actor=actor, indicator=units["mine"], period=year, value="97", source="x", expected_version=value.version
        )
    assert IndicatorValue.objects.get(pk=value.pk).source == "更正"
    assert not IndicatorValue.objects.filter(indicator=units["theirs"]).exists()


def test_member_unit_pages_and_api(units):
    client = Client()
    client.force_login(units["users"]["health"])
    year = dt.date.today().year - 1
    mine, theirs = units["mine"].pk, units["theirs"].pk
    assert units["mine"].name in client.get("/indicators/unit/").content.decode()
    assert client.get(f"/indicators/unit/{theirs}/").status_code == 404
    page = client.post(f"/indicators/unit/{mine}/", {"period": year, "value": "88", "source": ""})
    assert page.status_code == 400 and "数据来源" in page.content.decode()
    assert 'value="88"' in page.content.decode()  # what was typed is kept
    assert (
        client.post(f"/indicators/unit/{mine}/", {"period": year, "value": "88", "source": "年报"}).status_code == 302
    )
    assert client.post(f"/indicators/unit/{theirs}/", {"period": year, "value": "1", "source": "x"}).status_code == 404
    # The API, with the same scope.
    listed = client.get("/api/indicators/unit/indicators").json()
    assert [row["indicator_id"] for row in listed] == [mine] and listed[0]["latest_value"] == "88.0000"
    created = client.post(
        f"/api/indicators/unit/indicators/{mine}/values",
        {"period": year - 1, "value": "77.5", "source": "卫健年报"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["division"] == FUTIAN
    refused = client.post(
        f"/api/indicators/unit/indicators/{theirs}/values",
        {"period": year, "value": "1", "source": "x"},
        content_type="application/json",
    )
    missing = client.post(
        "/api/indicators/unit/indicators/987654/values",
        {"period": year, "value": "1", "source": "x"},
        content_type="application/json",
    )
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    # The unit cannot reach the district's pages, nor assign units.
    assert client.get(f"/indicators/indicators/{mine}/").status_code == 404
    staff = Client()
    staff.force_login(make_user(Role.DISTRICT_RIGHTS, FUTIAN))
    assigned = staff.put(
        f"/api/indicators/indicators/{theirs}/units",
        {"units": [units["mine"].units.get().pk]},
        content_type="application/json",
    )
    assert assigned.status_code == 200
    assert client.get("/api/indicators/unit/indicators").json()[1]["indicator_id"] == theirs
