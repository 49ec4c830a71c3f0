"""Statistics equal independent counts computed here from the raw rows (in Python, not via the selectors)."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from jiayuan.care import services
from jiayuan.care.models import LedgerEntry, Pairing, RegisterEntry, ReliefApplication
from jiayuan.people.models import minor_cutoff
from jiayuan.reports.stats.care import care_stats
from tests.factories import FUTIAN, XIANGMIHU, make_person, system_actor

from .conftest import child_birth


@pytest.fixture
def world(place):
    rng = random.Random(7)
    a = place.actors["community"]
    fund = services.fund_create(
        actor=system_actor(), name="救助金", division_code=FUTIAN, year=place.today.year, budget="100000"
    )
    # types that fit the person's age (jiayuan/care/data/type_conditions.yaml)
    child_types = ["left_behind", "family_crisis", "dv_survivor", "disability"]
    adult_types = ["single_mother", "unemployed", "dv_survivor", "serious_illness"]
    people = []
    for i in range(14):
        division = [place.home, place.sibling, place.far][i % 3]
        minor = i % 2 == 0
        person = make_person(division, id_number=None, birth=child_birth(8) if minor else child_birth(40))
        entry = services.register_entry_create(
            actor=system_actor(),
            person=person,
            type_codes=rng.sample(child_types if minor else adult_types, 2),
            care_level=["key", "general", "watch"][i % 3],
            entered_on=place.today - dt.timedelta(days=rng.randint(0, 60)),
        )
        people.append((person, entry))
    # Exits, pairings, reviews, relief.
    for _, entry in people[:2]:
        services.register_entry_exit(
            actor=place.actors["district"], entry=entry, reason="情况好转", expected_version=entry.version
        )
    helper = services.helper_create(actor=system_actor(), person=make_person(place.home), capacity=5)
    for person, _ in people[2:8]:
        if person.division_id == place.home:
            services.pairing_create(actor=a, helper=helper, person=person)
    for _, entry in people[3:6]:
        entry.refresh_from_db()
        services.register_review_record(actor=place.actors["district"], entry=entry, expected_version=entry.version)
    for person, _ in people[2:5]:
        if person.division_id == place.home:
            app = services.relief_apply(actor=a, fund=fund, person=person, amount="800")
            for who in ("community2", "street", "district"):
                app.refresh_from_db()
                services.relief_decide(
                    actor=place.actors[who],
                    application=app,
                    decision="approve",
                    comment="",
                    expected_version=app.approval.version,
                )
            app.refresh_from_db()
            services.relief_pay(
                actor=place.actors["district"],
                application=app,
                paid_on=place.today,
                method="bank",
                voucher_no=f"YH{app.pk:04d}",
                expected_version=app.version,
            )
    return people


def independent(prefix, start, end):
    entries = [e for e in RegisterEntry.objects.all() if e.division_id.startswith(prefix)]
    on_reg = [e for e in entries if e.entered_on <= end and (e.exited_on is None or e.exited_on > end)]
    by_type = {}
    for e in on_reg:
        for t in e.types.all():
            by_type[t.label] = by_type.get(t.label, 0) + 1
    cutoff = minor_cutoff(end)
    children = {e.person_id for e in on_reg if e.person.birth_date and e.person.birth_date > cutoff}
    active_pairs = [
        p
        for p in Pairing.objects.all()
        if p.division_id.startswith(prefix) and p.started_on <= end and (p.ended_on is None or p.ended_on > end)
    ]
    paid = [a for a in ReliefApplication.objects.all() if a.division_id.startswith(prefix) and a.status == "disbursed"]
    return {
        "在册人数": len(on_reg),
        "by_type": by_type,
        "等级：重点关爱": sum(1 for e in on_reg if e.care_level == "key"),
        "期内纳入": sum(1 for e in entries if start <= e.entered_on <= end),
        "期内退出": sum(1 for e in entries if e.exited_on and start <= e.exited_on <= end),
        "期末结对中": len(active_pairs),
        "在册儿童": len(children),
        "已结对儿童": len({p.person_id for p in active_pairs} & children),
        "paid": sum((a.amount for a in paid), Decimal("0")),
        "ledger_money": sum(
            (line.amount for line in LedgerEntry.objects.filter(kind="money") if line.division_id.startswith(prefix)),
            Decimal("0"),
        ),
    }


@pytest.mark.parametrize("scope", ["district", "street", "community"])
def test_stats_equal_independent_counts(place, world, scope):
    actor = place.actors[scope]
    prefix = {"district": FUTIAN, "street": XIANGMIHU, "community": place.home}[scope]
    start, end = place.today - dt.timedelta(days=90), place.today
    figures = care_stats(actor=actor, prefix="", start=start, end=end).as_dict()
    expect = independent(prefix, start, end)
    reg = figures["困境妇女儿童数据库（期末在册）"]
    assert reg["在册人数"] == expect["在册人数"] > 0
    for label, n in expect["by_type"].items():
        assert reg[f"类型：{label}"] == n
    assert reg["等级：重点关爱"] == expect["等级：重点关爱"]
    assert figures["纳入与退出"] == {"期内纳入": expect["期内纳入"], "期内退出": expect["期内退出"]}
    pairs = figures["结对帮扶"]
    assert pairs["期末结对中"] == expect["期末结对中"]
    assert pairs["在册儿童"] == expect["在册儿童"]
    assert pairs["已结对儿童"] == expect["已结对儿童"]
    paid = sum((v for k, v in figures["救助申请与资金"].items() if k.startswith("已发放")), Decimal("0"))
    assert paid == expect["paid"] == expect["ledger_money"]


def test_stats_outside_scope_is_404(place, world, client):
    from jiayuan.core.errors import NotFound

    with pytest.raises(NotFound):
        care_stats(actor=place.actors["street"], prefix=FUTIAN, start=place.today, end=place.today)
    client.force_login(place.users["street"])
    assert client.get("/care/stats/?division=440304006").url == "/reports/care/?division=440304006"
    page = client.get("/reports/care/")
    assert page.status_code == 200 and "/care/register/?" in page.content.decode()
    assert client.get("/reports/care/?division=440304007").status_code == 404


def test_each_figure_links_to_the_same_records(place, world, client):
    import re

    client.force_login(place.users["district"])
    start, end = place.today - dt.timedelta(days=90), place.today
    result = care_stats(actor=place.actors["district"], start=start, end=end)
    checked = 0
    for section in result.sections:
        for figure in section.figures:
            if not figure.url or not isinstance(figure.value, int) or "统计" in figure.label:
                continue
            if figure.url.startswith(
                ("/care/register/", "/care/relief/", "/care/pairings/", "/care/reviews/", "/care/measures/")
            ):
                page = client.get(figure.url)
                assert page.status_code == 200, figure.url
                shown = int(re.search(r"共 (\d+)", page.content.decode()).group(1))
                if figure.label in (
                    "在册人数",
                    "期内纳入",
                    "期内退出",
                    "期末结对中",
                    "在册儿童",
                    "已结对儿童",
                    "期内复核",
                    "期内到期措施",
                ) or figure.label.startswith(("类型：", "等级：")):
                    assert shown == figure.value, (figure.label, figure.url, shown, figure.value)
                    checked += 1
    assert checked >= 10
