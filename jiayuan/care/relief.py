"""Relief and grants (救助金): funds, applications approved level by level, disbursement, condolence batches."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.core.models import change_reason_set
from jiayuan.divisions.models import Division, in_subtree
from jiayuan.people.models import Person
from jiayuan.workflows.models import ApprovalRequest

from .models import (
    RELIEF_OPEN,
    CondolenceBatch,
    EntryStatus,
    Fund,
    FundKind,
    LedgerEntry,
    LedgerKind,
    PayMethod,
    RegisterEntry,
    ReliefApplication,
    ReliefAttachment,
    ReliefStatus,
)

RELIEF_KIND = "care.relief"

# An amount as typed (a form's text) or computed.
Amount = Decimal | int | float | str


def default_city_threshold() -> Decimal:
    """Applications above this amount go on to the city (setting CARE_RELIEF_CITY_THRESHOLD, default 5000)."""
    value = getattr(settings, "CARE_RELIEF_CITY_THRESHOLD", None) or os.environ.get(
        "JIAYUAN_CARE_RELIEF_CITY_THRESHOLD", "5000"
    )
    return Decimal(str(value))


def relief_level_codes(fund: Fund, division_code: str, amount: Decimal | None) -> list[str]:
    """The levels that decide: from the person's community up to the district, or to the city above the fund's
    threshold (a city fund is always signed by the city)."""
    from jiayuan.workflows.registry import levels_up

    threshold = fund.city_threshold if fund.city_threshold is not None else default_city_threshold()
    to_city = amount is not None and Decimal(amount) > threshold
    if fund.division_id.endswith("00") and len(fund.division_id) == 6:
        to_city = True
    return levels_up(division_code, top="city" if to_city else "district")


def relief_levels(approval: ApprovalRequest) -> list[str]:
    application = ReliefApplication.objects.select_related("fund").filter(pk=approval.object_id).first()
    if application is None:
        from jiayuan.workflows.registry import levels_up

        return levels_up(approval.division_id, top="district")
    return relief_level_codes(application.fund, approval.division_id, approval.amount)


def relief_chain_preview(*, fund: Fund, person: Person, amount: Amount | None) -> dict:
    """What the applicant is told before submitting: who will decide, in order, and why it goes that high."""
    try:
        value = _amount(amount)
    except ValidationFailed:
        value = None
    codes = relief_level_codes(fund, person.division_id, value)
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    threshold = fund.city_threshold if fund.city_threshold is not None else default_city_threshold()
    return {
        "levels": [names.get(code, code) for code in codes],
        "amount": value,
        "threshold": threshold,
        "to_city": len(codes) > 0 and codes[-1].endswith("00"),
    }


def _application_of(approval: ApprovalRequest, *, lock: bool = True) -> ReliefApplication:
    qs = ReliefApplication.objects.select_for_update() if lock else ReliefApplication.objects
    return qs.get(pk=approval.object_id)


def on_relief_approved(approval: ApprovalRequest, actor: Actor) -> None:
    """The last level approved: the amount is committed on the fund (row locked; an overspend is refused). The
    money is not paid yet: paying is its own step (`relief_pay`), and only payment goes into the ledger."""
    application = _application_of(approval)
    fund = Fund.objects.select_for_update().get(pk=application.fund_id)
    amount = application.amount
    if fund.spent + amount > fund.budget:
        raise WorkflowError(
            f"基金「{fund.name}」剩余预算 {fund.budget - fund.spent} 元，不足以发放 {amount} 元，不能批准。"
        )
    fund.spent = fund.spent + amount
    fund.version += 1
    change_reason_set(fund, f"救助申请#{application.pk} 批准")
    fund.save()
    application.status = ReliefStatus.APPROVED
    application.approved_on = timezone.localdate()
    application.version += 1
    application.save()


def relief_pay(
    *,
    actor: Actor,
    application: ReliefApplication,
    paid_on: dt.date | None,
    method: str,
    voucher_no: str,
    expected_version: int,
) -> ReliefApplication:
    """Record the payment of an approved application (who paid, when, how, the voucher number) and write it into
    the person's ledger: the ledger holds money paid, not money approved."""
    policy.require(actor, "care.relief_pay", application)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if paid_on is None:
        errors["paid_on"] = "请填写发放日期。"
    elif paid_on > today:
        errors["paid_on"] = "发放日期不能晚于今天。"
    if method not in PayMethod.values:
        errors["method"] = "请选择发放方式。"
    voucher_no = (voucher_no or "").strip()
    if len(voucher_no) < 2:
        errors["voucher_no"] = "请填写发放凭证号（如银行流水号、收据编号）。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        application = ReliefApplication.objects.select_for_update().select_related("fund").get(pk=application.pk)
        if application.version != expected_version:
            from jiayuan.core.errors import StaleEditError

            raise StaleEditError()
        if application.status != ReliefStatus.APPROVED:
            raise WorkflowError("只有已批准、尚未发放的申请才能登记发放。")
        assert paid_on is not None  # checked above
        if application.approved_on and paid_on < application.approved_on:
            raise ValidationFailed({"paid_on": "发放日期不能早于批准日期。"})
        fund = application.fund
        line = LedgerEntry.objects.create(
            person_id=application.person_id,
            division_id=application.division_id,
            kind=LedgerKind.MONEY,
            on=paid_on,
            worker=getattr(actor, "user", None),
            content=f"{fund.name}：救助金发放（{PayMethod(method).label}，凭证号 {voucher_no}）",
            amount=application.amount,
            source=f"relief:{application.pk}",
        )
        application.status = ReliefStatus.DISBURSED
        application.disbursed_on = paid_on
        application.paid_by = getattr(actor, "user", None)
        application.pay_method = method
        application.voucher_no = voucher_no[:64]
        application.ledger_entry = line
        change_reason_set(application, "发放")
        application.save_versioned(expected_version=expected_version)
    return application


