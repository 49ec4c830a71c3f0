"""Writes in care: register entries, reviews, plans and measures, ledger lines, helpers, pairings, contacts.

Relief and condolence writes live in `relief.py` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.dictionaries.services import dictionary_ensure
from jiayuan.divisions.models import district_code_of
from jiayuan.people.models import Person
from jiayuan.volunteers.models import Volunteer

from .models import (
    SKILL_KIND,
    VULNERABILITY_KIND,
    CareLevel,
    ContactLog,
    ContactMode,
    EntryCorrection,
    EntryStatus,
    Helper,
    HelperKind,
    LedgerEntry,
    LedgerKind,
    Pairing,
    PairingStatus,
    PlanMeasure,
    RegisterEntry,
    RegisterReview,
    SupportPlan,
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

VULNERABILITY_TYPES = [
    ("single_mother", "单亲困难母亲"),
    ("serious_illness", "重病妇女"),
    ("disability", "残疾妇女儿童"),
    ("left_behind", "留守儿童"),
    ("no_guardian", "事实无人抚养儿童"),
    ("family_crisis", "困境家庭子女"),
    ("dv_survivor", "家庭暴力受害人"),
    ("elderly_woman", "高龄/空巢妇女"),
    ("unemployed", "失业困难妇女"),
    ("other", "其他"),
]

HELPER_SKILLS = [
    ("family_education", "家庭教育指导"),
    ("psychology", "心理咨询"),
    ("legal", "家事法律"),
    ("tutoring", "学业辅导"),
    ("health", "医疗健康"),
    ("employment", "就业创业"),
    ("companionship", "陪伴关爱"),
]

# Default needs by vulnerability type, used when an entry names no needs of its own.
TYPE_NEEDS = {
    "left_behind": ["companionship", "tutoring", "family_education"],
    "no_guardian": ["companionship", "family_education", "legal"],
    "family_crisis": ["family_education", "psychology"],
    "dv_survivor": ["psychology", "legal"],
    "single_mother": ["employment", "family_education"],
    "serious_illness": ["health", "companionship"],
    "disability": ["health", "companionship"],
    "elderly_woman": ["companionship", "health"],
    "unemployed": ["employment"],
}


def care_dictionaries_ensure() -> None:
    """The editable code tables care uses (idempotent)."""
    dictionary_ensure(VULNERABILITY_KIND, VULNERABILITY_TYPES)
    dictionary_ensure(SKILL_KIND, HELPER_SKILLS)


def no_contact_days() -> int:
    """Days without contact before a pairing is flagged (setting CARE_NO_CONTACT_DAYS, default 30)."""
    return int(getattr(settings, "CARE_NO_CONTACT_DAYS", None) or os.environ.get("JIAYUAN_CARE_NO_CONTACT_DAYS", 30))


def _items(kind: str, codes, field: str) -> list[DictionaryItem]:
    codes = [c for c in dict.fromkeys(codes or []) if c]
    if kind == VULNERABILITY_KIND and not DictionaryItem.objects.filter(kind=kind).exists():
        care_dictionaries_ensure()
    items = list(DictionaryItem.objects.filter(kind=kind, code__in=codes, is_active=True))
    if len(items) != len(codes):
        raise ValidationFailed({field: "包含无效的选项。"})
    return items


def _check_types_fit(person: Person, types, on: dt.date) -> None:
    from .eligibility import type_misfits

    problems = type_misfits(types=types, birth_date=person.birth_date, gender=person.gender, on=on)
    if problems:
        raise ValidationFailed({"types": " ".join(problems)})


def _require_place(actor: Actor, perm: str, obj) -> None:
    if not actor.is_system:
        policy.require(actor, perm, obj)


# ---------------------------------------------------------------- register


def register_entry_create(
    *,
    actor: Actor,
    person: Person,
    type_codes,
    care_level: str = CareLevel.GENERAL,
    worker=None,
    review_cycle_days: int = 90,
    need_codes=(),
    note: str = "",
    source: str = "",
    entered_on: dt.date | None = None,
) -> RegisterEntry:
    """Enter a person on the register (or re-enter after an exit)."""
    if not actor.is_system:
        policy.require(actor, "care.edit", person)
    types = _items(VULNERABILITY_KIND, type_codes, "types")
    if not types:
        raise ValidationFailed({"types": "请至少选择一种困境类型。"})
    _check_types_fit(person, types, entered_on or timezone.localdate())
    needs = _items(SKILL_KIND, need_codes, "needs") if need_codes else []
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
    type_codes=None,
    care_level: str | None = None,
    review_cycle_days: int | None = None,
    worker=None,
    need_codes=None,
    note: str | None = None,
) -> RegisterEntry:
    policy.require(actor, "care.edit", entry)
    if entry.status != EntryStatus.ACTIVE:
        raise WorkflowError("已退出的登记不能修改。")
    with transaction.atomic():
        if type_codes is not None:
            types = _items(VULNERABILITY_KIND, type_codes, "types")
            if not types:
                raise ValidationFailed({"types": "请至少选择一种困境类型。"})
            entry.types.set(types)
        if need_codes is not None:
            entry.needs.set(_items(SKILL_KIND, need_codes, "needs"))
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
    *, actor: Actor, entry: RegisterEntry, type_codes, reason: str, expected_version: int
) -> RegisterEntry:
    """Correct the types entered by mistake: the entry stays on the register, the correction is kept as its own
    record (what was, what is, why, who), and the new types must fit the person."""
    policy.require(actor, "care.edit", entry)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": "请写明更正理由。"})
    if entry.status != EntryStatus.ACTIVE:
        raise WorkflowError("已退出的登记不能更正。")
    types = _items(VULNERABILITY_KIND, type_codes, "types")
    if not types:
        raise ValidationFailed({"types": "请至少选择一种困境类型。"})
    _check_types_fit(entry.person, types, timezone.localdate())
    before = sorted(entry.types.values_list("label", flat=True))
    after = sorted(t.label for t in types)
    if before == after:
        raise ValidationFailed({"types": "困境类型没有变化。"})
    with transaction.atomic():
        entry._change_reason = f"更正困境类型：{reason}"[:100]
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
        entry._change_reason = "退出"
        entry.save_versioned(expected_version=expected_version)
        for pairing in Pairing.objects.filter(person_id=entry.person_id, status=PairingStatus.ACTIVE):
            _pairing_close(pairing, reason=f"退出困境数据库：{reason}"[:200], on=on)
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
        entry._change_reason = "复核"
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
        plan._change_reason = "修订计划"
        plan.save_versioned(expected_version=expected_version)
    return plan


def plan_measure_add(
    *, actor: Actor, plan: SupportPlan, content: str, responsible: str, due_on: dt.date
) -> PlanMeasure:
    policy.require(actor, "care.edit", plan)
    errors = {}
    if not (content or "").strip():
        errors["content"] = "请填写帮扶措施。"
    if not (responsible or "").strip():
        errors["responsible"] = "请填写责任方。"
    if due_on is None:
        errors["due_on"] = "请填写完成期限。"
    if errors:
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
    *, actor: Actor, person: Person, kind: str, on: dt.date, content: str, amount=None, source: str = ""
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
    if errors:
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


# ---------------------------------------------------------------- helpers and pairings


def helper_create(
    *,
    actor: Actor,
    person: Person,
    kind: str = HelperKind.CARING_MOTHER,
    skill_codes=(),
    capacity: int = 1,
    user=None,
) -> Helper:
    if not actor.is_system:
        policy.require(actor, "care.helper_edit", person)
    if kind not in HelperKind.values:
        raise ValidationFailed({"kind": "帮扶人类型不正确。"})
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 10:
        raise ValidationFailed({"capacity": "可结对人数应在 1 至 10 之间。"})
    if not DictionaryItem.objects.filter(kind=SKILL_KIND).exists():
        care_dictionaries_ensure()
    skills = _items(SKILL_KIND, skill_codes, "skills")
    try:
        with transaction.atomic():
            helper = Helper.objects.create(
                person=person,
                division_id=person.division_id,
                kind=kind,
                capacity=capacity,
                user=user,
                volunteer=Volunteer.objects.filter(person=person).first(),
            )
            helper.skills.set(skills)
    except IntegrityError:
        raise WorkflowError("该人员已登记为帮扶人。") from None
    return helper


def helper_volunteer_link(*, actor: Actor | None, volunteer: Volunteer) -> int:
    """Point the person's helper record (爱心妈妈, 执委…) at her volunteer record; returns how many were linked."""
    return Helper.objects.filter(person_id=volunteer.person_id, volunteer__isnull=True).update(volunteer=volunteer)


