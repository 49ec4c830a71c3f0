"""Earlier ledgers from Excel: past cases (written as closed history), pairings, screening visits with hazards,
relief already paid — through the modules' services, the whole file or nothing, every refusal on its row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiayuan.access.actor import Actor
from jiayuan.care.models import Fund, Helper, LedgerEntry, Pairing, PairingStatus, ReliefApplication, ReliefStatus
from jiayuan.care.relief import fund_create
from jiayuan.care.services import register_entry_create
from jiayuan.cases.models import ActionKind, Case, CaseAction, CaseEvent, PartyRole, Status
from jiayuan.imports.framework import run_import
from jiayuan.imports.history_cases import SPEC as CASES
from jiayuan.imports.history_pairings import SPEC as PAIRINGS
from jiayuan.imports.history_relief import SPEC as RELIEF
from jiayuan.imports.history_screening import SPEC as SCREENING
from jiayuan.imports.models import RunStatus
from jiayuan.notifications.models import Notification
from jiayuan.screening.models import Campaign, Hazard, HazardStatus, Visit
from tests.factories import FUTIAN, XIANGMIHU, make_person, make_user, synthetic_id, system_actor

from .test_people_import import upload, xlsx


def _run(actor, spec, rows):
    return run_import(actor=actor, spec=spec, file=upload(xlsx(rows, headers=[c.header for c in spec.columns])))


def _on_register(scene, *, birth=dt.date(1985, 3, 8)):
    number = synthetic_id(birth)
    person = make_person(scene["community"], id_number=number)
    register_entry_create(actor=scene["actor"], person=person, type_codes=["single_mother"], care_level="general")
    return person, number


@pytest.mark.django_db
def test_past_cases_are_written_as_closed_history(scene):
    c = scene["community"]
    rows = [
        [
            "2025-03-08",
            "来访",
            c,
            "婚姻家庭纠纷",
            "王秀英",
            "",
            "13800138001",
            "争吵",
            "是",
            "2025-04-10",
            "调解成功",
            "",
        ],
        [
            "2025-05-02",
            "12338 热线",
            scene["community_name"],
            "家庭暴力、婚姻家庭纠纷",
            "",
            "",
            "",
            "",
            "否",
            "",
            "",
            "",
        ],
    ]
    bad = rows + [
        ["2025-06-01", "来访", scene["other"], "婚姻家庭纠纷", "", "", "", "", "是", "2025-05-01", "调解成功", ""],
        ["2025-06-01", "来访", c, "不存在的类别", "", "", "", "", "是", "", "", ""],
    ]
    run = _run(scene["actor"], CASES, bad)
    assert run.status == RunStatus.ERRORS and Case.objects.count() == 0
    errors = {(r, col) for r, col, _ in run.errors}
    assert (4, "所在社区") in errors and (4, "结案日期") in errors
    assert (5, "案件类别") in errors and (5, "结案日期") in errors and (5, "结案结果") in errors

    run = _run(scene["actor"], CASES, rows)
    assert run.status == RunStatus.SUCCESS, run.errors
    closed, open_ = Case.objects.order_by("received_at")
    assert closed.status == Status.CLOSED and closed.outcome == "mediated"
    assert closed.closed_at.date() == dt.date(2025, 4, 10) and closed.received_at.date() == dt.date(2025, 3, 8)
    assert closed.parties.count() == 1  # the caller registered as a party
    # Open history: in hand, no deadlines, not on the board, and nobody alerted (a domestic-violence case is urgent
    # at intake, not when it comes from a ledger).
    assert open_.status == Status.IN_PROGRESS and open_.next_due_at is None and not open_.on_board
    assert Notification.objects.count() == 0
    assert CaseEvent.objects.filter(case=closed, data__history=True).exists()


def _by_header(spec, rows: list[dict]) -> list[list]:
    return [[row.get(c.header, "") for c in spec.columns] for row in rows]


@pytest.mark.django_db
def test_past_cases_carry_the_respondent_the_children_the_mediation_and_the_follow_up(scene):
    base = {"受理日期": "2025-03-08", "来源渠道": "来访", "所在社区": scene["community"], "案件类别": "婚姻家庭纠纷"}
    good = {
        **base,
        "求助人姓名": "王秀英",
        "被投诉人": "张某（丈夫）",
        "涉及儿童": "张小明（儿子，8岁）、张小红（2015年）",
        "调解情况": "成功",
        "是否结案": "是",
        "结案日期": "2025-04-10",
        "结案结果": "调解成功",
        "回访日期": "2025-05-06",
    }
    failed = {**base, "调解情况": "未成功", "调解日期": "2025-03-20", "是否结案": "否"}
    bad = [
        {**base, "涉及儿童": "张小明（儿子，八岁，小学）", "是否结案": "否"},
        {**base, "调解情况": "谈过了", "是否结案": "否"},
        {**base, "是否结案": "否", "回访日期": "2025-05-06"},
        {**base, "是否结案": "是", "结案日期": "2025-04-10", "结案结果": "调解成功", "回访日期": "2025-04-01"},
        {**base, "被投诉人": "张某（丈夫，300）", "是否结案": "否"},
    ]
    run = _run(scene["actor"], CASES, _by_header(CASES, [good, failed, *bad]))
    assert run.status == RunStatus.ERRORS and Case.objects.count() == 0 and CaseAction.objects.count() == 0
    errors = {(r, col) for r, col, _ in run.errors}
    assert {(4, "涉及儿童"), (5, "调解情况"), (6, "回访日期"), (7, "回访日期"), (8, "被投诉人")} <= errors, errors

    run = _run(scene["actor"], CASES, _by_header(CASES, [good, failed]))
    assert run.status == RunStatus.SUCCESS, run.errors
    closed, open_ = Case.objects.order_by("-status")
    closed, open_ = (closed, open_) if closed.status == Status.CLOSED else (open_, closed)
    roles = {(p.role, p.relation, p.minor) for p in closed.parties.all()}
    assert (PartyRole.RESPONDENT, "丈夫", False) in roles
    assert (PartyRole.CHILD, "儿子", True) in roles and sum(role == PartyRole.CHILD for role, _, _ in roles) == 2
    kinds = {(a.kind, a.occurred_on, a.success) for a in closed.actions.all()}
    assert kinds == {
        (ActionKind.MEDIATION, dt.date(2025, 4, 10), True),  # no mediation date: the closing date
        (ActionKind.FOLLOW_UP, dt.date(2025, 5, 6), None),
    }
    assert closed.followup_at.date() == dt.date(2025, 5, 6)
    assert [(a.kind, a.occurred_on, a.success) for a in open_.actions.all()] == [
        (ActionKind.MEDIATION, dt.date(2025, 3, 20), False)
    ]
    # The respondent is never notified of anything.
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_ledger_under_its_own_headers_is_read_as_the_template(scene):
    """A federation's own workbook: a row-number column, 受理时间 for 受理日期, 案件类型 for 案件类别…"""
    headers = ["序号", "受理时间", "受理渠道", "所属社区", "案件类型", "当事人姓名", "是否办结", "办结日期", "处理结果"]
    row = [1, "2025-03-08", "来访", scene["community"], "婚姻家庭纠纷", "王秀英", "是", "2025-04-10", "调解成功"]
    run = run_import(actor=scene["actor"], spec=CASES, file=upload(xlsx([row], headers=headers)))
    assert run.status == RunStatus.SUCCESS, run.errors
    case = Case.objects.get()
    assert case.outcome == "mediated" and case.closed_at.date() == dt.date(2025, 4, 10)

    # The same column twice under two names is refused, naming both; nothing is written.
    twice = run_import(
        actor=scene["actor"],
        spec=CASES,
        file=upload(xlsx([row + ["家庭暴力"]], headers=[*headers, "案件类别"])),
    )
    assert twice.status != RunStatus.SUCCESS and Case.objects.count() == 1
    assert any("案件类别" in message and "同一列" in message for _, _, message in twice.errors), twice.errors


