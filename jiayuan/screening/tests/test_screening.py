import pytest
from django.utils import timezone

from jiayuan.access.roles import Role
from jiayuan.care.models import EntryStatus, RegisterEntry
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.people.models import Household, HouseholdMember
from jiayuan.screening import selectors, services
from jiayuan.screening.models import Campaign, HazardStatus
from tests.factories import (
    FUTIAN,
    MEILIN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_person,
    make_user,
)


@pytest.fixture
def s(db):
    from jiayuan.care.services import care_dictionaries_ensure

    care_dictionaries_ensure()
    home = community_of(XIANGMIHU, 0)

    class S:
        pass

    x = S()
    x.home, x.sibling, x.far = home, community_of(XIANGMIHU, 1), community_of(MEILIN, 0)
    x.users = {
        "community": make_user(Role.COMMUNITY_WORKER, home),
        "sibling": make_user(Role.COMMUNITY_WORKER, x.sibling),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "other_street": make_user(Role.STREET_STAFF, MEILIN),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
        "volunteer": make_user(Role.VOLUNTEER, home),
    }
    x.a = {k: actor_of(u) for k, u in x.users.items()}
    today = timezone.localdate()
    x.today = today
    x.campaign = services.campaign_create(
        actor=x.a["district"],
        name="家庭隐患月度排查",
        division_code=FUTIAN,
        covered_codes=[XIANGMIHU, MEILIN],
        starts_on=today.replace(day=1),
        monthly=True,
    )
    mother = make_person(home, name="王秀英")
    child = make_person(home, name="王小雨", id_number=None, birth=today.replace(year=today.year - 9, day=1))
    hh = Household.objects.create(name="王家", division_id=home)
    HouseholdMember.objects.create(household=hh, person=mother, relation="head")
    HouseholdMember.objects.create(household=hh, person=child, relation="child")
    x.mother, x.child, x.household = mother, child, hh
    return x


def visit_with_hazard(s, **kw):
    return services.visit_record(
        actor=s.a["community"],
        campaign=s.campaign,
        division_code=s.home,
        visited_on=s.today,
        answers={"violence_signs": True, "child_alone": False},
        household=s.household,
        hazard_level="high",
        findings="邻居反映夜间常有争吵",
        **kw,
    )


def test_visit_keeps_its_checklist_version(s):
    visit = visit_with_hazard(s)
    old = visit.checklist_version
    services.checklist_publish(
        code="household", name="家庭风险隐患排查清单", items=services.DEFAULT_CHECKLIST + [("housing", "住房安全隐患")]
    )
    s.campaign.checklist.refresh_from_db()
    newer = services.visit_record(
        actor=s.a["community"],
        campaign=s.campaign,
        division_code=s.home,
        visited_on=s.today,
        answers={"housing": True},
        hazard_level="low",
    )
    visit.refresh_from_db()
    assert visit.checklist_version == old and newer.checklist_version.number == old.number + 1
    assert "housing" not in visit.checklist_version.labels()
    with pytest.raises(ValidationFailed):
        services.visit_record(
            actor=s.a["community"],
            campaign=s.campaign,
            division_code=s.home,
            visited_on=s.today,
            answers={"unknown_item": True},
        )


def test_hazard_becomes_register_entries_carrying_household(s):
    visit = visit_with_hazard(s)
    hazard = visit.hazard
    assert hazard.level == "high" and hazard.items == ["violence_signs"]
    entries = services.hazard_to_register(
        actor=s.a["community"], hazard=hazard, expected_version=hazard.version, type_codes=["dv_survivor"]
    )
    assert {e.person_id for e in entries} == {s.mother.pk, s.child.pk}
    assert all(e.status == EntryStatus.ACTIVE and e.source == f"screening:{hazard.pk}" for e in entries)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REGISTER
    with pytest.raises(WorkflowError):
        services.hazard_to_register(
            actor=s.a["community"], hazard=hazard, expected_version=hazard.version, type_codes=["dv_survivor"]
        )