def pairing_create(*, actor: Actor, helper: Helper, person: Person, started_on: dt.date | None = None) -> Pairing:
    """Pair a helper with a registered person; the helper's row is locked so capacity is never exceeded."""
    policy.require(actor, "care.pairing_edit", person)
    if district_code_of(helper.division_id) != district_code_of(person.division_id):
        # Helpers are matched within the district (suggestions search the district's tree).
        raise NotFound("未找到该帮扶人")
    entry = RegisterEntry.objects.filter(person=person, status=EntryStatus.ACTIVE).first()
    if entry is None:
        raise WorkflowError("只有已纳入困境妇女儿童数据库的人员才能结对。")
    if helper.person_id == person.pk:
        raise WorkflowError("帮扶人不能与本人结对。")
    with transaction.atomic():
        locked = Helper.objects.select_for_update().get(pk=helper.pk)
        if not locked.is_active:
            raise WorkflowError("该帮扶人已不在岗。")
        active = Pairing.objects.filter(helper=locked, status=PairingStatus.ACTIVE).count()
        if active >= locked.capacity:
            raise WorkflowError(f"该帮扶人已结对 {active} 人，达到可结对人数上限（{locked.capacity} 人）。")
        if Pairing.objects.filter(helper=locked, person=person, status=PairingStatus.ACTIVE).exists():
            raise WorkflowError("两人已在结对中。")
        pairing = Pairing.objects.create(
            helper=locked,
            person=person,
            entry=entry,
            division_id=person.division_id,
            started_on=started_on or timezone.localdate(),
            created_by=actor.user,
        )
        locked.active_count = active + 1
        locked.save(update_fields=["active_count", "updated_at"])
        if locked.user_id:
            from jiayuan.notifications.services import notify

            notify(users=[locked.user], title="您有一位新的结对对象", url="/care/my-pairings/")
    helper.active_count = locked.active_count
    return pairing


