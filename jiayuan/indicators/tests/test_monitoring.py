import datetime as dt
from decimal import Decimal

import pytest

from jiayuan.access.roles import Role
from jiayuan.core.errors import ValidationFailed
from jiayuan.divisions.models import Division, Level
from jiayuan.indicators import selectors, services
from jiayuan.indicators.models import Indicator, IndicatorValue, Target
from jiayuan.orgs.models import Organisation, OrgKind
from tests.factories import FUTIAN, MEILIN, NANSHAN, XIANGMIHU, actor_of, community_of, make_user


@pytest.fixture
def world(db):
    users = {
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "community": make_user(Role.COMMUNITY_WORKER, community_of(MEILIN, 0)),
        "nanshan": make_user(Role.DISTRICT_RIGHTS, NANSHAN),
    }
    plan = services.plan_load(code="women-2021-2030", division_code=FUTIAN, name="福田区妇女发展规划")
    return {"users": users, "actors": {k: actor_of(u) for k, u in users.items()}, "plan": plan}


def test_attainment_rate_and_missing_values(world):
    plan, a = world["plan"], world["actors"]["district"]
    manual = list(Indicator.objects.filter(area__plan=plan, formula="").order_by("id"))
    year = dt.date.today().year - 1
    entered = {}
    for i, indicator in enumerate(manual[:12]):
        target = selectors.target_for(list(indicator.targets.all()), year)
        # Alternate on either side of the target.
        step = Decimal(1) if i % 3 else Decimal(-1)
        if indicator.direction == "at_most":
            step = -step
        value = target.value + step
        services.indicator_value_enter(actor=a, indicator=indicator, period=year, value=value, source="统计年鉴")
        entered[indicator.pk] = (value, target.value, indicator.direction)
    report = selectors.monitoring_report(actor=a, plan=plan, period=year)
    rows = {r.indicator.pk: r for r in report.rows}
    # Independently: attained where the value is on the right side of its target.
    expected = {pk: (v >= t if d == "at_least" else v <= t) for pk, (v, t, d) in entered.items()}
    for pk, ok in expected.items():
        assert rows[pk].attained is ok and rows[pk].value == entered[pk][0]
    for indicator in manual[12:]:
        assert rows[indicator.pk].missing and rows[indicator.pk].value is None and rows[indicator.pk].attained is None
    # The computed coverage of community federations for Futian, from the organisations.
    formula_row = next(r for r in report.rows if r.indicator.formula == "community_federation_coverage")
    communities = Division.objects.filter(code__startswith=FUTIAN, level=Level.COMMUNITY, special=False)
    assert formula_row.value == Decimal("0.00")
    for code in communities.values_list("code", flat=True)[:5]:
        Organisation.objects.create(name=f"{code}妇联", kind=OrgKind.COMMUNITY, division_id=code)
    report = selectors.monitoring_report(actor=a, plan=plan, period=year)
    formula_row = next(r for r in report.rows if r.indicator.formula == "community_federation_coverage")
    assert formula_row.value == (Decimal(500) / communities.count()).quantize(Decimal("0.01"))
    assessed = [r for r in report.rows if r.value is not None and r.target is not None]
    attained = [
        r
        for r in assessed
        if (r.value >= r.target.value if r.indicator.direction == "at_least" else r.value <= r.target.value)
    ]
    assert report.assessed == len(assessed) and report.attained_count == len(attained)
    assert report.rate == (Decimal(100) * len(attained) / len(assessed)).quantize(Decimal("0.01"))
    assert report.missing == sum(1 for r in report.rows if r.value is None) > 0


