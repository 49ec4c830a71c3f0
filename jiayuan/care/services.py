"""Writes in care: register entries, reviews, plans and measures, ledger lines, helpers, pairings, contacts.

Relief and condolence writes live in `relief.py` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.core.models import change_reason_set
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.people.models import Person

from .common import (  # noqa: F401  (re-exported)
    HELPER_SKILLS,
    TYPE_NEEDS,
    VULNERABILITY_TYPES,
    care_dictionaries_ensure,
    dictionary_items_for,
    no_contact_days,
    require_place,
)
from .models import (
    SKILL_KIND,
    VULNERABILITY_KIND,
    CareLevel,
    EntryCorrection,
    EntryStatus,
    LedgerEntry,
    LedgerKind,
    Pairing,
    PairingStatus,
    PlanMeasure,
    RegisterEntry,
    RegisterReview,
    SupportPlan,
)
from .pairings import (  # noqa: F401  (re-exported)
    contact_add,
    helper_create,
    helper_volunteer_link,
    pairing_close,
    pairing_create,
    pairing_end,
    pairings_flag_uncontacted,
)
from .relief import (  # noqa: F401  (re-exported)
    condolence_batch_record,
    fund_create,
    relief_apply,
    relief_attach,
    relief_chain_preview,
    relief_decide,
    relief_pay,
    relief_resubmit,
    relief_withdraw,
)

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


def _check_types_fit(person: Person, types: Sequence[DictionaryItem], on: dt.date) -> None:
    from .eligibility import type_misfits

    problems = type_misfits(types=types, birth_date=person.birth_date, gender=person.gender, on=on)
    if problems:
        raise ValidationFailed({"types": " ".join(problems)})


# ---------------------------------------------------------------- register


def register_entry_create(
    *,
    actor: Actor,
    person: Person,
    type_codes: Iterable[str],
    care_level: str = CareLevel.GENERAL,
    worker: User | None = None,
    review_cycle_days: int = 90,
    need_codes: Iterable[str] = (),
    note: str = "",
    source: str = "",
    entered_on: dt.date | None = None,
) -> RegisterEntry:
    """Enter a person on the register (or re-enter after an exit)."""
    if not actor.is_system:
        policy.require(actor, "care.edit", person)
    types = dictionary_items_for(VULNERABILITY_KIND, type_codes, "types")
    if not types:
        raise ValidationFailed({"types": "请至少选择一种困境类型。"})
    _check_types_fit(person, types, entered_on or timezone.localdate())
    needs = dictionary_items_for(SKILL_KIND, need_codes, "needs") if need_codes else []
    if care_level not in CareLevel.values:
        raise ValidationFailed({"care_level": "关爱等级不正确。"})
    try:
        cycle = int(review_cycle_days)
    except (TypeError, ValueError):
        cycle = 0
    if not 7 <= cycle <= 366:
        raise ValidationFailed({"review_cycle_days": "复核周期应在 7 至 366 天之间。"})
    entered_on = entered_on or timezone.localdate()
    if worker is None and not actor.is_system:
        worker = actor.user
    try:
        with transaction.atomic():
            entry = RegisterEntry.objects.create(
                person=person,
                division_id=person.division_id,
                care_level=care_level,
                worker=worker,
                review_cycle_days=cycle,
                next_review_on=entered_on + dt.timedelta(days=cycle),
                entered_on=entered_on,
                note=(note or "").strip(),
                source=source[:64],
                created_by=getattr(actor, "user", None),
            )
            entry.types.set(types)
            if needs:
                entry.needs.set(needs)
    except IntegrityError:
        raise WorkflowError("该人员已在困境妇女儿童数据库中。") from None
    return entry


def register_entry_update(
    *,
    actor: Actor,
    entry: RegisterEntry,
    expected_version: int,
    type_codes: Iterable[str] | None = None,
    care_level: str | None = None,
    review_cycle_days: int | None = None,
    worker: User | None = None,
    need_codes: Iterable[str] | None = None,
    note: str | None = None,
) -> RegisterEntry:
    policy.require(actor, "care.edit", entry)
    if entry.status != EntryStatus.ACTIVE:
        raise WorkflowError("已退出的登记不能修改。")
    with transaction.atomic():
        if type_codes is not None:
            types = dictionary_items_for(VULNERABILITY_KIND, type_codes, "types")
            if not types:
                raise ValidationFailed({"types": "请至少选择一种困境类型。"})
            entry.types.set(types)
        if need_codes is not None:
            entry.needs.set(dictionary_items_for(SKILL_KIND, need_codes, "needs"))
        if care_level is not None:
            if care_level not in CareLevel.values:
                raise ValidationFailed({"care_level": "关爱等级不正确。"})
            entry.care_level = care_level
        if review_cycle_days is not None:
            entry.review_cycle_days = int(review_cycle_days)
        if worker is not None:
            entry.worker = worker
        if note is not None:
            entry.note = note.strip()
        entry.save_versioned(expected_version=expected_version)
    return entry


def register_entry_correct_types(
    *, actor: Actor, entry: RegisterEntry, type_codes: Sequence[str], reason: str, expected_version: int
) -> RegisterEntry:
    """Correct the types entered by mistake: the entry stays on the register, the correction is kept as its own
    record (what was, what is, why, who), and the new types must fit the person."""
    policy.require(actor, "care.edit", entry)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": "请写明更正理由。"})
    if entry.status != EntryStatus.ACTIVE:
        raise WorkflowError("已退出的登记不能更正。")
    types = dictionary_items_for(VULNERABILITY_KIND, type_codes, "types")
    if not types:
        raise ValidationFailed({"types": "请至少选择一种困境类型。"})
    _check_types_fit(entry.person, types, timezone.localdate())
    before = sorted(entry.types.values_list("label", flat=True))
    after = sorted(t.label for t in types)
    if before == after:
        raise ValidationFailed({"types": "困境类型没有变化。"})
    with transaction.atomic():
        change_reason_set(entry, f"更正困境类型：{reason}"[:100])
        entry.save_versioned(expected_version=expected_version)
        entry.types.set(types)
        EntryCorrection.objects.create(
            entry=entry,
            field="types",
            before="、".join(before),
            after="、".join(after),
            reason=reason[:300],
            by=getattr(actor, "user", None),
        )
    return entry


def register_entry_exit(
    *, actor: Actor, entry: RegisterEntry, reason: str, expected_version: int, on: dt.date | None = None
) -> RegisterEntry:
    """Leave the register with a reason; active pairings end with it. The entry stays in the history."""
    policy.require(actor, "care.exit", entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写退出原因。"})
    if entry.status != EntryStatus.ACTIVE:
        raise WorkflowError("该登记已退出。")
    on = on or timezone.localdate()
    with transaction.atomic():
        entry.status = EntryStatus.EXITED
        entry.exited_on = on
        entry.exit_reason = reason[:200]
        change_reason_set(entry, "退出")
        entry.save_versioned(expected_version=expected_version)
        for pairing in Pairing.objects.filter(person_id=entry.person_id, status=PairingStatus.ACTIVE):
            pairing_close(pairing, reason=f"退出困境数据库：{reason}"[:200], on=on)
    return entry


def register_review_record(
    *,
    actor: Actor,
    entry: RegisterEntry,
    expected_version: int,
    summary: str = "",
    care_level: str | None = None,
    reviewed_on: dt.date | None = None,
) -> RegisterReview:
    """Record the periodic review; the next one falls due one cycle later."""
    policy.require(actor, "care.edit", entry)
    if entry.status != EntryStatus.ACTIVE:
        raise WorkflowError("已退出的登记无需复核。")
    reviewed_on = reviewed_on or timezone.localdate()
    level = care_level or entry.care_level
    if level not in CareLevel.values:
        raise ValidationFailed({"care_level": "关爱等级不正确。"})
    with transaction.atomic():
        review = RegisterReview.objects.create(
            entry=entry,
            due_on=entry.next_review_on,
            reviewed_on=reviewed_on,
            on_time=reviewed_on <= entry.next_review_on,
            worker=actor.user,
            care_level=level,
            summary=(summary or "").strip(),
        )
        entry.care_level = level
        entry.next_review_on = reviewed_on + dt.timedelta(days=entry.review_cycle_days)
        change_reason_set(entry, "复核")
        entry.save_versioned(expected_version=expected_version)
    return review


# ---------------------------------------------------------------- plan and ledger


def plan_save(
    *,
    actor: Actor,
    person: Person,
    needs_found: str,
    goals: str,
    review_on: dt.date | None,
    expected_version: int | None = None,
) -> SupportPlan:
    """Create or revise the person's one plan; each save is a kept version."""
    policy.require(actor, "care.edit", person)
    if not RegisterEntry.objects.filter(person=person, status=EntryStatus.ACTIVE).exists():
        raise WorkflowError("请先将该人员纳入困境妇女儿童数据库。")
    with transaction.atomic():
        plan = SupportPlan.objects.filter(person=person).first()
        if plan is None:
            try:
                with transaction.atomic():
                    return SupportPlan.objects.create(
                        person=person,
                        division_id=person.division_id,
                        needs_found=(needs_found or "").strip(),
                        goals=(goals or "").strip(),
                        review_on=review_on,
                        updated_by=actor.user,
                    )
            except IntegrityError:
                raise WorkflowError("该人员的帮扶计划已由他人创建，请刷新后编辑。") from None
        if expected_version is None:
            raise WorkflowError("该人员已有帮扶计划，请在原计划上修改。")
        plan.needs_found = (needs_found or "").strip()
        plan.goals = (goals or "").strip()
        plan.review_on = review_on
        plan.division_id = person.division_id
        plan.updated_by = actor.user
        change_reason_set(plan, "修订计划")
        plan.save_versioned(expected_version=expected_version)
    return plan