RELIEF_ATTACHMENT_TYPES = {"pdf", "jpg", "jpeg", "png", "docx"}


def relief_attach(*, actor: Actor, application: ReliefApplication, upload: UploadedFile | None) -> ReliefAttachment:
    """A document on the application (诊断证明, 收入证明…), checked by type and content; every approver sees it."""
    policy.require(actor, "care.relief_request", application)
    if application.status not in RELIEF_OPEN:
        raise WorkflowError("审批结束后不能再添加附件。")
    return _attach(actor, application, upload)


def _attach(actor: Actor, application: ReliefApplication, upload: UploadedFile | None) -> ReliefAttachment:
    from jiayuan.core.uploads import validate_upload

    info = validate_upload(upload, allowed=RELIEF_ATTACHMENT_TYPES, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    assert upload is not None  # validate_upload refuses a missing file
    attachment = ReliefAttachment(
        application=application,
        name=info.name,
        content_type=info.content_type,
        size=info.size,
        uploaded_by=getattr(actor, "user", None),
    )
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S%f}.{info.extension}", upload, save=False)
    attachment.save()
    return attachment


def on_relief_returned(approval: ApprovalRequest, actor: Actor) -> None:
    application = _application_of(approval)
    application.status = ReliefStatus.RETURNED
    application.version += 1
    application.save()


def on_relief_rejected(approval: ApprovalRequest, actor: Actor) -> None:
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


def _amount(value: Amount | None, field: str = "amount") -> Decimal:
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
    budget: Amount,
    kind: str = FundKind.RELIEF,
    city_threshold: Amount | None = None,
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