def test_bad_input_and_corrections(world):
    plan, a = world["plan"], world["actors"]["district"]
    indicator = Indicator.objects.filter(area__plan=plan, formula="").first()
    before = IndicatorValue.objects.count()
    with pytest.raises(ValidationFailed, match="来源"):
        services.indicator_value_enter(actor=a, indicator=indicator, period=2024, value="12", source="  ")
    with pytest.raises(ValidationFailed):
        services.indicator_value_enter(actor=a, indicator=indicator, period=2019, value="12", source="年鉴")
    with pytest.raises(ValidationFailed):
        services.indicator_value_enter(actor=a, indicator=indicator, period=2024, value="abc", source="年鉴")
    computed = Indicator.objects.filter(area__plan=plan).exclude(formula="").first()
    with pytest.raises(ValidationFailed, match="自动计算"):
        services.indicator_value_enter(actor=a, indicator=computed, period=2024, value="12", source="年鉴")
    from jiayuan.core.errors import NotFound

    with pytest.raises(NotFound):
        services.indicator_value_enter(
            actor=world["actors"]["nanshan"], indicator=indicator, period=2024, value="12", source="年鉴"
        )
    assert IndicatorValue.objects.count() == before
    v = services.indicator_value_enter(actor=a, indicator=indicator, period=2024, value="12", source="年鉴")
    v2 = services.indicator_value_enter(
        actor=a, indicator=indicator, period=2024, value="13", source="更正：年鉴", expected_version=v.version
    )
    assert (v2.pk, v2.value, v2.version) == (v.pk, Decimal("13"), 2)
    from jiayuan.core.errors import StaleEditError

    with pytest.raises(StaleEditError):
        services.indicator_value_enter(
            actor=a, indicator=indicator, period=2024, value="14", source="年鉴", expected_version=1
        )
    target = services.target_set(actor=a, indicator=indicator, period=2030, value="99")
    assert Target.objects.get(pk=target.pk).is_example is False
    # Coverage over a place without communities is refused, not zero.
    from jiayuan.indicators.formulas import communities_of

    empty = Division.objects.create(
        code="440398",
        name="测试空区",
        official_name="测试空区",
        level=Level.DISTRICT,
        parent_id="440300",
        prefix="440398",
    )
    with pytest.raises(ValidationFailed, match="没有下辖社区"):
        communities_of(empty)


def test_scoped_pages_and_api(world, client):
    plan, a = world["plan"], world["actors"]["district"]
    indicator = Indicator.objects.filter(area__plan=plan, formula="").first()
    value = services.indicator_value_enter(actor=a, indicator=indicator, period=2024, value="12", source="年鉴")
    for who, sees in [("district", True), ("street", True), ("community", True), ("nanshan", False)]:
        client.force_login(world["users"][who])
        for url in (
            f"/indicators/plans/{plan.pk}/?period=2024",
            f"/indicators/indicators/{indicator.pk}/",
            f"/api/indicators/values/{value.pk}",
            f"/api/indicators/plans/{plan.pk}/report?period=2024",
        ):
            assert client.get(url).status_code == (200 if sees else 404), (who, url)
    client.force_login(world["users"]["district"])
    body = client.get(f"/api/indicators/plans/{plan.pk}/report?period=2024").json()
    row = next(r for r in body["rows"] if r["indicator_id"] == indicator.pk)
    assert row["value"] == "12.0000" or Decimal(row["value"]) == 12
    missing = [r for r in body["rows"] if r["missing"]]
    assert missing and all(r["value"] is None and r["attained"] is None for r in missing)
    page = client.get(f"/indicators/plans/{plan.pk}/?period=2024").content.decode()
    assert "缺失" in page
    answer = client.post(
        f"/api/indicators/indicators/{indicator.pk}/values",
        {"period": 2023, "value": "5", "source": ""},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "来源" in answer.json()["detail"]


def test_the_staff_page_never_overwrites_a_value_saved_meanwhile(world, client):
    plan, a = world["plan"], world["actors"]["district"]
    indicator = Indicator.objects.filter(area__plan=plan, formula="").first()
    year = dt.date.today().year - 1
    services.indicator_value_enter(actor=a, indicator=indicator, period=year, value="12", source="年鉴")
    client.force_login(world["users"]["district"])
    page = client.get(f"/indicators/indicators/{indicator.pk}/").content.decode()
    assert f'name="version_{year}" value="1"' in page and f'name="version_{year - 1}" value="0"' in page
    # a colleague corrects the value, and another enters the year shown as missing, while the page is open
    services.indicator_value_enter(
        actor=a, indicator=indicator, period=year, value="13", source="更正", expected_version=1
    )
    services.indicator_value_enter(actor=a, indicator=indicator, period=year - 1, value="9", source="年鉴")
    url = f"/indicators/indicators/{indicator.pk}/"
    for period in (year, year - 1):
        form = {"action": "value", "period": str(period), "value": "20", "source": "我的来源"}
        form.update({f"version_{year}": "1", f"version_{year - 1}": "0"})
        refused = client.post(url, form).content.decode()
        assert "已被他人修改" in refused and 'value="我的来源"' in refused, period
    values = dict(IndicatorValue.objects.filter(indicator=indicator).values_list("period", "value"))
    assert values == {year: Decimal("13"), year - 1: Decimal("9")}
    # read afresh, the correction goes through
    fresh = {"action": "value", "period": str(year), "value": "20", "source": "我的来源", f"version_{year}": "2"}
    assert client.post(url, fresh).status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator, period=year).value == Decimal("20")