def plan_measure_add(
    *, actor: Actor, plan: SupportPlan, content: str, responsible: str, due_on: dt.date | None
) -> PlanMeasure:
    policy.require(actor, "care.edit", plan)
    errors = {}
    if not (content or "").strip():
        errors["content"] = "请填写帮扶措施。"
    if not (responsible or "").strip():
        errors["responsible"] = "请填写责任方。"
    if due_on is None:
        errors["due_on"] = "请填写完成期限。"
    if errors or due_on is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return PlanMeasure.objects.create(
            plan=plan, content=content.strip()[:300], responsible=responsible.strip()[:100], due_on=due_on
        )


def plan_measure_done(
    *, actor: Actor, measure: PlanMeasure, expected_version: int, done_on: dt.date | None = None
) -> PlanMeasure:
    policy.require(actor, "care.edit", measure.plan)
    measure.done_on = done_on or timezone.localdate()
    measure.save_versioned(expected_version=expected_version)
    return measure


def ledger_add(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    on: dt.date | None,
    content: str,
    amount: Decimal | int | float | str | None = None,
    source: str = "",
) -> LedgerEntry:
    if not actor.is_system:
        policy.require(actor, "care.ledger_add", person)
    errors = {}
    if kind not in LedgerKind.values:
        errors["kind"] = "请选择台账类型。"
    if on is None:
        errors["on"] = "请填写日期。"
    elif on > timezone.localdate():
        errors["on"] = "日期不能晚于今天。"
    if not (content or "").strip():
        errors["content"] = "请填写内容。"
    if amount not in (None, ""):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from jiayuan.core.validators import parse_amount

        try:
            amount = parse_amount(amount, allow_zero=True)
        except DjangoValidationError as exc:
            errors["amount"] = exc.messages[0]
    else:
        amount = None
    if errors or on is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return LedgerEntry.objects.create(
            person=person,
            division_id=person.division_id,
            kind=kind,
            on=on,
            worker=getattr(actor, "user", None),
            content=content.strip(),
            amount=amount,
            source=source[:64],
        )


