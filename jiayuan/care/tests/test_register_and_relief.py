import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.conf import settings

from jiayuan.care import selectors, services
from jiayuan.care.models import EntryStatus, Fund, LedgerEntry, ReliefApplication, ReliefStatus
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from tests.factories import FUTIAN, actor_of, make_person, system_actor

from .conftest import child_birth


def enter(place, division=None, **kw):
    person = make_person(division or place.home, **kw)
    entry = services.register_entry_create(
        actor=place.actors["community"] if (division or place.home) == place.home else None,
        person=person,
        type_codes=["single_mother"],
    )
    return person, entry


def test_register_entry_exit_and_reentry_keep_history(place):
    a = place.actors["community"]
    person = make_person(place.home)
    entry = services.register_entry_create(
        actor=a, person=person, type_codes=["single_mother", "unemployed"], care_level="key", review_cycle_days=30
    )
    assert entry.next_review_on == place.today + dt.timedelta(days=30)
    with pytest.raises(WorkflowError):
        services.register_entry_create(actor=a, person=person, type_codes=["other"])
    with pytest.raises(ValidationFailed):
        services.register_entry_exit(actor=a, entry=entry, reason="", expected_version=entry.version)
    services.register_entry_exit(actor=a, entry=entry, reason="已就业，生活改善", expected_version=entry.version)
    again = services.register_entry_create(actor=a, person=person, type_codes=["serious_illness"])
    history = list(selectors.person_entries(actor=a, person=person))
    assert [h.pk for h in history] == [again.pk, entry.pk]
    assert history[1].status == EntryStatus.EXITED and history[1].exit_reason == "已就业，生活改善"


def test_register_scoping_pages_and_api(place, client):
    _, entry = enter(place)
    theirs = make_person(place.far)
    far_entry = services.register_entry_create(actor=system_actor(), person=theirs, type_codes=["other"])
    for who, sees_mine, sees_far in [
        ("community", True, False),
        ("sibling", False, False),
        ("street", True, False),
        ("other_street", False, True),
        ("district", True, True),
    ]:
        qs = selectors.register_list(actor=place.actors[who])
        assert (entry in qs) is sees_mine, who
        assert (far_entry in qs) is sees_far, who
        client.force_login(place.users[who])
        assert client.get(f"/care/register/{entry.pk}/").status_code == (200 if sees_mine else 404), who
        assert client.get(f"/api/care/register/{entry.pk}").status_code == (200 if sees_mine else 404), who
    client.force_login(place.users["volunteer"])
    assert client.get(f"/care/register/{entry.pk}/").status_code == 404
    assert client.get("/care/register/").status_code == 404


def test_review_due_filter_and_board(place):
    a = place.actors["community"]
    person, entry = enter(place)
    entry.next_review_on = place.today - dt.timedelta(days=1)
    entry.save()
    due = selectors.register_list(actor=a, filters=selectors.RegisterFilters(due=True))
    assert list(due) == [entry]
    board = selectors.worker_board(actor=a)
    assert board.counts["due_reviews"] == 1
    services.register_review_record(actor=a, entry=entry, expected_version=entry.version, summary="情况稳定")
    entry.refresh_from_db()
    assert entry.next_review_on == place.today + dt.timedelta(days=90)
    assert entry.reviews.get().on_time is False
    plan = services.plan_save(actor=a, person=person, needs_found="就业", goals="稳定收入", review_on=None)
    services.plan_measure_add(
        actor=a, plan=plan, content="推荐就业岗位", responsible="社区", due_on=place.today - dt.timedelta(days=2)
    )
    assert selectors.worker_board(actor=a).counts["overdue_measures"] == 1
    services.plan_save(
        actor=a,
        person=person,
        needs_found="就业、托育",
        goals="稳定收入",
        review_on=None,
        expected_version=plan.version,
    )
    with pytest.raises(StaleEditError):
        services.plan_save(
            actor=a, person=person, needs_found="x", goals="y", review_on=None, expected_version=plan.version
        )
    plan.refresh_from_db()
    assert plan.history.count() == 2


@pytest.fixture
def fund(place):
    return services.fund_create(
        actor=place.actors["district"],
        name="困境妇女儿童救助金",
        division_code=FUTIAN,
        year=place.today.year,
        budget="10000",
    )


def run_chain(place, app, levels=("community2", "street", "district")):
    for who in levels:
        app.refresh_from_db()
        services.relief_decide(
            actor=place.actors[who],
            application=app,
            decision="approve",
            comment="同意",
            expected_version=app.approval.version,
        )
        app.approval.refresh_from_db()
    app.refresh_from_db()
    return app