def test_each_member_is_registered_with_her_own_types_from_the_hazard_page(s, client):
    from jiayuan.care.services import care_dictionaries_ensure

    care_dictionaries_ensure()
    hazard = visit_with_hazard(s).hazard
    client.force_login(s.users["community"])
    page = client.get(f"/screening/hazards/{hazard.pk}/").content.decode()
    # the mother is offered the adult types, the nine-year-old only the child ones
    assert f'name="types_{s.mother.pk}" value="single_mother"' in page
    assert f'name="types_{s.child.pk}" value="left_behind"' in page
    assert f'name="types_{s.child.pk}" value="single_mother"' not in page
    url = f"/screening/hazards/{hazard.pk}/follow/"
    # a forged form giving the child an adult type: a Chinese error naming her, nothing entered
    refused = client.post(
        url,
        {"action": "register", "version": hazard.version, f"types_{s.child.pk}": "single_mother"},
        follow=True,
    )
    assert "成年女性" in refused.content.decode() and "王*" in refused.content.decode()
    assert not RegisterEntry.objects.exists()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN
    response = client.post(
        url,
        {
            "action": "register",
            "version": hazard.version,
            f"types_{s.mother.pk}": ["single_mother", "dv_survivor"],
            f"types_{s.child.pk}": "left_behind",
        },
    )
    assert response.status_code == 302
    types = {
        e.person_id: sorted(e.types.values_list("code", flat=True))
        for e in RegisterEntry.objects.prefetch_related("types")
    }
    assert types == {s.mother.pk: ["dv_survivor", "single_mother"], s.child.pk: ["left_behind"]}


def test_hazard_becomes_case_carrying_people_and_findings(s):
    try:
        from jiayuan.cases.services import case_create  # noqa: F401
    except ImportError:
        pytest.skip("cases module not built")
    visit = visit_with_hazard(s)
    hazard = visit.hazard
    case = services.hazard_to_case(actor=s.a["community"], hazard=hazard, expected_version=hazard.version)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CASE and hazard.case_id == case.pk
    assert case.channel == "screening" and case.source == f"screening:{hazard.pk}"
    parties = dict(case.parties.values_list("person_id", "role"))
    assert parties == {s.mother.pk: "seeker", s.child.pk: "child"}
    assert "家庭暴力迹象" in case.account
    assert set(case.category_rows.values_list("code", flat=True)) == {"domestic_violence"}


def test_scoping_of_campaigns_visits_hazards(s, client):
    visit = visit_with_hazard(s)
    hazard = visit.hazard
    for who, sees in [
        ("community", True),
        ("sibling", False),
        ("street", True),
        ("other_street", False),
        ("district", True),
    ]:
        a = s.a[who]
        assert (visit in selectors.visit_list(actor=a)) is sees, who
        assert (hazard in selectors.hazard_list(actor=a)) is sees, who
        client.force_login(s.users[who])
        assert client.get(f"/screening/hazards/{hazard.pk}/").status_code == (200 if sees else 404), who
        assert client.get(f"/api/screening/hazards/{hazard.pk}").status_code == (200 if sees else 404), who
    # Everyone covered sees the district's campaign; the volunteer sees nothing.
    assert s.campaign in selectors.campaign_list(actor=s.a["sibling"])
    assert s.campaign in selectors.campaign_list(actor=s.a["other_street"])
    client.force_login(s.users["volunteer"])
    assert client.get(f"/screening/{s.campaign.pk}/").status_code == 404
    with pytest.raises(NotFound):
        services.visit_record(
            actor=s.a["sibling"], campaign=s.campaign, division_code=s.home, visited_on=s.today, answers={}
        )


def test_progress_per_community_live_to_street_and_district(s, client):
    hazard = visit_with_hazard(s).hazard
    services.visit_record(
        actor=s.a["community"], campaign=s.campaign, division_code=s.home, visited_on=s.today, answers={}
    )
    services.hazard_resolve(actor=s.a["street"], hazard=hazard, expected_version=hazard.version, note="已调解")
    rows = {r.code: r for r in selectors.campaign_progress(actor=s.a["street"], campaign=s.campaign)}
    assert (rows[s.home].visits, rows[s.home].hazards, rows[s.home].followed) == (2, 1, 1)
    assert rows[s.sibling].visits == 0 and s.far not in rows
    district_rows = {r.code: r for r in selectors.campaign_progress(actor=s.a["district"], campaign=s.campaign)}
    assert s.far in district_rows and district_rows[s.home].visits == 2
    client.force_login(s.users["street"])
    assert client.get(f"/screening/{s.campaign.pk}/").status_code == 200
    assert client.get(f"/api/screening/campaigns/{s.campaign.pk}/progress").json()[0]["code"].startswith(XIANGMIHU)