def relief_apply(
    *,
    actor: Actor,
    fund: Fund,
    person: Person,
    amount: Amount,
    reason: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> ReliefApplication:
    """Apply for a registered person: the application starts up the chain at the person's community. Documents
    (诊断证明, 收入证明…) go with it; every file is checked before anything is written."""
    from jiayuan.core.uploads import validate_upload
    from jiayuan.workflows.services import approval_request_create

    policy.require(actor, "people.view", person)
    uploads = [u for u in uploads or [] if u]
    for upload in uploads:
        validate_upload(upload, allowed=RELIEF_ATTACHMENT_TYPES, max_bytes=settings.ATTACHMENT_MAX_BYTES)
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
        for upload in uploads:
            _attach(actor, application, upload)
    return application


def _engine(application: ReliefApplication) -> ApprovalRequest:
    """The approval engine's request behind an application (every application is filed with one)."""
    if application.approval is None:
        raise NotFound("未找到该审批")
    return application.approval


def relief_decide(
    *, actor: Actor, application: ReliefApplication, decision: str, comment: str, expected_version: int
) -> ReliefApplication:
    """One level's decision on an application (approve / return / reject), on the approval engine."""
    from jiayuan.workflows.services import approval_decide

    approval_decide(
        actor=actor,
        approval=_engine(application),
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
    amount: Amount | None = None,
    reason: str | None = None,
) -> ReliefApplication:
    from jiayuan.workflows.services import approval_resubmit

    with transaction.atomic():
        new_amount = _amount(amount) if amount not in (None, "") else None
        approval_resubmit(
            actor=actor,
            approval=_engine(application),
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

    approval_withdraw(actor=actor, approval=_engine(application), expected_version=expected_version)
    application.refresh_from_db()
    return application


def condolence_batch_record(
    *,
    actor: Actor,
    title: str,
    division_code: str,
    on: dt.date,
    person_ids: list[int],
    amount_each: Amount = 0,
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
        # One save per visit (not a bulk insert): every write to a ledger reaches what listens to it, as the
        # figure summaries do.
        for p in people:
            LedgerEntry.objects.create(
                person=p,
                division_id=p.division_id,
                kind=LedgerKind.CONDOLENCE,
                on=on,
                worker=actor.user,
                content=f"{title}{'：' + content.strip() if content.strip() else ''}",
                amount=amount if amount > 0 else None,
                source=f"condolence:{batch.pk}",
            )
    return batch


def relief_paid_record(
    *,
    actor: Actor,
    fund: Fund,
    person: Person,
    amount: Amount,
    paid_on: dt.date | None,
    method: str,
    voucher_no: str,
    reason: str = "",
) -> ReliefApplication:
    """Relief paid before the platform was in use (importing an earlier ledger): recorded as applied, approved
    and paid on the day it was paid, committed on the fund (row locked; an overspend is refused) and written
    into the person's ledger like any payment. No approval chain is run for money already paid."""
    policy.require(actor, "care.relief_pay", person)
    errors: dict[str, str] = {}
    value = _amount(amount)
    if paid_on is None:
        errors["paid_on"] = "请填写发放日期。"
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "发放日期不能晚于今天。"
    elif paid_on.year != fund.year:
        errors["paid_on"] = f"发放日期不在该基金的年度（{fund.year} 年）内。"
    if method not in PayMethod.values:
        errors["method"] = "请选择发放方式。"
    voucher_no = (voucher_no or "").strip()
    if len(voucher_no) < 2:
        errors["voucher_no"] = "请填写发放凭证号（如银行流水号、收据编号）。"
    if not fund_covers(fund, person.division_id):
        errors["fund"] = "该基金不覆盖申请对象所在社区。"
    if errors:
        raise ValidationFailed(errors)
    assert paid_on is not None  # checked above
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        if locked.spent + value > locked.budget:
            raise ValidationFailed(
                {"amount": f"基金「{locked.name}」剩余预算 {locked.budget - locked.spent} 元，不足以记入 {value} 元。"}
            )
        locked.spent = locked.spent + value
        locked.version += 1
        change_reason_set(locked, "导入已发放的救助")
        locked.save()
        line = LedgerEntry.objects.create(
            person_id=person.pk,
            division_id=person.division_id,
            kind=LedgerKind.MONEY,
            on=paid_on,
            worker=getattr(actor, "user", None),
            content=f"{locked.name}：救助金发放（{PayMethod(method).label}，凭证号 {voucher_no}）",
            amount=value,
            source="relief:history",
        )
        application = ReliefApplication.objects.create(
            fund=locked,
            person=person,
            entry=RegisterEntry.objects.filter(person=person, status=EntryStatus.ACTIVE).first(),
            division_id=person.division_id,
            amount=value,
            reason=(reason or "").strip(),
            applied_by=getattr(actor, "user", None),
            status=ReliefStatus.DISBURSED,
            approved_on=paid_on,
            disbursed_on=paid_on,
            paid_by=getattr(actor, "user", None),
            pay_method=method,
            voucher_no=voucher_no[:64],
            ledger_entry=line,
        )
        # Applied on the day it was paid, as far as the records tell (the application figures count by it).
        application.created_at = timezone.make_aware(dt.datetime.combine(paid_on, dt.time(9, 0)))
        application.save(update_fields=["created_at"])
        line.source = f"relief:{application.pk}"
        line.save(update_fields=["source"])
    return application