def test_relief_chain_commits_the_fund_and_payment_writes_the_ledger(place, fund):
    a = place.actors["community"]
    person, _ = enter(place)
    app = services.relief_apply(actor=a, fund=fund, person=person, amount="1200", reason="突发重病")
    with pytest.raises(WorkflowError):
        services.relief_apply(actor=a, fund=fund, person=person, amount="100")
    # The district cannot jump ahead of the community and the street.
    with pytest.raises(WorkflowError):
        services.relief_decide(
            actor=place.actors["district"],
            application=app,
            decision="approve",
            comment="",
            expected_version=app.approval.version,
        )
    app = run_chain(place, app)
    # Approved is not paid: the amount is committed on the fund, and the ledger holds nothing yet.
    assert app.status == ReliefStatus.APPROVED and app.approved_on == place.today
    fund.refresh_from_db()
    assert fund.spent == Decimal("1200") and fund.remaining == Decimal("8800")
    assert not LedgerEntry.objects.filter(source=f"relief:{app.pk}").exists()
    with pytest.raises(ValidationFailed) as refused:
        services.relief_pay(
            actor=place.actors["street"],
            application=app,
            paid_on=None,
            method="",
            voucher_no="",
            expected_version=app.version,
        )
    assert set(refused.value.errors) == {"paid_on", "method", "voucher_no"}
    with pytest.raises(NotFound):  # paying is for federation staff within reach
        services.relief_pay(
            actor=place.actors["volunteer"],
            application=app,
            paid_on=place.today,
            method="bank",
            voucher_no="YH001",
            expected_version=app.version,
        )
    app = services.relief_pay(
        actor=place.actors["street"],
        application=app,
        paid_on=place.today,
        method="bank",
        voucher_no="YH20260315001",
        expected_version=app.version,
    )
    assert app.status == ReliefStatus.DISBURSED and app.disbursed_on == place.today
    assert (app.pay_method, app.voucher_no, app.paid_by) == ("bank", "YH20260315001", place.users["street"])
    with pytest.raises(WorkflowError):  # paid once
        services.relief_pay(
            actor=place.actors["street"],
            application=app,
            paid_on=place.today,
            method="bank",
            voucher_no="YH2",
            expected_version=app.version,
        )
    line = LedgerEntry.objects.get(source=f"relief:{app.pk}")
    assert "YH20260315001" in line.content and "银行转账" in line.content
    assert line.amount == Decimal("1200") and line.person_id == person.pk
    assert line in selectors.person_ledger(actor=a, person=person)


def test_city_level_above_threshold_and_return_resubmit(place, fund):
    a = place.actors["community"]
    person, _ = enter(place)
    app = services.relief_apply(actor=a, fund=fund, person=person, amount="6000")
    assert app.approval.chain[-1] == "440300"
    services.relief_decide(
        actor=place.actors["community2"],
        application=app,
        decision="approve",
        comment="",
        expected_version=app.approval.version,
    )
    app.approval.refresh_from_db()
    services.relief_decide(
        actor=place.actors["street"],
        application=app,
        decision="return",
        comment="请补充病历",
        expected_version=app.approval.version,
    )
    app.refresh_from_db()
    assert app.status == ReliefStatus.RETURNED
    app.approval.refresh_from_db()
    services.relief_resubmit(
        actor=a, application=app, comment="已补充", expected_version=app.approval.version, amount="4000"
    )
    app.refresh_from_db()
    app.approval.refresh_from_db()
    assert app.status == ReliefStatus.PENDING and app.amount == Decimal("4000")
    assert app.approval.chain[-1] == FUTIAN  # back under the threshold: no city level
    app = run_chain(place, app)
    assert app.status == ReliefStatus.APPROVED


