import datetime as dt

import pytest

from jiayuan.core.errors import StaleEditError, ValidationFailed, WorkflowError
from jiayuan.honours import selectors, services
from jiayuan.honours.models import Honour, HonourKind, Nomination, NominationStatus
from jiayuan.people.models import Household, HouseholdMember
from jiayuan.workflows.models import ApprovalRequest, ApprovalStep
from tests.factories import make_org, make_person


def household(division, name="王家"):
    person = make_person(division)
    home = Household.objects.create(name=name, division_id=division)
    HouseholdMember.objects.create(household=home, person=person, relation="head")
    return home, person


def kind(code):
    return HonourKind.objects.get(code=code)


def nominate(place, who="community", holder=None, level="district", code="zuimei_jiating", year=2025):
    home = holder or household(place.home)[0]
    return services.nomination_create(
        actor=place.actors[who],
        kind_id=kind(code).pk,
        level=level,
        year=year,
        holder_type="household",
        holder_id=home.pk,
        reason="孝老爱亲",
    )


def notice(place, n, who="district", days_ago=10):
    start = place.today - dt.timedelta(days=days_ago)
    return services.nomination_notice_open(
        actor=place.actors[who], nomination=n, start=start, end=start + dt.timedelta(days=6), expected_version=n.version
    )


def decide(place, n, who, decision="approve", comment=""):
    n.refresh_from_db()
    return services.nomination_decide(
        actor=place.actors[who], nomination=n, decision=decision, comment=comment, expected_version=n.version
    )


def test_chain_with_return_resubmission_notice_and_grant(place):
    home, member = household(place.home)
    n = nominate(place, holder=home)
    assert n.approval.chain == [place.home[:9], place.home[:6]]  # street, then the district grants
    assert n.status == NominationStatus.PENDING
    # The district cannot sign the street's level, and the granting level needs a notice first.
    with pytest.raises(WorkflowError):
        decide(place, n, "district")
    decide(place, n, "street")
    assert n.approval.current_level == 1
    with pytest.raises(WorkflowError, match="公示"):
        decide(place, n, "district")
    decide(place, n, "district", "return", "请补充事迹材料")
    assert n.status == NominationStatus.RETURNED
    with pytest.raises(WorkflowError):
        decide(place, n, "district")
    services.nomination_resubmit(
        actor=place.actors["community"],
        nomination=n,
        comment="已补充",
        reason="补充后的事迹",
        expected_version=n.version,
    )
    n.refresh_from_db()
    assert n.status == NominationStatus.PENDING and n.approval.current_level == 1 and n.reason == "补充后的事迹"
    # A notice still running refuses the grant.
    running = services.nomination_notice_open(
        actor=place.actors["district"],
        nomination=n,
        start=place.today,
        end=place.today + dt.timedelta(days=6),
        expected_version=n.version,
    )
    assert running.status == NominationStatus.NOTICE
    with pytest.raises(WorkflowError, match="公示期"):
        decide(place, n, "district")
    Nomination.objects.filter(pk=n.pk).update(
        notice_start=place.today - dt.timedelta(days=9), notice_end=place.today - dt.timedelta(days=2)
    )
    decide(place, n, "district", comment="同意")
    n.refresh_from_db()
    assert n.status == NominationStatus.GRANTED
    honour = Honour.objects.get(nomination=n)
    assert (honour.household_id, honour.level, honour.year, honour.division_id) == (
        home.pk,
        "district",
        2025,
        place.home,
    )
    decisions = list(ApprovalStep.objects.filter(approval=n.approval).values_list("decision", flat=True))
    assert decisions == ["submit", "approve", "return", "resubmit", "approve"]
    # The honour shows in the family's history and on its members' panel.
    history = selectors.holder_history(actor=place.actors["street"], holder_type="household", holder_id=home.pk)
    assert [h.pk for h in history["honours"]] == [honour.pk]
    panel = selectors.person_honour_panel(actor=place.actors["community"], person=member)
    assert [h.pk for h in panel["honours"]] == [honour.pk]
    # A replay of the last decision is refused.
    with pytest.raises((WorkflowError, StaleEditError)):
        decide(place, n, "district")


def test_upheld_objection_leaves_only_not_granted(place):
    n = nominate(place)
    decide(place, n, "street")
    notice(place, n)
    n.refresh_from_db()
    objection = services.objection_record(
        actor=place.actors["district"],
        nomination=n,
        received_on=n.notice_start + dt.timedelta(days=1),
        content="有违规",
    )
    with pytest.raises(WorkflowError, match="未核实"):
        decide(place, n, "district")
    services.objection_resolve(actor=place.actors["district"], objection=objection, upheld=True, finding="情况属实")
    versions = (Nomination.objects.get(pk=n.pk).version, ApprovalRequest.objects.get(pk=n.approval_id).version)
    with pytest.raises(WorkflowError, match="异议经核实成立"):
        decide(place, n, "district")
    # Nothing half-written: no honour, no step, no version moved.
    assert not Honour.objects.filter(nomination=n).exists()
    assert (Nomination.objects.get(pk=n.pk).version, ApprovalRequest.objects.get(pk=n.approval_id).version) == versions
    assert ApprovalStep.objects.filter(approval_id=n.approval_id).count() == 2
    decide(place, n, "district", "reject", "异议成立，不予授予")
    n.refresh_from_db()
    assert n.status == NominationStatus.NOT_GRANTED
    # An objection outside the notice period is refused.
    m = nominate(place)
    decide(place, m, "street")
    notice(place, m)
    m.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.objection_record(
            actor=place.actors["district"], nomination=m, received_on=m.notice_end + dt.timedelta(1), content="晚到"
        )


