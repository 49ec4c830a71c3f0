"""Every catalogue figure is the same number on the dashboard, in the API, in the Excel workbook, in the Word
report and in the length of its drill-down list; figures equal counts made here from the rows; scoping holds."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from jiayuan.care import services as care
from jiayuan.care.models import Pairing, RegisterEntry, ReliefApplication
from jiayuan.cases import services as cases
from jiayuan.cases.models import Case
from jiayuan.divisions.models import Division
from jiayuan.people.models import minor_cutoff
from jiayuan.reports import figures as catalogue
from jiayuan.reports import selectors
from jiayuan.reports.figures.base import NOT_RECORDED, Period
from jiayuan.screening import services as screening
from jiayuan.screening.models import Hazard, Visit
from tests.factories import (
    FUTIAN,
    MEILIN,
    NANSHAN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_org,
    make_person,
    make_user,
    system_actor,
)

from .conftest import ALL_NO, new_case

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def year_world(world):
    """A year of work in 福田 (two streets) and one case in 南山, through the modules' own services."""
    from jiayuan.care.services import care_dictionaries_ensure

    care_dictionaries_ensure()
    today = timezone.localdate()
    district = actor_of(world.district)
    leader = make_user(Role.LEADER, FUTIAN, display_name="区妇联领导")
    street_leader = make_user(Role.LEADER, XIANGMIHU, display_name="街道领导")
    nanshan_user = make_user(Role.DISTRICT_RIGHTS, NANSHAN)
    nanshan_c = community_of("440305001")
    channels = ["hotline", "visit", "online", "police", "hotline", "letter", "visit", "hotline"]
    made = []
    for i, channel in enumerate(channels):
        division = [world.c1, world.c2, world.c3][i % 3]
        cats = [["marriage_family"], ["domestic_violence", "marriage_family"], ["custody_support"]][i % 3]
        case = new_case(
            world,
            division=division,
            categories=cats,
            channel=channel,
            consent=True,
            received_at=dt.datetime(today.year, 1 + i, 5, 10, 0, tzinfo=CST),
        )
        made.append(case)
        if i % 2 == 0:
            cases.risk_assess(actor=district, case=case, answers={**ALL_NO, "weapon": "yes"} if i == 4 else ALL_NO)
            cases.case_assign(actor=district, case=case, to_user=world.district)
            case.refresh_from_db()
            cases.case_transition(actor=district, case=case, name="start")
            cases.case_action_add(
                actor=district, case=case, kind="mediation", success=True, data={"participants": "双方"}
            )
            if i != 4:
                cases.case_action_add(actor=district, case=case, kind="follow_up", satisfaction=5, note="好")
                cases.case_transition(
                    actor=district, case=case, name="close", outcome="mediated" if i % 4 == 0 else "resolved"
                )
    # Last year's case: in use before, not counted this year.
    new_case(world, division=world.c1, received_at=dt.datetime(today.year - 1, 6, 1, 10, 0, tzinfo=CST))
    # Another district: never in 福田's figures.
    new_case(world, by=nanshan_user, division=nanshan_c, received_at=dt.datetime(today.year, 3, 1, 9, tzinfo=CST))

    campaign = screening.campaign_create(
        actor=district,
        name="家庭隐患排查",
        division_code=FUTIAN,
        covered_codes=[XIANGMIHU, MEILIN],
        starts_on=today.replace(day=1),
        monthly=True,
    )
    worker = actor_of(world.worker)
    for k in range(3):
        screening.visit_record(
            actor=worker,
            campaign=campaign,
            division_code=world.c1,
            visited_on=today,
            answers={"violence_signs": k == 0, "child_alone": False},
            hazard_level="high" if k == 0 else "",
            findings="夜间争吵" if k == 0 else "",
        )

    fund = care.fund_create(actor=system_actor(), name="救助金", division_code=FUTIAN, year=today.year, budget="100000")
    community_worker = make_user(Role.COMMUNITY_WORKER, world.c1)
    approver = make_user(Role.COMMUNITY_WORKER, world.c1)
    street = make_user(Role.STREET_STAFF, XIANGMIHU)
    helper = care.helper_create(actor=system_actor(), person=make_person(world.c1, name="李爱心"), capacity=5)
    for i in range(4):
        minor = i % 2 == 0
        birth = today.replace(year=today.year - (9 if minor else 40), day=1)
        person = make_person(world.c1 if i < 3 else world.c3, id_number=None, birth=birth)
        if not minor:
            person.gender = "F"
            person.save(update_fields=["gender"])
        care.register_entry_create(
            actor=system_actor(),
            person=person,
            type_codes=["left_behind"] if minor else ["single_mother"],  # types that fit the person's age
            care_level="key",
            entered_on=today,
        )
        if minor and i < 3:
            care.pairing_create(actor=actor_of(community_worker), helper=helper, person=person)
        if i == 1:
            app = care.relief_apply(actor=actor_of(community_worker), fund=fund, person=person, amount="800")
            for who in (approver, street, world.district):
                app.refresh_from_db()
                care.relief_decide(
                    actor=actor_of(who),
                    application=app,
                    decision="approve",
                    comment="",
                    expected_version=app.approval.version,
                )
            app.refresh_from_db()
            care.relief_pay(
                actor=actor_of(world.district),
                application=app,
                paid_on=today,
                method="bank",
                voucher_no="YH0001",
                expected_version=app.version,
            )
    from jiayuan.venues.services import VenueInput, venue_create

    for n, kind in enumerate(("comfort_station", "comfort_station", "parent_school")):
        venue_create(actor=system_actor(), data=VenueInput(type=kind, name=f"测试阵地{n}", division_code=world.c1))
    make_org(FUTIAN, kind="district")
    make_org(XIANGMIHU, kind="street")
    make_org(world.c1, kind="new_domain")
    return {
        "leader": leader,
        "street_leader": street_leader,
        "district": world.district,
        "today": today,
        "made": made,
    }