def _pairing_close(pairing: Pairing, *, reason: str, on: dt.date) -> None:
    helper = Helper.objects.select_for_update().get(pk=pairing.helper_id)
    pairing.status = PairingStatus.ENDED
    pairing.ended_on = on
    pairing.end_reason = reason
    pairing.version += 1
    pairing.save()
    helper.active_count = Pairing.objects.filter(helper=helper, status=PairingStatus.ACTIVE).count()
    helper.save(update_fields=["active_count", "updated_at"])


def pairing_end(
    *, actor: Actor, pairing: Pairing, reason: str, expected_version: int, on: dt.date | None = None
) -> Pairing:
    policy.require(actor, "care.pairing_edit", pairing)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写结束原因。"})
    with transaction.atomic():
        current = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if current.version != expected_version:
            from jiayuan.core.errors import StaleEditError

            raise StaleEditError()
        if current.status != PairingStatus.ACTIVE:
            raise WorkflowError("该结对已结束。")
        _pairing_close(current, reason=reason.strip()[:200], on=on or timezone.localdate())
    pairing.refresh_from_db()
    return pairing


def contact_add(
    *, actor: Actor, pairing: Pairing, on: dt.date, mode: str = ContactMode.VISIT, content: str = ""
) -> ContactLog:
    """A contact between helper and person; clears the no-contact flag."""
    policy.require(actor, "care.contact_add", pairing)
    if pairing.status != PairingStatus.ACTIVE:
        raise WorkflowError("该结对已结束。")
    if on is None or on > timezone.localdate():
        raise ValidationFailed({"on": "请填写不晚于今天的联系日期。"})
    if mode not in ContactMode.values:
        raise ValidationFailed({"mode": "联系方式不正确。"})
    with transaction.atomic():
        log = ContactLog.objects.create(
            pairing=pairing, on=on, mode=mode, content=(content or "").strip(), logged_by=actor.user
        )
        last = pairing.last_contact_on
        Pairing.objects.filter(pk=pairing.pk).update(
            last_contact_on=on if last is None or on > last else last, flag_level=0
        )
    pairing.refresh_from_db()
    return log


def pairings_flag_uncontacted(*, today: dt.date | None = None, days: int | None = None) -> dict:
    """System sweep: no contact for `days` → tell the helper; after a second period → the supervising worker."""
    from jiayuan.notifications.models import Level
    from jiayuan.notifications.services import notify, supervisors_of

    today = today or timezone.localdate()
    days = days or no_contact_days()
    first = today - dt.timedelta(days=days)
    second = today - dt.timedelta(days=2 * days)
    counts = {"helper": 0, "worker": 0}
    active = Pairing.objects.filter(status=PairingStatus.ACTIVE).select_related("helper", "entry")
    for pairing in active.filter(flag_level__lt=2):
        since = pairing.last_contact_on or pairing.started_on
        if since <= second and pairing.flag_level < 2:
            worker = pairing.entry.worker if pairing.entry and pairing.entry.worker_id else None
            users = (
                [worker]
                if worker
                else supervisors_of(pairing.division_id, roles=["community_worker"])
                or supervisors_of(pairing.division_id)
            )
            notify(
                users=users,
                title=f"结对#{pairing.pk} 已超过 {2 * days} 天未联系，请督促跟进",
                url=f"/care/pairings/{pairing.pk}/",
                level=Level.URGENT,
                dedupe_key=f"pairing-nocontact-2:{pairing.pk}:{since}",
            )
            Pairing.objects.filter(pk=pairing.pk).update(flag_level=2)
            counts["worker"] += 1
        elif since <= first and pairing.flag_level < 1:
            if pairing.helper.user_id:
                notify(
                    users=[pairing.helper.user],
                    title=f"您已超过 {days} 天未与结对对象联系",
                    url="/care/my-pairings/",
                    dedupe_key=f"pairing-nocontact-1:{pairing.pk}:{since}",
                )
            Pairing.objects.filter(pk=pairing.pk).update(flag_level=1)
            counts["helper"] += 1
    return counts


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
