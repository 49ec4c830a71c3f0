"""Relief and grants (救助金): funds, applications approved level by level, disbursement, condolence batches."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, in_subtree
from jiayuan.people.models import Person

from .models import (
    RELIEF_OPEN,
    CondolenceBatch,
    EntryStatus,
    Fund,
    FundKind,
    LedgerEntry,
    LedgerKind,
    RegisterEntry,
    ReliefApplication,
    ReliefStatus,
)

RELIEF_KIND = "care.relief"


def default_city_threshold() -> Decimal:
    """Applications above this amount go on to the city (setting CARE_RELIEF_CITY_THRESHOLD, default 5000)."""
    value = getattr(settings, "CARE_RELIEF_CITY_THRESHOLD", None) or os.environ.get(
        "JIAYUAN_CARE_RELIEF_CITY_THRESHOLD", "5000"
    )
    return Decimal(str(value))


def relief_levels(approval) -> list[str]:
    from jiayuan.workflows.registry import levels_up

    application = ReliefApplication.objects.select_related("fund").filter(pk=approval.object_id).first()
    threshold = default_city_threshold()
    if application is not None and application.fund.city_threshold is not None:
        threshold = application.fund.city_threshold
    to_city = approval.amount is not None and Decimal(approval.amount) > threshold
    if (
        application is not None
        and application.fund.division_id.endswith("00")
        and len(application.fund.division_id) == 6
    ):
        to_city = True  # a city fund is always signed by the city
    return levels_up(approval.division_id, top="city" if to_city else "district")


def _application_of(approval, *, lock: bool = True) -> ReliefApplication:
    qs = ReliefApplication.objects.select_for_update() if lock else ReliefApplication.objects
    return qs.get(pk=approval.object_id)


def on_relief_approved(approval, actor) -> None:
    """The last level approved: charge the fund (row locked; refuse an overspend) and write the ledger."""
    application = _application_of(approval)
    fund = Fund.objects.select_for_update().get(pk=application.fund_id)
    amount = application.amount
    if fund.spent + amount > fund.budget:
        raise WorkflowError(
            f"基金「{fund.name}」剩余预算 {fund.budget - fund.spent} 元，不足以发放 {amount} 元，不能批准。"
        )
    fund.spent = fund.spent + amount
    fund.version += 1
    fund._change_reason = f"救助申请#{application.pk} 发放"
    fund.save()
    today = timezone.localdate()
    line = LedgerEntry.objects.create(
        person_id=application.person_id,
        division_id=application.division_id,
        kind=LedgerKind.MONEY,
        on=today,
        worker=getattr(actor, "user", None),
        content=f"{fund.name}：救助金发放（经{len(approval.chain)}级审批）",
        amount=amount,
        source=f"relief:{application.pk}",
    )
    application.status = ReliefStatus.DISBURSED
    application.disbursed_on = today
    application.ledger_entry = line
    application.version += 1
    application.save()


def on_relief_returned(approval, actor) -> None:
    application = _application_of(approval)
    application.status = ReliefStatus.RETURNED
    application.version += 1
    application.save()


def on_relief_rejected(approval, actor) -> None:
    application = _application_of(approval)
    application.status = ReliefStatus.WITHDRAWN if approval.status == "withdrawn" else ReliefStatus.REJECTED
    application.version += 1
    application.save()


def register_relief_kind() -> None:
    from jiayuan.workflows.registry import register_kind

    register_kind(
        RELIEF_KIND,
        levels=relief_levels,
        on_approved=on_relief_approved,
        on_rejected=on_relief_rejected,
        on_returned=on_relief_returned,
        label="救助申请",
        perms={
            "request": "care.relief_request",
            "approve": "care.relief_approve",
            "return": "care.relief_approve",
            "reject": "care.relief_approve",
        },
        url=lambda approval: reverse("care:relief_detail", kwargs={"application_id": approval.object_id}),
    )


def _amount(value, field: str = "amount") -> Decimal:
    """ "6,000", "6000.00" and "６０００元" all read as 6000 (jiayuan.core.validators.parse_amount)."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from jiayuan.core.validators import parse_amount

    try:
        return parse_amount(value).quantize(Decimal("0.01"))
    except DjangoValidationError as exc:
        raise ValidationFailed({field: exc.messages[0]}) from None


def fund_create(
    *,
    actor: Actor,
    name: str,
    division_code: str,
    year: int,
    budget,
    kind: str = FundKind.RELIEF,
    city_threshold=None,
) -> Fund:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "请填写基金名称。"})
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise ValidationFailed({"division_code": "请选择基金所属层级。"})
    if not actor.is_system:
        from jiayuan.workflows.services import covers

        if not covers(actor, "care.fund_edit", division.code):
            raise NotFound("未找到该区划")
    with transaction.atomic():
        return Fund.objects.create(
            name=name,
            division=division,
            year=int(year),
            budget=_amount(budget, "budget"),
            kind=kind,
            city_threshold=_amount(city_threshold) if city_threshold else None,
        )


def fund_covers(fund: Fund, division_code: str) -> bool:
    return in_subtree(division_code, fund.division.prefix)