def _year(today) -> Period:
    return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), "year")


def _values(user, division, period):
    actor = actor_of(user)
    scope = selectors.scope_resolve(actor=actor, division=division)
    return {v.code: v for v in selectors.figure_values(actor=actor, scope=scope, period=period)}


def test_figures_equal_counts_made_here_from_the_rows(year_world):
    today = year_world["today"]
    values = _values(year_world["leader"], FUTIAN, _year(today))
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)

    def local(d):
        return timezone.localtime(d).date()

    futian = [c for c in Case.objects.all() if c.division_id.startswith(FUTIAN)]
    received = [c for c in futian if start <= local(c.received_at) <= end]
    closed = [c for c in futian if c.closed_at and start <= local(c.closed_at) <= end]
    assert values["cases.received"].value == len(received) == 8
    assert values["cases.hotline"].value == sum(1 for c in received if c.channel == "hotline")
    assert values["cases.marriage_family"].value == sum(
        1 for c in received if c.category_rows.filter(code="marriage_family").exists()
    )
    assert values["cases.closed"].value == len(closed) > 0
    ok = sum(1 for c in closed if c.outcome == "mediated")
    assert values["cases.mediated_ok"].value == ok
    assert values["cases.mediation_rate"].value == round(100.0 * ok / len(closed), 1)
    visits = [v for v in Visit.objects.all() if v.division_id.startswith(FUTIAN)]
    assert values["screening.visits"].value == len(visits) == 3
    assert values["screening.hazards"].value == Hazard.objects.count() == 1
    entries = [e for e in RegisterEntry.objects.all() if e.division_id.startswith(FUTIAN)]
    cutoff = minor_cutoff(end)
    children = [e for e in entries if e.person.birth_date and e.person.birth_date > cutoff]
    assert values["care.on_register"].value == len(entries) == 4
    assert values["care.children"].value == len(children)
    assert values["care.women"].value == len(entries) - len(children)
    paired = {p.person_id for p in Pairing.objects.all()}
    assert values["pairings.children_paired"].value == sum(1 for e in children if e.person_id in paired)
    assert values["pairings.caring_mothers"].value == 1
    paid = [a for a in ReliefApplication.objects.all() if a.status == "disbursed"]
    assert values["relief.disbursed"].value == len(paid) == 1
    assert values["relief.amount"].value == sum((a.amount for a in paid), Decimal("0"))
    assert values["orgs.organisations"].value == 3 and values["orgs.new_domain"].value == 1
    # Modules not yet in the product: "not recorded", never zero.
    assert values["venues.total"].value == 3 and values["venues.shuxin"].value == 2
    covered = 1 / Division.objects.filter(code__startswith=FUTIAN, level="community", special=False).count()
    assert values["venues.community_coverage"].value == round(100.0 * covered, 1)
    for code in ("volunteers.volunteers", "honours.civilised_posts", "childfriendly.projects", "activities.sessions"):
        assert values[code].value is None and values[code].display == NOT_RECORDED
    # A module in use with nothing this period: zero. A module never used by the district: not recorded.
    assert values["cases.litigation"].value == 0
    assert values["legal.questions"].value is None