def test_approval_that_would_overspend_is_refused(place):
    fund = services.fund_create(
        actor=system_actor(), name="小额基金", division_code=FUTIAN, year=place.today.year, budget="1000"
    )
    a = place.actors["community"]
    p1, _ = enter(place)
    p2, _ = enter(place)
    app1 = services.relief_apply(actor=a, fund=fund, person=p1, amount="700")
    app2 = services.relief_apply(actor=a, fund=fund, person=p2, amount="600")
    run_chain(place, app1)
    with pytest.raises(WorkflowError):
        run_chain(place, app2)
    app2.refresh_from_db()
    app2.approval.refresh_from_db()
    assert app2.status == ReliefStatus.PENDING
    assert app2.approval.current_division_id == FUTIAN  # the refused step was rolled back
    fund.refresh_from_db()
    assert fund.spent == Decimal("700")


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite serialises all writers, so two transactions never overlap",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_final_approvals_never_overspend(place):
    fund = services.fund_create(
        actor=system_actor(), name="并发基金", division_code=FUTIAN, year=place.today.year, budget="1000"
    )
    a = place.actors["community"]
    apps = []
    for _ in range(2):
        person, _ = enter(place)
        app = services.relief_apply(actor=a, fund=fund, person=person, amount="600")
        run_chain(place, app, levels=("community2", "street"))
        apps.append(app)
    district_user = place.users["district"]
    barrier = threading.Barrier(2)
    results = []

    def approve(app_id):
        from django.db import connection as conn

        try:
            app = ReliefApplication.objects.select_related("approval").get(pk=app_id)
            barrier.wait()
            services.relief_decide(
                actor=actor_of(district_user),
                application=app,
                decision="approve",
                comment="",
                expected_version=app.approval.version,
            )
            results.append("ok")
        except WorkflowError:
            results.append("refused")
        finally:
            conn.close()

    threads = [threading.Thread(target=approve, args=(app.pk,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    fund.refresh_from_db()
    assert fund.spent == Decimal("600")


def test_condolence_batch_records_each_visit(place, fund):
    a = place.actors["street"]
    people = [enter(place)[0] for _ in range(3)]
    batch = services.condolence_batch_record(
        actor=a,
        title="春节慰问",
        division_code=place.home,
        on=place.today,
        person_ids=[p.pk for p in people],
        amount_each="500",
        fund=fund,
    )
    assert batch.count == 3
    assert LedgerEntry.objects.filter(source=f"condolence:{batch.pk}", amount=Decimal("500")).count() == 3
    fund.refresh_from_db()
    assert fund.spent == Decimal("1500")
    outsider = make_person(place.far)
    with pytest.raises(ValidationFailed):
        services.condolence_batch_record(
            actor=place.actors["community"],
            title="慰问",
            division_code=place.home,
            on=place.today,
            person_ids=[outsider.pk],
        )


def test_relief_and_fund_scoping(place, fund, client):
    a = place.actors["community"]
    person, _ = enter(place)
    app = services.relief_apply(actor=a, fund=fund, person=person, amount="100")
    assert fund in selectors.fund_list(actor=a)  # the district's fund is visible below it
    assert app in selectors.relief_list(actor=place.actors["street"])
    assert app not in selectors.relief_list(actor=place.actors["other_street"])
    assert app not in selectors.relief_list(actor=place.actors["sibling"])
    client.force_login(place.users["other_street"])
    assert client.get(f"/care/relief/{app.pk}/").status_code == 404
    assert client.get(f"/api/care/relief/{app.pk}").status_code == 404
    client.force_login(place.users["street"])
    assert client.get(f"/care/relief/{app.pk}/").status_code == 200
    assert client.get(f"/api/care/relief/{app.pk}").status_code == 200
    with pytest.raises(NotFound):
        services.relief_apply(
            actor=place.actors["other_street"], fund=fund, person=make_person(place.home), amount="10"
        )
    assert Fund.objects.count() == 1
    assert child_birth()  # helper import used


def test_due_reviews_become_notifications_once(place):
    from django.core.management import call_command

    from jiayuan.notifications.models import Notification

    _, entry = enter(place)
    entry.next_review_on = place.today
    entry.save()
    assert services.reviews_due_notify() == 1
    assert services.reviews_due_notify() == 0
    assert Notification.objects.filter(user=place.users["community"], title__contains="待复核").count() == 1
    call_command("care_sweep", stdout=io.StringIO())


def test_api_apply_and_decide_refuses_a_replay(place, fund, client):
    person, _ = enter(place)
    client.force_login(place.users["community"])
    created = client.post(
        "/api/care/relief",
        {"fund_id": fund.pk, "person_id": person.pk, "amount": "300", "reason": "临时困难"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["chain"] == [place.home, place.home[:9], FUTIAN]
    decide = {"decision": "approve", "comment": "", "version": body["approval_version"]}
    own = client.post(f"/api/care/relief/{body['id']}/decide", decide, content_type="application/json")
    assert own.status_code == 409  # the requester signs no level
    client.force_login(place.users["community2"])
    first = client.post(f"/api/care/relief/{body['id']}/decide", decide, content_type="application/json")
    assert first.status_code == 200 and first.json()["current_level"] == 1
    again = client.post(f"/api/care/relief/{body['id']}/decide", decide, content_type="application/json")
    assert again.status_code == 409
    # The street cannot be skipped by the district.
    client.force_login(place.users["district"])
    skip = client.post(
        f"/api/care/relief/{body['id']}/decide",
        {**decide, "version": first.json()["approval_version"]},
        content_type="application/json",
    )
    assert skip.status_code == 409
    client.force_login(place.users["other_street"])
    assert (
        client.post(f"/api/care/relief/{body['id']}/decide", decide, content_type="application/json").status_code == 404
    )


def test_vulnerability_types_are_editable_data(place, client):
    from jiayuan.dictionaries.models import DictionaryItem

    client.force_login(place.users["community"])
    assert client.get("/care/dictionaries/").status_code == 404
    client.force_login(place.users["district"])
    assert (
        client.post(
            "/care/dictionaries/",
            {"kind": "vulnerability_type", "code": "migrant_child", "label": "随迁困境儿童", "is_active": "on"},
        ).status_code
        == 302
    )
    person = make_person(place.home)
    entry = services.register_entry_create(actor=place.actors["community"], person=person, type_codes=["migrant_child"])
    assert [t.label for t in entry.types.all()] == ["随迁困境儿童"]
    client.post(
        "/care/dictionaries/",
        {"kind": "vulnerability_type", "code": "migrant_child", "label": "随迁儿童", "is_active": "off"},
    )
    assert DictionaryItem.objects.get(kind="vulnerability_type", code="migrant_child").label == "随迁儿童"
    with pytest.raises(ValidationFailed):
        services.register_entry_create(
            actor=place.actors["community"], person=make_person(place.home), type_codes=["migrant_child"]
        )