@pytest.mark.django_db
def test_pairings_with_helpers_registered_on_the_way(scene):
    helper = make_person(scene["community"], id_number=(helper_id := synthetic_id(dt.date(1970, 1, 1))))
    first, first_id = _on_register(scene)
    second, second_id = _on_register(scene)
    rows = [
        [helper_id, helper.name, "爱心妈妈", "", first_id, first.name, "2025-02-01", "", ""],
        [helper_id, helper.name, "", "", second_id, second.name, "2025-03-01", "2025-09-30", "搬离本区"],
    ]
    wrong = [rows[0][:5] + ["别人", *rows[0][6:]], rows[1][:4] + [synthetic_id(), *rows[1][5:]]]
    run = _run(scene["actor"], PAIRINGS, wrong)
    assert run.status == RunStatus.ERRORS and Pairing.objects.count() == 0 and Helper.objects.count() == 0
    assert [(r, col) for r, col, _ in run.errors] == [(2, "结对对象姓名"), (3, "结对对象证件号码")]

    run = _run(scene["actor"], PAIRINGS, rows)
    assert run.status == RunStatus.SUCCESS, run.errors
    helper_row = Helper.objects.get(person=helper)
    assert helper_row.active_count == 1
    ended = Pairing.objects.get(person=second)
    assert ended.status == PairingStatus.ENDED and ended.ended_on == dt.date(2025, 9, 30)
    assert Pairing.objects.get(person=first).started_on == dt.date(2025, 2, 1)


