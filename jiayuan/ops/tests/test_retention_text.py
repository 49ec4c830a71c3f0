"""Retention removes the story too: a case closed and a register stay ended longer than the period ago lose every
free text (accounts, notes, handling facts, plans, ledger contents, contact logs, relief reasons, approval
comments, the screening findings they came from; attachments are deleted), in the change history too, while
every statistic stays the same; recent and open records and those still needed keep theirs; a second run does
nothing, a dry run changes nothing, and a case reopened after its story went is done again later."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.audit.models import AccessLog, Action
from jiayuan.care import models as care_models
from jiayuan.care import services as care
from jiayuan.cases import models as case_models
from jiayuan.cases import services as cases
from jiayuan.cases.models import Case, CaseAttachment, ClosureApproval, MoveKind, Status
from jiayuan.ops import retention
from jiayuan.ops.models import RetentionEntry
from jiayuan.reports.stats.care import care_stats
from jiayuan.reports.stats.cases import case_stats
from jiayuan.reports.stats.screening import screening_section
from jiayuan.screening import models as screening_models
from jiayuan.screening import services as screening
from jiayuan.workflows.models import ApprovalRequest, ApprovalStep
from tests.factories import (
    FUTIAN,
    XIANGMIHU,
    actor_of,
    community_of,
    make_agency,
    make_person,
    make_user,
    system_actor,
)

PERIOD, OLD, RECENT = 365, 500, 10  # days
MARK = "幸福路8号"  # in every text of the old case and the old stay: must be gone everywhere
KEEP_RECENT, KEEP_OPEN, KEEP_HELD = "和平街9号", "光明巷3号", "永安里5号"


def t(label: str, where: str = MARK) -> str:
    return f"{label}：张三住在{where}，丈夫李四在华强电子厂上班"


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _age_case(case: Case, days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(closed_at=when, updated_at=when)


# Every table holding a text this feature removes, with its change history where the model keeps one.
TEXT_MODELS = [
    case_models.Case,
    case_models.CaseEvent,
    case_models.CaseAction,
    case_models.RiskAssessment,
    case_models.CaseMove,
    case_models.ClosureApproval,
    case_models.CaseAttachment,
    ApprovalRequest,
    ApprovalStep,
    care_models.RegisterEntry,
    care_models.RegisterReview,
    care_models.SupportPlan,
    care_models.PlanMeasure,
    care_models.LedgerEntry,
    care_models.Pairing,
    care_models.ContactLog,
    care_models.ReliefApplication,
    screening_models.Visit,
    screening_models.Hazard,
]


def _tables() -> dict[str, list[str]]:
    """Every row of those tables (history included), read through the models so encrypted text is decrypted."""
    out = {}
    models = list(TEXT_MODELS) + [m.history.model for m in TEXT_MODELS if hasattr(m, "history")]
    for model in models:
        rows = []
        for obj in model._base_manager.order_by("pk"):
            values = {f.attname: f.value_from_object(obj) for f in model._meta.concrete_fields}
            rows.append(json.dumps(values, ensure_ascii=False, default=str, sort_keys=True))
        out[model._meta.label_lower] = rows
    return out


def _leaks(tables: dict[str, list[str]], mark: str = MARK) -> dict[str, int]:
    return {label: n for label, rows in tables.items() if (n := sum(mark in row for row in rows))}


# --- the world ------------------------------------------------------------------------------------------


@pytest.fixture
def w(db):
    from jiayuan.cases import workdays

    if not case_models.CalendarDay.objects.exists():  # a transactional test elsewhere may have flushed it
        case_models.CalendarDay.objects.bulk_create(
            [
                case_models.CalendarDay(date=d, is_workday=wd, name=n, source="chinesecalendar")
                for d, wd, n in workdays.calendar_seed_rows()
            ]
        )
        workdays.clear_cache()
    care.care_dictionaries_ensure()
    x = SimpleNamespace()
    x.home, x.sibling = community_of(XIANGMIHU, 0), community_of(XIANGMIHU, 1)
    x.users = {
        "worker": make_user(Role.COMMUNITY_WORKER, x.home),
        "worker2": make_user(Role.COMMUNITY_WORKER, x.home),
        "street": make_user(Role.STREET_STAFF, XIANGMIHU),
        "district": make_user(Role.DISTRICT_RIGHTS, FUTIAN),
    }
    x.a = {k: actor_of(u) for k, u in x.users.items()}
    x.agency = make_agency("福田公安分局（留存测试）")
    x.fund = care.fund_create(
        actor=system_actor(), name="困境救助金", division_code=FUTIAN, year=timezone.localdate().year, budget="100000"
    )
    today = timezone.localdate()
    x.campaign = screening.campaign_create(
        actor=x.a["district"],
        name="家庭隐患排查",
        division_code=FUTIAN,
        covered_codes=[XIANGMIHU],
        starts_on=today.replace(day=1),
    )
    return x


def _simple_case(w, parties, *, where: str, closed: int | None, channel: str = "hotline") -> Case:
    case = cases.case_create(
        actor=system_actor(),
        data=cases.CaseInput(
            channel=channel,
            division_code=w.home,
            parties=[(p.pk, "seeker") for p in parties],
            categories=["marriage_family"],
            account=t("陈述", where),
            source=t("来源", where),
            received_at=timezone.now() - dt.timedelta(days=(closed or 0) + 30),
        ),
    )
    cases.case_action_add(actor=system_actor(), case=case, kind="contact", note=t("联系", where))
    if closed is not None:
        cases.case_assign(actor=system_actor(), case=case, to_user=w.users["district"])
        cases.case_transition(actor=system_actor(), case=case, name="start")
        cases.case_transition(actor=system_actor(), case=case, name="close", outcome="withdrawn", note=t("结案", where))
        _age_case(case, closed)
    return case


def _old_case(w) -> Case:
    """A high-risk case with text in every place a case keeps one, closed through the approval of the street."""
    seeker, respondent = make_person(w.home, name="张三"), make_person(w.home, name="李四")
    district, worker = w.a["district"], w.a["worker"]
    case = cases.case_create(
        actor=system_actor(),
        data=cases.CaseInput(
            channel="hotline",
            division_code=w.home,
            parties=[(seeker.pk, "seeker"), (respondent.pk, "respondent")],
            categories=["domestic_violence"],
            account=t("陈述"),
            source=t("来源"),
            received_at=timezone.now() - dt.timedelta(days=OLD + 60),
        ),
    )
    cases.risk_assess(
        actor=district,
        case=case,
        answers={"strangulation": "yes"},
        override_level="extreme",
        override_reason=t("调整理由"),
        note=t("评估说明"),
    )
    cases.case_assign(actor=district, case=case, to_user=w.users["worker"], note=t("分派说明"))
    case.refresh_from_db()
    cases.case_transition(actor=worker, case=case, name="start", note=t("开始办理"))
    move = cases.case_move_create(
        actor=system_actor(),
        case=case,
        kind=MoveKind.REFER,
        reason="legal_action",
        to_agency=w.agency,
        note=t("转介说明"),
        consent_override_reason=t("未经同意转出的理由"),
    )
    cases.case_move_answer(actor=system_actor(), move=move, accept=True, note=t("接收意见"))
    cases.case_referral_reply(actor=system_actor(), move=move, answer=t("转介反馈"))
    cases.case_action_add(
        actor=system_actor(),
        case=case,
        kind="mediation",
        success=True,
        note=t("调解记录"),
        data={"participants": t("参加人员")},
    )
    cases.case_action_add(
        actor=system_actor(),
        case=case,
        kind="protection_order",
        success=True,
        note=t("保护令"),
        data={"court": t("法院"), "applied_on": "2024-03-01"},
    )
    event = case.events.filter(kind="action").order_by("id").first()
    cases.case_event_correct(actor=system_actor(), event=event, note=t("更正"))
    cases.case_attachment_add(
        actor=system_actor(),
        case=case,
        upload=SimpleUploadedFile(f"张三{MARK}验伤.pdf", b"%PDF-1.4 " + MARK.encode(), content_type="application/pdf"),
    )
    cases.case_action_add(
        actor=system_actor(),
        case=case,
        kind="follow_up",
        satisfaction=4,
        note=t("回访"),
        data={"method": t("回访方式")},
    )
    case.refresh_from_db()
    cases.case_transition(actor=worker, case=case, name="close", outcome="mediated", note=t("结案说明"))
    approval = ClosureApproval.objects.get(case=case)
    cases.closure_decide(actor=w.a["street"], approval=approval, decision="return", comment=t("退回意见"))
    case.refresh_from_db()
    cases.case_transition(actor=worker, case=case, name="close", outcome="mediated", note=t("再次申请"))
    approval = ClosureApproval.objects.filter(case=case).order_by("-id").first()
    cases.closure_decide(actor=w.a["street"], approval=approval, decision="approve", comment=t("审批意见"))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    _age_case(case, OLD)
    return case


def _old_stay(w):
    """A register stay with text in every place the register keeps one, ended long ago."""
    district = w.a["district"]
    person = make_person(w.home, name="王秀英")
    entry = care.register_entry_create(
        actor=district, person=person, type_codes=["single_mother"], entered_on=_ago(800), note=t("情况说明")
    )
    care.register_review_record(
        actor=district, entry=entry, expected_version=entry.version, summary=t("复核"), reviewed_on=_ago(700)
    )
    entry.refresh_from_db()
    plan = care.plan_save(actor=district, person=person, needs_found=t("需求"), goals=t("目标"), review_on=None)
    plan = care.plan_save(
        actor=district,
        person=person,
        needs_found=t("需求修订"),
        goals=t("目标修订"),
        review_on=None,
        expected_version=plan.version,
    )
    measure = care.plan_measure_add(
        actor=district, plan=plan, content=t("措施"), responsible=t("责任方"), due_on=_ago(600)
    )
    care.plan_measure_done(actor=district, measure=measure, expected_version=measure.version, done_on=_ago(590))
    care.ledger_add(actor=district, person=person, kind="material", on=_ago(650), content=t("台账"), amount="300")
    helper = care.helper_create(actor=system_actor(), person=make_person(w.home, name="爱心妈妈"), capacity=2)
    pairing = care.pairing_create(actor=district, helper=helper, person=person, started_on=_ago(700))
    care.contact_add(actor=district, pairing=pairing, on=_ago(650), content=t("联系记录"))
    app = care.relief_apply(actor=w.a["worker"], fund=w.fund, person=person, amount="500", reason=t("申请理由"))
    care.relief_decide(
        actor=w.a["worker2"],
        application=app,
        decision="approve",
        comment=t("社区意见"),
        expected_version=app.approval.version,
    )
    app.refresh_from_db()
    care.relief_decide(
        actor=w.a["street"],
        application=app,
        decision="return",
        comment=t("退回补充"),
        expected_version=app.approval.version,
    )
    app.refresh_from_db()
    care.relief_resubmit(
        actor=w.a["worker"],
        application=app,
        comment=t("补充说明"),
        expected_version=app.approval.version,
        reason=t("补充理由"),
    )
    app.refresh_from_db()
    deciders = {w.home: "worker2", XIANGMIHU: "street", FUTIAN: "district"}
    while app.status == care_models.ReliefStatus.PENDING:
        who = deciders[app.approval.chain[app.approval.current_level]]
        care.relief_decide(
            actor=w.a[who],
            application=app,
            decision="approve",
            comment=t(f"{who}同意"),
            expected_version=app.approval.version,
        )
        app.refresh_from_db()
    assert app.status == care_models.ReliefStatus.APPROVED
    app = care.relief_pay(
        actor=w.a["worker"],
        application=app,
        paid_on=timezone.localdate(),
        method=care_models.PayMethod.BANK,
        voucher_no="YH-2024-0001",
        expected_version=app.version,
    )
    assert app.status == care_models.ReliefStatus.DISBURSED
    entry.refresh_from_db()
    care.register_entry_exit(
        actor=district, entry=entry, reason=t("退出原因"), on=_ago(OLD), expected_version=entry.version
    )
    # what happened during the stay happened long ago (the services stamp "now")
    care_models.LedgerEntry.objects.filter(person=person).update(on=_ago(OLD + 10))
    care_models.ReliefApplication.objects.filter(person=person).update(
        updated_at=timezone.now() - dt.timedelta(days=OLD), disbursed_on=_ago(OLD + 10)
    )
    return person, entry


def _stay(w, where: str, *, exited: int | None):
    person = make_person(w.home)
    entry = care.register_entry_create(
        actor=w.a["district"],
        person=person,
        type_codes=["single_mother"],
        entered_on=_ago(800),
        note=t("情况说明", where),
    )
    if exited is not None:
        care.register_entry_exit(
            actor=w.a["district"],
            entry=entry,
            reason=t("退出原因", where),
            on=_ago(exited),
            expected_version=entry.version,
        )
    return entry


def _hazard(w, people, findings: str):
    visit = screening.visit_record(
        actor=w.a["worker"],
        campaign=w.campaign,
        division_code=w.home,
        visited_on=timezone.localdate(),
        answers={"violence_signs": True},
        people=people,
        hazard_level="high",
        notes=t("走访记录", findings),
        findings=t("发现情况", findings),
    )
    return visit.hazard


def _figures(w) -> dict:
    today, now = timezone.localdate(), timezone.now()
    periods = [(today.replace(month=1, day=1), today), (_ago(1000), _ago(OLD - 100)), (_ago(1000), today)]
    district = w.a["district"]
    return {
        "cases": [case_stats(actor=district, date_from=s, date_to=e, now=now) for s, e in periods],
        "care": [care_stats(actor=district, prefix="", start=s, end=e).as_dict() for s, e in periods],
        "screening": [
            [(f.label, f.value) for f in screening_section(actor=district, prefix=FUTIAN, start=s, end=e).figures]
            for s, e in periods
        ],
        "counts": {
            m._meta.label_lower: m._base_manager.count() for m in TEXT_MODELS if m is not case_models.CaseAttachment
        },
        "actions": list(
            case_models.CaseAction.objects.values("kind", "success", "satisfaction", "occurred_on")
            .annotate(n=Count("id"))
            .order_by("kind", "occurred_on")
        ),
        "ledger": list(
            care_models.LedgerEntry.objects.values("kind", "on", "amount", "worker_id").order_by("kind", "on", "amount")
        ),
        "relief": list(
            care_models.ReliefApplication.objects.values("fund_id", "amount", "status", "approval__chain").order_by(
                "pk"
            )
        ),
    }


# --- the tests ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_old_stories_go_everywhere_figures_stay_recent_and_open_ones_stay(
    w, django_capture_on_commit_callbacks, settings, tmp_path
):
    # A media folder of its own: ids are reused after rollbacks, and another test's files under the same case
    # id would keep the case's folder from going.
    settings.MEDIA_ROOT = str(tmp_path)
    old_case = _old_case(w)
    attachment = CaseAttachment.objects.get(case=old_case)
    assert default_storage.exists(attachment.file.name)
    old_person, old_entry = _old_stay(w)
    # screening: one hazard became a case, one became register entries; both old now
    mother = make_person(w.home, name="赵六")
    case_hazard = _hazard(w, [mother], MARK)
    from_hazard = screening.hazard_to_case(
        actor=w.a["worker"], hazard=case_hazard, expected_version=case_hazard.version
    )
    cases.case_assign(actor=system_actor(), case=from_hazard, to_user=w.users["district"])
    cases.case_transition(actor=system_actor(), case=from_hazard, name="start")
    cases.case_transition(actor=system_actor(), case=from_hazard, name="close", outcome="withdrawn")
    _age_case(from_hazard, OLD)
    child = make_person(w.home, name="赵七")
    register_hazard = _hazard(w, [child], MARK)
    [hazard_entry] = screening.hazard_to_register(
        actor=w.a["worker"],
        hazard=register_hazard,
        expected_version=register_hazard.version,
        type_codes=["single_mother"],
    )
    care.register_entry_exit(
        actor=w.a["district"],
        entry=hazard_entry,
        reason="随母迁出",
        on=_ago(OLD),
        expected_version=hazard_entry.version,
    )
    # what must keep its text: a recent closure, an open case, an old case whose party has that open case,
    # a recent exit, an active stay, an old exit of someone back on the register, a hazard still open
    recent_case = _simple_case(w, [make_person(w.home)], where=KEEP_RECENT, closed=RECENT)
    again = make_person(w.home)
    open_case = _simple_case(w, [again], where=KEEP_OPEN, closed=None)
    held_case = _simple_case(w, [again], where=KEEP_HELD, closed=OLD)
    recent_exit = _stay(w, KEEP_RECENT, exited=RECENT)
    active = _stay(w, KEEP_OPEN, exited=None)
    back = _stay(w, KEEP_HELD, exited=OLD)
    care.register_entry_create(actor=w.a["district"], person=back.person, type_codes=["single_mother"])
    open_hazard = _hazard(w, [make_person(w.home)], KEEP_OPEN)

    before = _tables()
    assert _leaks(before).keys() >= {
        "cases.case",
        "cases.caseevent",
        "cases.caseaction",
        "cases.riskassessment",
        "cases.casemove",
        "cases.closureapproval",
        "cases.caseattachment",
        "workflows.approvalrequest",
        "workflows.approvalstep",
        "care.registerentry",
        "care.historicalregisterentry",
        "care.registerreview",
        "care.supportplan",
        "care.historicalsupportplan",
        "care.planmeasure",
        "care.historicalplanmeasure",
        "care.ledgerentry",
        "care.pairing",
        "care.historicalpairing",
        "care.contactlog",
        "care.reliefapplication",
        "care.historicalreliefapplication",
        "screening.visit",
        "screening.hazard",
    }
    figures = _figures(w)

    # a dry run changes nothing
    out = io.StringIO()
    call_command("anonymise", "--older-than", str(PERIOD), "--dry-run", stdout=out)
    assert "cases.closed_text" in out.getvalue() and "care.exited_text" in out.getvalue()
    dry = {
        r.rule: sorted(r.ids)
        for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, dry_run=True)
    }
    assert dry["cases.closed_text"] == sorted([old_case.pk, from_hazard.pk])
    assert dry["care.exited_text"] == sorted([old_entry.pk, hazard_entry.pk])
    assert _tables() == before and not RetentionEntry.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise", "--older-than", str(PERIOD), stdout=io.StringIO())

    after = _tables()
    assert _leaks(after) == {}
    assert _figures(w) == figures
    # the files are gone from storage, their rows too; the timeline still says a file was attached
    assert not default_storage.exists(attachment.file.name)
    assert not os.path.exists(default_storage.path(f"cases/{old_case.pk}"))
    assert not CaseAttachment.objects.filter(case=old_case).exists()
    assert old_case.events.filter(kind="attachment", data__size__gt=0).count() == 1
    # what stays: the case's facts, the redacted texts as a placeholder, machine links
    fresh = Case.objects.get(pk=old_case.pk)
    assert fresh.account == retention.REDACTED and fresh.status == Status.CLOSED and fresh.risk_level == "extreme"
    assert Case.objects.get(pk=from_hazard.pk).source == f"screening:{case_hazard.pk}"
    assert case_models.CaseAction.objects.get(case=old_case, kind="protection_order").data == {
        "court": retention.REDACTED,
        "applied_on": "2024-03-01",
    }
    assert case_models.RiskAssessment.objects.get(case=old_case).answers["strangulation"] == "yes"
    ledger = care_models.LedgerEntry.objects.get(person=old_person, kind="material")
    assert ledger.content == retention.REDACTED and ledger.amount == 300
    assert care_models.SupportPlan.objects.get(person=old_person).goals == retention.REDACTED
    # the records that must keep their text keep it
    for case, where in ((recent_case, KEEP_RECENT), (open_case, KEEP_OPEN), (held_case, KEEP_HELD)):
        case.refresh_from_db()
        assert case.account == t("陈述", where) and case.source == t("来源", where)
        assert case_models.CaseAction.objects.get(case=case, kind="contact").note == t("联系", where)
    for entry, where in ((recent_exit, KEEP_RECENT), (active, KEEP_OPEN), (back, KEEP_HELD)):
        entry.refresh_from_db()
        assert entry.note == t("情况说明", where)
    open_hazard.refresh_from_db()
    assert open_hazard.findings == t("发现情况", KEEP_OPEN)
    assert all(_leaks(after, where) == _leaks(before, where) for where in (KEEP_RECENT, KEEP_OPEN, KEEP_HELD))

    # ledger and access log: one row per record, under its rule
    done = set(RetentionEntry.objects.exclude(model="people.person").values_list("model", "object_id", "rule"))
    assert done == {
        ("cases.case", str(old_case.pk), "cases.closed_text"),
        ("cases.case", str(from_hazard.pk), "cases.closed_text"),
        ("care.registerentry", str(old_entry.pk), "care.exited_text"),
        ("care.registerentry", str(hazard_entry.pk), "care.exited_text"),
        ("screening.hazard", str(case_hazard.pk), "screening.linked_text"),
        ("screening.hazard", str(register_hazard.pk), "screening.linked_text"),
    }
    logged = set(
        AccessLog.objects.filter(action=Action.ADMIN, username=Actor.system(job="retention").display_name)
        .exclude(object_type__in=["people.person", "ops.retention"])
        .values_list("object_type", "object_id")
    )
    assert logged == {(m, pk) for m, pk, _ in done}

    # a second run does nothing
    results = retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD)
    assert all(r.count == 0 for r in results), [(r.rule, r.count) for r in results]
    assert _tables() == after


@pytest.mark.django_db
def test_a_case_reopened_after_its_story_went_is_done_again_once_closed_long_enough(w):
    case = _simple_case(w, [make_person(w.home)], where=MARK, closed=OLD + 400)
    assert retention.run_retention(
        actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed_text"
    )[0].ids == [case.pk]
    assert _leaks(_tables()) == {}
    # that run was long ago; the case is reopened afterwards (the ledger entry and the case's dates are moved
    # back instead of waiting)
    RetentionEntry.objects.filter(model="cases.case").update(at=timezone.now() - dt.timedelta(days=OLD + 100))
    cases.case_transition(actor=system_actor(), case=case, name="reopen", note=t("重启理由"))
    cases.case_assign(actor=system_actor(), case=case, to_user=w.users["district"])
    cases.case_transition(actor=system_actor(), case=case, name="start")
    cases.case_action_add(actor=system_actor(), case=case, kind="note", note=t("新的记录"))
    cases.case_transition(actor=system_actor(), case=case, name="close", outcome="withdrawn")
    # closed again just now: held (recently changed), the new story stays
    assert (
        retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed_text")[
            0
        ].ids
        == []
    )
    assert _leaks(_tables())
    _age_case(case, OLD)
    assert retention.run_retention(
        actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed_text"
    )[0].ids == [case.pk]
    assert _leaks(_tables()) == {}
    assert RetentionEntry.objects.filter(model="cases.case", object_id=str(case.pk)).count() == 1
    assert (
        retention.run_retention(actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed_text")[
            0
        ].ids
        == []
    )


@pytest.mark.django_db
def test_a_case_reopened_while_the_run_goes_is_left_alone(w):
    """The list is read first; each record is asked again under its lock, so one reopened meanwhile is skipped."""
    first = _simple_case(w, [make_person(w.home)], where=MARK, closed=OLD)
    second = _simple_case(w, [make_person(w.home)], where=KEEP_OPEN, closed=OLD)
    calls = []

    def reopen_second_while_the_first_is_done(qs, cutoff):
        calls.append(1)
        if len(calls) == 2:  # the run has listed both and is now at the first
            cases.case_transition(
                actor=system_actor(), case=Case.objects.get(pk=second.pk), name="reopen", note="当事人再次求助"
            )
        return qs

    retention.register_hold("test.reopen", model=Case, keep=reopen_second_while_the_first_is_done)
    try:
        [result] = retention.run_retention(
            actor=Actor.system(job="retention"), older_than_days=PERIOD, only="cases.closed_text"
        )
    finally:
        retention._HOLDS.pop("test.reopen")
    assert result.ids == [first.pk] and result.count == 1
    assert Case.objects.get(pk=second.pk).account == t("陈述", KEEP_OPEN)
    assert not RetentionEntry.objects.filter(model="cases.case", object_id=str(second.pk)).exists()