def reviews_due_notify(*, today: dt.date | None = None) -> int:
    """System sweep: tell each responsible worker about register entries whose review falls due (once per due
    date), and about plan measures past their deadline."""
    from jiayuan.notifications.services import notify

    today = today or timezone.localdate()
    sent = 0
    due = RegisterEntry.objects.filter(
        status=EntryStatus.ACTIVE, next_review_on__lte=today, worker__isnull=False
    ).select_related("worker")
    for entry in due.iterator():
        sent += notify(
            users=[entry.worker],
            title="有困境登记到期待复核",
            url=f"/care/register/{entry.pk}/",
            dedupe_key=f"care-review:{entry.pk}:{entry.next_review_on}",
        )
    return sent


def care_dictionary_save(*, actor: Actor, kind: str, code: str, label: str, is_active: bool = True) -> DictionaryItem:
    """Add or rename a vulnerability type or helper skill; codes never change once used, labels may."""
    import re

    if not actor.has_perm("care.dictionary_edit"):
        raise NotFound("未找到该页面")
    if kind not in (VULNERABILITY_KIND, SKILL_KIND):
        raise ValidationFailed({"kind": "字典类型不正确。"})
    code, label = (code or "").strip(), (label or "").strip()
    errors = {}
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,47}", code):
        errors["code"] = "代码须为小写字母、数字或下划线（2 至 48 位）。"
    if not label or len(label) > 100:
        errors["label"] = "请填写名称（最多 100 字）。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        item, created = DictionaryItem.objects.get_or_create(
            kind=kind,
            code=code,
            defaults={
                "label": label,
                "is_active": is_active,
                "order": DictionaryItem.objects.filter(kind=kind).count(),
            },
        )
        if not created:
            item.label = label
            item.is_active = is_active
            item.save(update_fields=["label", "is_active"])
    return item