def test_monthly_campaign_repeats_once(s):
    nxt = services.campaign_repeat(s.campaign)
    assert nxt.starts_on.day == 1 and nxt.starts_on > s.campaign.ends_on
    assert set(nxt.covered.values_list("code", flat=True)) == {XIANGMIHU, MEILIN}
    assert services.campaign_repeat(s.campaign) == nxt
    assert Campaign.objects.filter(previous=s.campaign).count() == 1
    assert RegisterEntry.objects.count() == 0


def test_checklist_page_publishes_a_new_version_without_touching_visits(s, client):
    visit = visit_with_hazard(s)
    client.force_login(s.users["community"])
    assert client.get("/screening/checklist/").status_code == 404
    client.force_login(s.users["district"])
    assert client.get("/screening/checklist/").status_code == 200
    response = client.post("/screening/checklist/", {"items": "family_conflict 家庭矛盾纠纷\nhousing 住房安全隐患"})
    assert response.status_code == 302
    s.campaign.checklist.refresh_from_db()
    assert s.campaign.checklist.latest.labels() == {"family_conflict": "家庭矛盾纠纷", "housing": "住房安全隐患"}
    visit.refresh_from_db()
    assert "violence_signs" in visit.checklist_version.labels()


def test_a_ticked_item_without_a_level_is_refused_and_the_form_keeps_what_was_typed(s, client):
    from jiayuan.core.errors import ValidationFailed
    from jiayuan.screening.models import Visit

    with pytest.raises(ValidationFailed) as refused:
        services.visit_record(
            actor=s.a["community"],
            campaign=s.campaign,
            division_code=s.home,
            visited_on=s.today,
            answers={"family_conflict": True},
        )
    assert refused.value.errors["hazard_level"] == "勾选了存在风险的项目，请选择隐患等级。"
    assert not Visit.objects.exists()
    client.force_login(s.users["community"])
    findings = "夫妻因债务争吵，丈夫摔东西，妻子情绪低落。"
    page = client.post(
        f"/screening/{s.campaign.pk}/visit/",
        {"division": s.home, "visited_on": s.today.isoformat(), "item_family_conflict": "on", "findings": findings},
    ).content.decode()
    assert "请选择隐患等级" in page
    assert findings in page and 'name="item_family_conflict" checked' in page
    assert f'<option value="{s.home}" selected>' in page
    assert not Visit.objects.exists()


def test_conversion_lets_the_worker_say_who_is_who(s, client):
    """A household with two adults: not everyone becomes 求助人; the worker picks each member's role."""
    father = make_person(s.home, name="李建国")
    visit = visit_with_hazard(s, people=[s.mother, father, s.child])
    hazard = visit.hazard
    with pytest.raises(ValidationFailed):
        services.hazard_to_case(actor=s.a["community"], hazard=hazard, expected_version=hazard.version)
    client.force_login(s.users["community"])
    page = client.get(f"/screening/hazards/{hazard.pk}/").content.decode()
    assert f'name="role_{father.pk}"' in page and "被投诉人" in page
    # a member left without a role: refused with a message, nothing converted
    client.post(
        f"/screening/hazards/{hazard.pk}/follow/",
        {"action": "case", "version": hazard.version, f"role_{s.mother.pk}": "seeker"},
    )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN
    response = client.post(
        f"/screening/hazards/{hazard.pk}/follow/",
        {
            "action": "case",
            "version": hazard.version,
            f"role_{s.mother.pk}": "seeker",
            f"role_{father.pk}": "respondent",
            f"role_{s.child.pk}": "child",
        },
    )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CASE and response.status_code == 302
    from jiayuan.cases.models import Case

    parties = dict(Case.objects.get(pk=hazard.case_id).parties.values_list("person_id", "role"))
    assert parties == {s.mother.pk: "seeker", father.pk: "respondent", s.child.pk: "child"}
