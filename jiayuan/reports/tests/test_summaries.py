"""The summary tables equal a recount from the records after any sequence of writes through the services
(intake, transfers between communities, risk corrections, actions, closures); `figures_verify` finds and
fixes a difference; the dashboard's query count does not grow with the records."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiayuan.access.roles import Role
from jiayuan.cases import services as cases
from jiayuan.cases.models import Case, MoveKind
from jiayuan.core.errors import ApplicationError
from jiayuan.reports import drilldown, selectors, summaries, summary_verify
from jiayuan.reports.figures.base import Period
from jiayuan.reports.models import FigureDirty, FigureMonthly, FigureRollup
from tests.factories import FUTIAN, MEILIN, NANSHAN, XIANGMIHU, actor_of, community_of, make_user, system_actor

from .conftest import ALL_NO, new_case

CST = dt.timezone(dt.timedelta(hours=8))
NANSHAN_STREET = "440305001"  # 南头街道 (南山)


def _assert_summaries_exact() -> None:
    """Every summary equals a recount from the records: the monthly rows, the roll-ups of every district, the city
    and everything, and the first days of use (`summary_verify` compares each value)."""
    summaries.refresh()
    assert not FigureDirty.objects.exists()
    compared, differences = summary_verify.verify()
    assert compared > 0
    assert not differences, [d.describe({}) for d in differences]
    assert FigureRollup.objects.filter(place="").count() == FigureRollup.objects.filter(place="4403").count()


OPS = st.lists(
    st.tuples(
        st.sampled_from(["intake", "transfer", "assess", "mediate", "order", "close", "follow_up"]),
        st.integers(min_value=0, max_value=5),  # which case (modulo the cases made so far)
        st.integers(min_value=0, max_value=3),  # which community (the last one in another district) / channel
        st.integers(min_value=0, max_value=13),  # which month (2025-01 … 2026-02)
    ),
    min_size=1,
    max_size=7,
)


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_summaries_equal_a_recount_after_any_writes(world, ops):
    communities = [world.c1, world.c2, world.c3, community_of(NANSHAN_STREET, 0)]
    with transaction.atomic():
        nanshan = make_user(Role.HOTLINE_OPERATOR, NANSHAN)
        made: list[Case] = []
        for op, which, choice, month in ops:
            if op == "intake" or not made:
                when = dt.datetime(2025 + month // 12, month % 12 + 1, 1 + choice * 9, 10, tzinfo=CST)
                made.append(
                    new_case(
                        world,
                        by=nanshan if choice == 3 else None,
                        division=communities[choice],
                        channel=["hotline", "visit", "online"][choice % 3],
                        categories=[["marriage_family"], ["domestic_violence", "marriage_family"], ["custody_support"]][
                            choice % 3
                        ],
                        consent=True,
                        received_at=when,
                    )
                )
                _assert_summaries_exact()
                continue
            case = Case.objects.get(pk=made[which % len(made)].pk)
            if case.status == "closed" or case.division_id not in communities[:3]:
                continue  # a closed case, or one in the other district (written once, at intake)
            try:
                _apply(op, case, choice, world, communities)
            except ApplicationError:  # a step the workflow refuses changes nothing
                pass
            _assert_summaries_exact()
        transaction.set_rollback(True)


def _apply(op: str, case: Case, choice: int, world, communities: list[str]) -> None:
    district = actor_of(world.district)
    choice %= 3  # moves and closures stay in the district whose staff act here
    if op == "transfer" and communities[choice] != case.division_id:
        move = cases.case_move_create(
            actor=district, case=case, kind=MoveKind.TRANSFER, reason="relocated", to_division_code=communities[choice]
        )
        cases.case_move_answer(actor=system_actor(), move=move, accept=True, note="接收")
    elif op == "assess":
        cases.risk_assess(actor=district, case=case, answers=ALL_NO)
    elif op == "mediate":
        cases.case_action_add(actor=district, case=case, kind="mediation", success=True, data={"participants": "双方"})
    elif op == "order":  # counted once per month, quarter and year by the action's date, not the case's
        kind = ["protection_order", "warning_letter", "legal_aid"][choice]
        day = dt.date(2025, 1 + (case.pk * 5 + choice * 4) % 12, 1 + choice * 9)
        cases.case_action_add(actor=district, case=case, kind=kind, occurred_on=day, data={"court": "福田区人民法院"})
    elif op == "follow_up":
        cases.case_action_add(actor=district, case=case, kind="follow_up", satisfaction=5, note="好")
    elif op == "close":
        if case.handler_id is None:
            cases.case_assign(actor=district, case=case, to_user=world.district)
            case.refresh_from_db()
        if case.status != "in_progress":
            cases.case_transition(actor=district, case=case, name="start")
            case.refresh_from_db()
        outcome = ["mediated", "resolved", "referred"][choice]
        cases.case_transition(actor=district, case=case, name="close", outcome=outcome)


@pytest.fixture
def two_months(world):
    made = []
    for i, division in enumerate([world.c1, world.c2, world.c3, world.c1]):
        made.append(new_case(world, division=division, received_at=dt.datetime(2025, 3 + i % 2, 10 + i, 9, tzinfo=CST)))
    return made


@pytest.mark.django_db
def test_figures_verify_reports_a_write_around_the_models_and_fixes_it(world, two_months):
    out = io.StringIO()
    call_command("figures_verify", "--division", FUTIAN, "--from", "2025-01", "--to", "2025-12", stdout=out)
    assert "完全一致" in out.getvalue()
    # A write that goes around the models (no marks): the summaries no longer match the records.
    Case.objects.filter(pk=two_months[0].pk).update(division_id=world.c3)
    out = io.StringIO()
    with pytest.raises(CommandError, match="差异"):
        call_command("figures_verify", "--division", FUTIAN, "--from", "2025-01", "--to", "2025-12", stdout=out)
    text = out.getvalue()
    assert "差异：接访处置个案（cases.received）" in text and "2025年3月" in text and "汇总表 1，按记录重算 0" in text
    # The moved case was its community's first: the kept first day of use differs from the records too.
    assert "“维权个案”在" in text and "首条记录日期" in text
    # A roll-up row that is not the sum of the records below it is reported as the district's total row.
    row = FigureRollup.objects.filter(place=FUTIAN, figure="cases.closed", dim="").first()
    assert row is None  # nothing closed yet: the district has no such row, so one is made up
    FigureRollup.objects.create(place=FUTIAN, figure="cases.closed", month=dt.date(2025, 5, 1), n=2)
    out = io.StringIO()
    with pytest.raises(CommandError, match="差异"):
        call_command("figures_verify", "--division", FUTIAN, "--from", "2025-01", "--to", "2025-12", stdout=out)
    assert "结案个案（cases.closed）福田区（合计行） 2025年5月：汇总表 2，按记录重算 0" in out.getvalue()
    out = io.StringIO()
    call_command("figures_verify", "--division", FUTIAN, "--from", "2025-01", "--to", "2025-12", "--fix", stdout=out)
    assert "重算后差异 0 处" in out.getvalue()
    _assert_summaries_exact()
    with pytest.raises(CommandError, match="结束月份早于开始月份"):
        call_command("figures_verify", "--from", "2025-05", "--to", "2025-01", stdout=io.StringIO())


@pytest.mark.django_db
def test_figures_read_from_summaries_add_partial_months_and_grants(world, two_months):
    """A custom period counts its partial months from the records; a restricted case counts for its team."""
    leader = actor_of(make_user(Role.LEADER, FUTIAN))
    scope = selectors.scope_resolve(actor=leader, division=FUTIAN)
    summaries.refresh()
    assert FigureMonthly.objects.filter(figure="cases.received", dim="").exists()
    # 2025-03-10 … 2025-04-11: (3-10, 3-12 in March's partial month), (4-11 in April's partial month), not 4-13
    period = Period(dt.date(2025, 3, 10), dt.date(2025, 4, 12))
    (value,) = selectors.figure_values(actor=leader, scope=scope, period=period, codes=["cases.received"])
    _, records = drilldown.figure_records(actor=leader, scope=scope, period=period, code="cases.received")
    assert value.value == records.count() == 3
    # A restricted case: the district's rights staff see it through their team seat, the leader does not.
    hidden = new_case(world, division=world.c1, restricted=True, received_at=dt.datetime(2025, 3, 20, 9, tzinfo=CST))
    march = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    (value,) = selectors.figure_values(actor=leader, scope=scope, period=march, codes=["cases.received"])
    assert value.value == 2
    team = actor_of(world.district)
    (team_value,) = selectors.figure_values(actor=team, scope=scope, period=march, codes=["cases.received"])
    _, team_records = drilldown.figure_records(actor=team, scope=scope, period=march, code="cases.received")
    assert hidden.pk in set(team_records.values_list("pk", flat=True))
    assert team_value.value == team_records.count() == 3


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_the_records(world, client):
    leader = make_user(Role.LEADER, FUTIAN)
    client.force_login(leader)
    url = "/reports/?division=440304&period=year&year=2025"
    new_case(world, division=world.c1, received_at=dt.datetime(2025, 2, 1, 9, tzinfo=CST))
    assert client.get(url).status_code == 200  # folds the marks in

    def queries() -> int:
        connection.queries_log.clear()  # the log keeps the last 9,000 queries only
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    assert few > 0
    for i, division in enumerate([world.c2, world.c3, community_of(MEILIN, 1), community_of(XIANGMIHU, 2)] * 2):
        new_case(world, division=division, received_at=dt.datetime(2025, 1 + i, 3, 9, tzinfo=CST))
    client.get(url)
    assert queries() == few


@pytest.mark.django_db
def test_a_case_counts_once_per_period_by_its_actions_dates(world, client):
    """A case with protection-order applications in January and twice in March 2025 is one case that year and that
    first quarter, one in each of those months; any other run of months is counted from the records."""
    district = actor_of(world.district)
    leader = actor_of(make_user(Role.LEADER, FUTIAN))
    scope = selectors.scope_resolve(actor=leader, division=FUTIAN)
    first = new_case(world, division=world.c1, received_at=dt.datetime(2024, 12, 20, 9, tzinfo=CST))
    second = new_case(world, division=world.c2, consent=True, received_at=dt.datetime(2025, 2, 3, 9, tzinfo=CST))
    for case in (first, second):
        cases.risk_assess(actor=district, case=case, answers=ALL_NO)
    days = [(first, dt.date(2025, 1, 10)), (first, dt.date(2025, 3, 5)), (first, dt.date(2025, 3, 20))]
    days += [(second, dt.date(2025, 3, 28)), (second, dt.date(2025, 5, 6))]
    for case, day in days:
        case.refresh_from_db()
        cases.case_action_add(
            actor=district, case=case, kind="protection_order", occurred_on=day, data={"court": "福田区人民法院"}
        )
    code = "cases.protection_order"

    def shown(period: Period) -> int:
        (value,) = selectors.figure_values(actor=leader, scope=scope, period=period, codes=[code])
        _, records = drilldown.figure_records(actor=leader, scope=scope, period=period, code=code)
        assert value.value == records.count(), period
        return value.value

    months = [len({c.pk for c, d in days if d.month == m}) for m in range(1, 13)]
    assert shown(Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")) == 2
    assert shown(Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31), "quarter")) == 2
    assert shown(Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "month")) == months[2] == 2
    assert shown(Period(dt.date(2025, 2, 1), dt.date(2025, 5, 31))) == 2  # not a kept period: from the records
    assert shown(Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30), "quarter")) == 1
    # the kept rows: months add up to 4 (one case counted in January and March), the quarter and the year do not
    rows = FigureMonthly.objects.filter(figure=code)
    assert sum(rows.filter(dim="").values_list("n", flat=True)) == sum(months) == 4
    assert dict(rows.filter(dim=summaries.YEAR).values_list("division_id", "n")) == {world.c1: 1, world.c2: 1}
    # the trend and the breakdown by street read the same kept rows
    year = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")
    trend = selectors.trend(actor=leader, scope=scope, period=year, code=code)
    assert trend is not None and trend.current == months
    bars = selectors.breakdown(actor=leader, scope=scope, period=year, code=code, dimension="division").bars
    assert sum(b.value for b in bars) == 2
    _assert_summaries_exact()
    # a transfer to another district moves every month, quarter and year the case counts in
    move = cases.case_move_create(
        actor=district, case=second, kind=MoveKind.TRANSFER, reason="relocated", to_division_code=NANSHAN_STREET
    )
    cases.case_move_answer(actor=system_actor(), move=move, accept=True, note="接收")
    assert shown(year) == 1
    _assert_summaries_exact()
    # a made-up quarter row is reported in words and repaired
    FigureMonthly.objects.filter(figure=code, dim=summaries.QUARTER, division_id=world.c1).update(n=5)
    _compared, differences = summary_verify.verify(prefix=FUTIAN, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    text = " ".join(d.describe({}) for d in differences)
    assert (
        "协助申请人身安全保护令（cases.protection_order）" in text and "2025年第一季度：汇总表 5，按记录重算 1" in text
    )
    assert "@" not in text
    summaries.repair(prefix=FUTIAN, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    _assert_summaries_exact()