def test_bad_input_refused_with_nothing_written(place):
    before = (Nomination.objects.count(), ApprovalRequest.objects.count(), Honour.objects.count())
    far_home, _far_person = household(place.far)
    # A family outside the nominator's scope: refused like a missing one.
    with pytest.raises(ValidationFailed) as out:
        nominate(place, holder=far_home)
    missing = Household(pk=987654, name="x", division_id=place.home)
    with pytest.raises(ValidationFailed) as gone:
        nominate(place, holder=missing)
    assert out.value.message == gone.value.message == services.OUT_OF_SCOPE
    # A national award cannot be approved on the platform; a city office cannot nominate for the street level.
    with pytest.raises(ValidationFailed, match="全国、省级"):
        nominate(place, level="national")
    with pytest.raises(ValidationFailed, match="不能由上级单位推荐"):
        nominate(place, who="district", level="street")
    # Recording an honour above what the recording office may grant.
    person = make_person(place.home)
    with pytest.raises(ValidationFailed, match="超出本级"):
        services.honour_record(
            actor=place.actors["street"],
            kind_id=kind("sanba_hongqishou").pk,
            level="district",
            year=2024,
            holder_type="person",
            holder_id=person.pk,
        )
    with pytest.raises(ValidationFailed, match="超出本级"):
        services.honour_record(
            actor=place.actors["district"],
            kind_id=kind("sanba_hongqishou").pk,
            level="city",
            year=2024,
            holder_type="person",
            holder_id=person.pk,
        )
    # The wrong kind of holder for the kind.
    with pytest.raises(ValidationFailed):
        services.honour_record(
            actor=place.actors["district"],
            kind_id=kind("zuimei_jiating").pk,
            level="district",
            year=2024,
            holder_type="person",
            holder_id=person.pk,
        )
    assert (Nomination.objects.count(), ApprovalRequest.objects.count(), Honour.objects.count()) == before


def test_same_holder_again_higher_and_history(place):
    org = make_org(place.home)
    k = kind("jinguo_wenming_gang")
    first = services.honour_record(
        actor=place.actors["district"],
        kind_id=k.pk,
        level="district",
        year=2022,
        holder_type="organisation",
        holder_id=org.pk,
    )
    with pytest.raises(WorkflowError):
        services.honour_record(
            actor=place.actors["district"],
            kind_id=k.pk,
            level="district",
            year=2022,
            holder_type="organisation",
            holder_id=org.pk,
        )
    higher = services.honour_record(
        actor=place.actors["city"], kind_id=k.pk, level="city", year=2024, holder_type="organisation", holder_id=org.pk
    )
    history = selectors.holder_history(actor=place.actors["district"], holder_type="organisation", holder_id=org.pk)
    assert [h.pk for h in history["honours"]] == [first.pk, higher.pk]
    assert history["highest_rank"] == 3


def test_counts_match_independent_tally(place):
    import random

    rng = random.Random(7)
    kinds = list(HonourKind.objects.filter(holder_type="person"))
    made = []
    for _i in range(30):
        division = rng.choice([place.home, place.far])
        person = make_person(division)
        k, level, year = rng.choice(kinds), rng.choice(["street", "district", "national"]), rng.choice([2023, 2024])
        who = "city"
        services.honour_record(
            actor=place.actors[who], kind_id=k.pk, level=level, year=year, holder_type="person", holder_id=person.pk
        )
        made.append((division, k.pk, level, year))
    nanshan_person = make_person(place.actors["nanshan"].postings[0].division_id + "001001") if False else None
    assert nanshan_person is None
    street = place.actors["street"]
    for year in (2024, None):
        counts = selectors.honour_counts(actor=street, year=year)
        expected_total = sum(1 for d, _k, _l, y in made if d.startswith(place.home[:9]) and (year is None or y == year))
        assert counts["total"] == expected_total
        for row in counts["rows"]:
            for level, n in zip(counts["level_codes"], row["counts"], strict=True):
                assert n == sum(
                    1
                    for d, k, lv, y in made
                    if d.startswith(place.home[:9])
                    and k == row["kind"].pk
                    and lv == level
                    and (year is None or y == year)
                )
    district = selectors.honour_counts(actor=place.actors["district"], year=2023)
    assert district["total"] == sum(1 for _d, _k, _l, y in made if y == 2023)
    # Counting a place outside one's reach is refused like a missing place.
    from jiayuan.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.honour_counts(actor=street, division=place.far[:9])
    with pytest.raises(NotFound):
        selectors.honour_counts(actor=place.actors["nanshan"], year=2023, division="440304")


def test_reported_figures_are_the_selectors_counts(place):
    """The figure catalogue's honours and child-friendly figures equal counts made here from the records."""
    import datetime as dt

    from jiayuan.reports.figures import figure
    from jiayuan.reports.figures.base import Period, Query

    k = kind("zuimei_jiating")
    homes = [household(place.home)[0] for _ in range(3)]
    for i, home in enumerate(homes):
        services.honour_record(
            actor=place.actors["district"],
            kind_id=k.pk,
            level="district",
            year=2023 + i,
            holder_type="household",
            holder_id=home.pk,
            granted_on=dt.date(2023 + i, 3, 8),
        )
    query = Query(prefix=place.home[:9], period=Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"))
    families = figure("honours.families").records(place.actors["street"], query)
    assert families.count() == 1
    cumulative = figure("honours.cumulative").records(place.actors["street"], query)
    assert cumulative.count() == 2