def test_the_monitoring_report_exports_through_the_export_page(world, client, settings):
    from jiayuan.imports.tests.export_helpers import (
        download_logged,
        export_now,
        export_queued,
        export_refused,
        last_download,
        run_rows,
        sheet_rows,
    )

    plan, actor = world["plan"], world["actors"]["district"]
    year = dt.date.today().year - 1
    indicator = Indicator.objects.filter(area__plan=plan, formula="").order_by("id").first()
    services.indicator_value_enter(actor=actor, indicator=indicator, period=year, value=7, source="统计年鉴")
    report = selectors.monitoring_report(actor=actor, plan=plan, period=year)
    expected = [
        (area, r.indicator.name, str(r.value.normalize()) if r.value is not None else "缺失")
        for area, rows in report.areas
        for r in rows
    ]
    url = "/imports/exports/new/indicator_report/"
    client.force_login(world["users"]["district"])
    page = client.get(f"/indicators/plans/{plan.pk}/?period={year}").content.decode()
    assert f"{url}?plan={plan.pk}&amp;period={year}" in page
    content, run = export_now(client, url, {"plan": plan.pk, "period": year})
    assert [(r[0], r[1], r[6]) for r in sheet_rows(content)] == expected
    title, summary = (row[0] for row in sheet_rows(content, first=1)[:2])
    assert title == f"{plan.name} {year} 年监测报告（{report.division.name}）"
    assert summary.startswith(f"指标 {report.total} 项，有监测值 {report.total - report.missing} 项，")
    assert last_download(run).detail["records"] == "indicators.plan"
    settings.EXPORT_IMMEDIATE_ROWS = 1
    queued = export_queued(client, url, {"plan": plan.pk, "period": year})
    assert [(r[0], r[1], r[6]) for r in run_rows(queued)] == expected
    download_logged(client, queued)
    # Another district's plan is missing to Nanshan's staff; a bad year is a Chinese refusal.
    client.force_login(world["users"]["nanshan"])
    assert client.get(url, {"plan": plan.pk, "period": year}).status_code == 404
    client.force_login(world["users"]["district"])
    bad = client.get(url, {"plan": plan.pk, "period": "1900"})
    assert bad.status_code == 400 and "监测年度" in bad.content.decode()
    settings.REPORTS_EXPORT_LIMIT = 1
    client.force_login(make_user(Role.LEADER, FUTIAN))  # a leader exports but holds no bulk-export right
    export_refused(client, url, {"plan": plan.pk, "period": year})