def relief_apply(*, actor: Actor, fund: Fund, person: Person, amount, reason: str = "") -> ReliefApplication:
    """Apply for a registered person: the application starts up the chain at the person's community."""
    from jiayuan.workflows.services import approval_request_create

    policy.require(actor, "people.view", person)
    amount = _amount(amount)
    if not fund.is_active:
        raise ValidationFailed({"fund": "该基金已停用。"})
    if not fund_covers(fund, person.division_id):
        raise ValidationFailed({"fund": "该基金不覆盖申请对象所在社区。"})
    entry = RegisterEntry.objects.filter(person=person, status=EntryStatus.ACTIVE).first()
    if entry is None:
        raise ValidationFailed({"person": "只有已纳入困境妇女儿童数据库的人员才能申请救助。"})
    if amount > fund.remaining:
        raise ValidationFailed({"amount": f"申请金额超过该基金剩余预算（{fund.remaining} 元）。"})
    with transaction.atomic():
        if ReliefApplication.objects.filter(fund=fund, person=person, status__in=RELIEF_OPEN).exists():
            raise WorkflowError("该人员在此基金已有进行中的申请，不能重复申请。")
        application = ReliefApplication.objects.create(
            fund=fund,
            person=person,
            entry=entry,
            division_id=person.division_id,
            amount=amount,
            reason=(reason or "").strip(),
            applied_by=actor.user,
            status=ReliefStatus.PENDING,
        )
        approval = approval_request_create(
            actor=actor,
            kind=RELIEF_KIND,
            subject=application,
            division_code=person.division_id,
            amount=amount,
            category=fund.kind,
            note=f"{fund.name} 申请 {amount} 元",
        )
        application.approval = approval
        application.save(update_fields=["approval"])
    return application


def relief_decide(
    *, actor: Actor, application: ReliefApplication, decision: str, comment: str, expected_version: int
) -> ReliefApplication:
    """One level's decision on an application (approve / return / reject), on the approval engine."""
    from jiayuan.workflows.services import approval_decide

    approval_decide(
        actor=actor,
        approval=application.approval,
        decision=decision,
        comment=comment,
        expected_version=expected_version,
    )
    application.refresh_from_db()
    return application


def relief_resubmit(
    *,
    actor: Actor,
    application: ReliefApplication,
    comment: str,
    expected_version: int,
    amount=None,
    reason: str | None = None,
) -> ReliefApplication:
    from jiayuan.workflows.services import approval_resubmit

    with transaction.atomic():
        new_amount = _amount(amount) if amount not in (None, "") else None
        approval_resubmit(
            actor=actor,
            approval=application.approval,
            comment=comment,
            expected_version=expected_version,
            amount=new_amount,
        )
        locked = ReliefApplication.objects.select_for_update().get(pk=application.pk)
        locked.status = ReliefStatus.PENDING
        if new_amount is not None:
            locked.amount = new_amount
        if reason is not None and reason.strip():
            locked.reason = reason.strip()
        locked.version += 1
        locked.save()
    application.refresh_from_db()
    return application


def relief_withdraw(*, actor: Actor, application: ReliefApplication, expected_version: int) -> ReliefApplication:
    from jiayuan.workflows.services import approval_withdraw

    approval_withdraw(actor=actor, approval=application.approval, expected_version=expected_version)
    application.refresh_from_db()
    return application


def condolence_batch_record(
    *,
    actor: Actor,
    title: str,
    division_code: str,
    on: dt.date,
    person_ids: list[int],
    amount_each=0,
    content: str = "",
    fund: Fund | None = None,
) -> CondolenceBatch:
    """Record a batch of condolence visits: one ledger line per person, the fund charged once, exactly."""
    from jiayuan.workflows.services import covers

    title = (title or "").strip()
    if not title:
        raise ValidationFailed({"title": "请填写慰问活动名称。"})
    if not covers(actor, "care.condolence", division_code):
        raise NotFound("未找到该区划")
    amount = Decimal(str(amount_each or 0)).quantize(Decimal("0.01"))
    if amount < 0:
        raise ValidationFailed({"amount_each": "金额不能为负。"})
    people = list(policy.scoped(actor, "care.ledger_add", Person).filter(pk__in=person_ids))
    if not people or len(people) != len(set(person_ids)):
        raise ValidationFailed({"people": "请选择本辖区内的慰问对象。"})
    with transaction.atomic():
        total = amount * len(people)
        if fund is not None and total > 0:
            locked = Fund.objects.select_for_update().get(pk=fund.pk)
            if any(not fund_covers(locked, p.division_id) for p in people):
                raise ValidationFailed({"fund": "该基金不覆盖部分慰问对象所在社区。"})
            if locked.spent + total > locked.budget:
                raise WorkflowError(f"基金剩余预算 {locked.remaining} 元，不足以支付本次慰问 {total} 元。")
            locked.spent += total
            locked.version += 1
            locked.save()
        batch = CondolenceBatch.objects.create(
            title=title,
            division_id=division_code,
            on=on,
            amount_each=amount,
            fund=fund,
            count=len(people),
            created_by=actor.user,
        )
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    person=p,
                    division_id=p.division_id,
                    kind=LedgerKind.CONDOLENCE,
                    on=on,
                    worker=actor.user,
                    content=f"{title}{'：' + content.strip() if content.strip() else ''}",
                    amount=amount if amount > 0 else None,
                    source=f"condolence:{batch.pk}",
                )
                for p in people
            ]
        )
    return batch