def test_one_number_everywhere(year_world, client):
    """Dashboard, API, drill-down, Excel and Word all state each figure's value."""
    from docx import Document
    from openpyxl import load_workbook

    today = year_world["today"]
    leader = year_world["leader"]
    values = _values(leader, FUTIAN, _year(today))
    assert len(values) == len(catalogue.figures())
    client.force_login(leader)

    page = client.get(f"/reports/?division={FUTIAN}&period=year&year={today.year}").content.decode()
    shown = dict(re.findall(r'data-value="([a-z_.]+)">([^<]+)<', page))
    assert shown == {code: v.display for code, v in values.items()}

    api = client.get(f"/api/reports/figures?division={FUTIAN}&period=year&year={today.year}").json()
    assert {f["code"]: f["display"] for f in api["figures"]} == {code: v.display for code, v in values.items()}

    # The workbench's panel states the headline figures, the same numbers.
    home = client.get(f"/reports/home/?division={FUTIAN}&period=year&year={today.year}").content.decode()
    heads = {code: v.display for code, v in values.items() if catalogue.figure(code).headline}
    assert heads and dict(re.findall(r'data-figure="([a-z_.]+)">([^<]+)<', home)) == heads
    assert 'hx-get="/reports/home/"' in client.get("/").content.decode()
    for f in api["figures"]:
        v = values[f["code"]]
        assert f["value"] == (str(v.value) if isinstance(v.value, Decimal) else v.value)

    for code, v in values.items():
        fig = catalogue.figure(code)
        if v.value is None:
            continue
        if fig.kind == "ratio":
            # Both sides of a ratio open: the denominator's records, marked where the numerator counts them,
            # and the numerator's records.
            num, den = values[fig.numerator], values[fig.denominator]
            body = client.get(v.link).content.decode()
            assert f'data-testid="numerator-count">{num.display}<' in body, code
            assert f'data-testid="denominator-count">{den.display}<' in body, code
            assert f'data-testid="ratio-value">{v.display}<' in body, code
            assert f'data-testid="record-count">{den.value}<' in body, code
            if code.startswith("cases.") and den.value <= 20:
                assert body.count("<td>是</td>") == num.value, code
                assert body.count("<td>否</td>") == den.value - num.value, code
            body = client.get(v.link + "&part=numerator").content.decode()
            assert f'data-testid="record-count">{num.value}<' in body, code
            continue
        listing = client.get(v.link)
        assert listing.status_code == 200, code
        count = int(re.search(r'data-testid="record-count">(\d+)<', listing.content.decode()).group(1))
        if fig.kind == "sum":
            assert code != "relief.amount" or count == values["relief.disbursed"].value
        else:
            assert count == v.value, code

    response = client.post("/reports/report/generate/", {"division": FUTIAN, "year": today.year})
    assert response.status_code == 302
    from jiayuan.reports.models import ReportRun

    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    book = load_workbook(io.BytesIO(b"".join(client.get(f"/reports/runs/{run.pk}/xlsx/").streaming_content)))
    sheet = book["全部指标"]
    in_book = {row[0]: row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    doc = Document(io.BytesIO(b"".join(client.get(f"/reports/runs/{run.pk}/docx/").streaming_content)))
    table = doc.tables[0]
    labels = {v.label: v for v in values.values()}
    in_doc = {r.cells[1].text: r.cells[2].text for r in table.rows[1:]}
    text = "\n".join(p.text for p in doc.paragraphs)
    for code, v in values.items():
        if v.value is None:
            assert in_book[code] == NOT_RECORDED and in_doc[v.label] == NOT_RECORDED
        else:
            assert Decimal(str(in_book[code])) == Decimal(str(v.value)), code
            assert in_doc[v.label] == selectors.plain_value(v.value, v.unit), code
    assert set(in_doc) == set(labels)
    assert f"今年已接访处置个案 {values['cases.received'].value} 宗" in text
    assert f"成功调解案件 {values['cases.mediated_ok'].value} 宗" in text
    assert "尚未记录的指标" in text and "巾帼志愿者" in text


def test_scoping_of_figures_and_drill_down(year_world, client):
    today = year_world["today"]
    street_values = _values(year_world["street_leader"], XIANGMIHU, _year(today))
    district_values = _values(year_world["leader"], XIANGMIHU, _year(today))
    assert street_values["cases.received"].value == district_values["cases.received"].value
    in_street = sum(1 for c in year_world["made"] if c.division_id.startswith(XIANGMIHU))
    assert street_values["cases.received"].value == in_street < 8
    client.force_login(year_world["street_leader"])
    # Another street, the district above, another district: the same 404 on the page, the API and the list.
    for division in (MEILIN, FUTIAN, NANSHAN):
        assert client.get(f"/reports/?division={division}").status_code == 404
        assert client.get(f"/api/reports/figures?division={division}").status_code == 404
        assert client.get(f"/reports/records/?figure=cases.received&division={division}").status_code == 404
    listing = client.get("/reports/records/?figure=cases.received&period=year").content.decode()
    assert f'data-testid="record-count">{in_street}<' in listing
    numbers = set(re.findall(r"<td>(WQ\d+)</td>", listing))
    assert numbers and numbers <= {c.number for c in year_world["made"] if c.division_id.startswith(XIANGMIHU)}
    # A bar of a breakdown opens exactly its records.
    actor = actor_of(year_world["street_leader"])
    scope = selectors.scope_resolve(actor=actor, division=XIANGMIHU)
    bars = selectors.breakdown(
        actor=actor, scope=scope, period=_year(today), code="cases.received", dimension="channel"
    )
    assert sum(b.value for b in bars.bars) == in_street
    for bar in bars.bars:
        body = client.get(bar.link).content.decode()
        assert f'data-testid="record-count">{bar.value}<' in body
    by_place = selectors.breakdown(
        actor=actor, scope=scope, period=_year(today), code="cases.received", dimension="division"
    )
    assert sum(b.value for b in by_place.bars) == in_street


def test_bad_periods_get_clear_messages(year_world, client):
    client.force_login(year_world["leader"])
    response = client.get("/api/reports/figures?from=2026-05-01&to=2026-04-01")
    assert response.status_code == 400 and "早于开始日期" in response.json()["detail"]
    assert "不是有效日期" in client.get("/api/reports/figures?from=2026-13-01").json()["detail"]
    assert "季度" in client.get("/api/reports/figures?period=quarter&quarter=2026-Q5").json()["detail"]
    page = client.get("/reports/?period=custom&from=2026-05-01&to=2026-04-01")
    assert page.status_code == 200 and "早于开始日期" in page.content.decode()
    quarter = client.get("/api/reports/figures?period=quarter&quarter=2026-Q2").json()
    assert (quarter["start"], quarter["end"]) == ("2026-04-01", "2026-06-30")


def test_catalogue_lists_every_figure_once_with_its_definition(year_world, client):
    client.force_login(year_world["leader"])
    rows = client.get("/api/reports/catalogue").json()
    assert [r["code"] for r in rows] == list(catalogue.figures())
    for r in rows:
        assert r["label"] and r["unit"] and r["definition"] and r["date_basis"] and r["permission"]
    modules = {r["module"] for r in rows}
    assert {"cases", "screening", "care", "pairings", "relief", "legal", "orgs"} <= modules
    assert {"volunteers", "activities", "venues", "honours", "childfriendly", "indicators"} <= modules
    # Honours, the child-friendly city and the plan indicators read their figures from their own selectors.
    assert all(r["recorded"] for r in rows if r["module"] in ("honours", "childfriendly", "indicators"))
    assert client.get("/reports/catalogue/").status_code == 200


def test_records_export_is_masked_logged_and_limited(year_world, client, settings):
    from openpyxl import load_workbook

    from jiayuan.audit.models import AccessLog

    today = year_world["today"]
    values = _values(year_world["leader"], FUTIAN, _year(today))
    client.force_login(year_world["leader"])
    url = f"/reports/records/export/?figure=cases.received&division={FUTIAN}&period=year&year={today.year}"
    before = AccessLog.objects.filter(action="export").count()
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [r for r in book.active.iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(rows) == values["cases.received"].value
    assert AccessLog.objects.filter(action="export").count() == before + 1
    # Care records carry names: masked in the file.
    care = client.get(url.replace("cases.received", "care.on_register"))
    names = [
        r[0]
        for r in load_workbook(io.BytesIO(b"".join(care.streaming_content))).active.iter_rows(
            min_row=4, values_only=True
        )
    ]
    assert names and all("*" in n for n in names)
    # Over the limit without the bulk-export right: refused, nothing logged.
    settings.REPORTS_EXPORT_LIMIT = 2
    refused = client.get(url)
    assert refused.status_code == 400 and "超过单次导出上限 2 条" in refused.content.decode()
    assert AccessLog.objects.filter(action="export").count() == before + 2
    # The district's rights staff hold the bulk-export right.
    client.force_login(year_world["district"])
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_citys_breakdown_puts_a_functional_areas_streets_under_the_area():
    """大鹏新区's streets keep 龙岗's codes (440307009…); a figure counted from its records still shows them on
    大鹏新区's bar, not 龙岗区's, as the area's own drill-down does."""
    from tests.factories import synthetic_id

    kuichong = community_of("440307009", 0)
    longgang = community_of("440307003", 0)
    for place in (kuichong, kuichong, longgang):
        person = make_person(place, id_number=synthetic_id(dt.date(1985, 3, 8)))
        care.register_entry_create(
            actor=system_actor(), person=person, type_codes=["single_mother"], care_level="general"
        )
    actor = actor_of(make_user(Role.LEADER, "440300"))
    today = timezone.localdate()
    scope = selectors.scope_resolve(actor=actor, division="440300")
    period = Period(today.replace(month=1, day=1), today.replace(month=12, day=31), "year")
    bars = {
        b.key: b.value
        for b in selectors.breakdown(
            actor=actor, scope=scope, period=period, code="care.entered", dimension="division"
        ).bars
    }
    assert bars["440399"] == 2 and bars["440307"] == 1
