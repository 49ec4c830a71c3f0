"""The federation-work importers: honours, organisations with executives, child-friendly projects and indicator
values — all through the modules' services, the whole file or nothing, every refusal on its row."""

from __future__ import annotations

import pytest

from jiayuan.access.actor import Actor
from jiayuan.childfriendly.models import Project
from jiayuan.honours.models import Honour
from jiayuan.honours.services import honour_kinds_ensure
from jiayuan.imports.federation_records import HONOURS, ORGS, PROJECTS, VALUES
from jiayuan.imports.framework import run_import
from jiayuan.imports.models import RunStatus
from jiayuan.indicators.models import IndicatorValue
from jiayuan.indicators.services import plan_load
from jiayuan.orgs.models import ExecutiveMember, Organisation
from tests.factories import FUTIAN, make_org, make_person, make_user

from .test_people_import import upload, xlsx


def _headers(spec) -> list[str]:
    return [c.header for c in spec.columns]


@pytest.mark.django_db
def test_honours_all_or_nothing_with_level_rule(scene):
    honour_kinds_ensure()
    org = make_org(scene["community"])
    person = make_person(scene["community"])
    far = make_person(scene["other"])
    good = [
        ["2024", "巾帼文明岗", "街道级", "集体", str(org.pk), "2024-03-08", "香蜜湖街道妇联", ""],
        ["2023", "三八红旗手", "街道级", "个人", str(person.pk), "", "", ""],
    ]
    bad = good + [
        ["2024", "三八红旗手", "区级", "个人", str(person.pk), "", "", ""],
        ["2024", "三八红旗手", "街道级", "个人", str(far.pk), "", "", ""],
    ]
    run = run_import(actor=scene["actor"], spec=HONOURS, file=upload(xlsx(bad, headers=_headers(HONOURS))))
    assert run.status == RunStatus.ERRORS and Honour.objects.count() == 0
    assert [e[0] for e in run.errors] == [4, 5]
    assert "超出本级" in run.errors[0][2] and "管辖范围" in run.errors[1][2]
    run = run_import(actor=scene["actor"], spec=HONOURS, file=upload(xlsx(good, headers=_headers(HONOURS))))
    assert run.status == RunStatus.SUCCESS and Honour.objects.count() == 2


@pytest.mark.django_db
def test_organisations_with_executives(scene):
    people = [make_person(scene["community"]) for _ in range(2)]
    row = ["测试社区妇联", "社区妇联", "", "", scene["community"], "2016-03-08", "2024-06-18"]
    rows = [
        row + [str(people[0].pk), "主席", "", "是", "大学本科", "是"],
        row + [str(people[1].pk), "执委", "", "否", "大专", "否"],
    ]
    run = run_import(actor=scene["actor"], spec=ORGS, file=upload(xlsx(rows, headers=_headers(ORGS))))
    assert run.status == RunStatus.SUCCESS, run.errors
    org = Organisation.objects.get(name="测试社区妇联")
    seats = ExecutiveMember.objects.filter(organisation=org, committee__is_current=True)
    assert seats.count() == 2 and seats.get(post="chair").in_two_committees
    twice = rows + [row + [str(people[0].pk), "主席", "", "是", "", "是"]]
    run = run_import(actor=scene["actor"], spec=ORGS, file=upload(xlsx(twice, headers=_headers(ORGS))))
    assert run.status == RunStatus.ERRORS and ExecutiveMember.objects.filter(organisation=org).count() == 2


@pytest.mark.django_db
def test_projects_and_indicator_values(scene):
    rows = [["甲社区儿童友好社区", "儿童友好社区", "区级", "2023", scene["community"], "", "建设中", ""]]
    run = run_import(actor=scene["actor"], spec=PROJECTS, file=upload(xlsx(rows, headers=_headers(PROJECTS))))
    assert run.status == RunStatus.SUCCESS and Project.objects.get().status == "building"
    # The street may not record a project as accepted (the district accepts).
    rows = [["乙社区儿童友好社区", "儿童友好社区", "区级", "2023", scene["community"], "", "已验收", "2024-11-20"]]
    run = run_import(actor=scene["actor"], spec=PROJECTS, file=upload(xlsx(rows, headers=_headers(PROJECTS))))
    assert run.status == RunStatus.ERRORS and Project.objects.count() == 1

    district = Actor.for_user(make_user("district_rights", FUTIAN))
    plan = plan_load(code="women-2021-2030", division_code=FUTIAN, name="福田区妇女发展规划（2021—2030年）")
    rows = [[plan.name, "w_h1", "2024", "6.5", "区卫生健康局年报", ""], [plan.name, "w_h2", "2024", "75", "", ""]]
    run = run_import(actor=district, spec=VALUES, file=upload(xlsx(rows, headers=_headers(VALUES))))
    assert run.status == RunStatus.ERRORS and IndicatorValue.objects.count() == 0
    assert run.errors[0][0] == 3 and "来源" in run.errors[0][2]
    rows[1][4] = "区卫生健康局年报"
    run = run_import(actor=district, spec=VALUES, file=upload(xlsx(rows, headers=_headers(VALUES))))
    assert run.status == RunStatus.SUCCESS and IndicatorValue.objects.count() == 2