@pytest.mark.django_db
def test_screening_visits_with_hazards(scene):
    c = scene["community"]
    rows = [
        ["2025年3月排查", c, "2025-03-10", "", "", "", "", "", ""],
        ["2025年3月排查", c, "2025-03-12", "家庭矛盾纠纷", "一般", "争吵", "已化解", "已调解", ""],
        ["2025年3月排查", c, "2025-03-20", "家庭暴力迹象、儿童无人照看", "重大", "", "", "", ""],
    ]
    bad = rows + [["2025年3月排查", scene["other"], "2025-03-21", "家庭矛盾纠纷", "", "", "", "", ""]]
    run = _run(scene["actor"], SCREENING, bad)
    assert run.status == RunStatus.ERRORS and Visit.objects.count() == 0 and Campaign.objects.count() == 0
    assert {(r, col) for r, col, _ in run.errors} == {(5, "社区"), (5, "隐患等级")}

    run = _run(scene["actor"], SCREENING, rows)
    assert run.status == RunStatus.SUCCESS, run.errors
    campaign = Campaign.objects.get()
    assert (campaign.starts_on, campaign.ends_on) == (dt.date(2025, 3, 10), dt.date(2025, 3, 20))
    assert Visit.objects.count() == 3 and Hazard.objects.count() == 2
    assert Hazard.objects.get(level="low").status == HazardStatus.RESOLVED
    assert Hazard.objects.get(level="high").items == ["violence_signs", "child_alone"]
    # A second file under the same name files its visits under the campaign that covers the date.
    run = _run(scene["actor"], SCREENING, [["2025年3月排查", c, "2025-03-15", "", "", "", "", "", ""]])
    assert run.status == RunStatus.SUCCESS and Campaign.objects.count() == 1 and Visit.objects.count() == 4


@pytest.mark.django_db
def test_relief_already_paid_is_committed_on_the_fund_and_the_ledger(scene):
    fund = fund_create(actor=system_actor(), name="困境妇女儿童救助金", division_code=FUTIAN, year=2025, budget=5000)
    person, number = _on_register(scene)
    rows = [
        ["困境妇女儿童救助金", number, person.name, "2,000", "2025-05-20", "银行转账", "YH-1", "重病"],
        ["困境妇女儿童救助金", number, person.name, "1500", "2025-11-02", "现金", "SJ-2", ""],
    ]
    over = rows + [["困境妇女儿童救助金", number, person.name, "3000", "2025-12-01", "现金", "SJ-3", ""]]
    run = _run(scene["actor"], RELIEF, over)
    assert run.status == RunStatus.ERRORS and ReliefApplication.objects.count() == 0
    assert [(r, col) for r, col, _ in run.errors] == [(4, "发放金额")]
    wrong_year = [["困境妇女儿童救助金", number, person.name, "100", "2024-05-20", "现金", "SJ-9", ""]]
    assert _run(scene["actor"], RELIEF, wrong_year).errors[0][1] == "基金名称"

    run = _run(scene["actor"], RELIEF, rows)
    assert run.status == RunStatus.SUCCESS, run.errors
    fund.refresh_from_db()
    assert fund.spent == Decimal("3500.00")
    paid = ReliefApplication.objects.get(voucher_no="YH-1")
    assert paid.status == ReliefStatus.DISBURSED and paid.disbursed_on == dt.date(2025, 5, 20)
    assert paid.created_at.date() == dt.date(2025, 5, 20) and paid.ledger_entry.amount == Decimal("2000.00")
    assert LedgerEntry.objects.filter(person=person).count() == 2


@pytest.mark.django_db
def test_out_of_scope_people_and_rights(scene):
    """Someone in another street is unknown to the file; a worker without the right cannot import at all."""
    far = make_person(scene["other"], id_number=(far_id := synthetic_id()))
    Fund.objects.all().delete()
    rows = [["困境妇女儿童救助金", far_id, far.name, "100", "2025-05-20", "现金", "SJ-1", ""]]
    run = _run(scene["actor"], RELIEF, rows)
    assert run.status == RunStatus.ERRORS and "找不到该证件号码" in run.errors[0][2]
    leader = Actor.for_user(make_user("leader", XIANGMIHU))
    with pytest.raises(Exception, match="没有该导入权限"):
        _run(leader, CASES, [])
