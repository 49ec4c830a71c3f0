"""Writing honours: kinds, nominations on the approval engine with a public notice, objections, awards.

A nomination climbs from the level above the nominating office to the level that grants the award
(a street nominates for a district honour: the district signs). At the granting level the notice (公示) is
opened first; an objection received in the notice is checked, and an upheld objection leaves only "not
granted". The last approval writes the `Honour` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.roles import Scope
from jiayuan.core.errors import StaleEditError, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division
from jiayuan.orgs.models import Organisation
from jiayuan.people.models import Household, Person

from .models import (
    EXTERNAL_LEVELS,
    LEVEL_RANK,
    NOMINATION_OPEN,
    AwardLevel,
    HolderType,
    Honour,
    HonourKind,
    Nomination,
    NominationStatus,
    NoticeObjection,
    ObjectionStatus,
)

if TYPE_CHECKING:
    from jiayuan.workflows.models import ApprovalRequest

NOMINATION_KIND = "honours.nomination"
OUT_OF_SCOPE = "提名对象不在您的管辖范围内，或档案中没有该对象。"
DEFAULT_KINDS = [
    # code, name, holder type
    ("sanba_hongqishou", "三八红旗手", HolderType.PERSON),
    ("sanba_hongqi_jiti", "三八红旗集体", HolderType.ORGANISATION),
    ("jinguo_wenming_gang", "巾帼文明岗", HolderType.ORGANISATION),
    ("jinguo_wenming_biaobing", "巾帼文明岗标兵岗", HolderType.ORGANISATION),
    ("zuimei_jiating", "最美家庭", HolderType.HOUSEHOLD),
    ("pingan_jiating", "平安家庭", HolderType.HOUSEHOLD),
    ("wenming_jiating", "文明家庭", HolderType.HOUSEHOLD),
    ("jinguo_jiangong_biaobing", "巾帼建功标兵", HolderType.PERSON),
]
# The division level whose office grants an award of each level (national and provincial: outside).
GRANTING_LEVEL: dict[str, str] = {AwardLevel.STREET: "street", AwardLevel.DISTRICT: "district", AwardLevel.CITY: "city"}
NOTICE_MIN_DAYS = 5


def _division_level(code: str) -> str:
    if len(code) == 12:
        return "community"
    if len(code) == 9:
        return "street"
    return "city" if code.endswith("00") else "district"


_DIVISION_RANK = {"community": 0, "street": 1, "district": 2, "city": 3}


# ---------------------------------------------------------------- kinds


def honour_kinds_ensure() -> int:
    """The kinds every federation uses; idempotent. Returns how many were added."""
    added = 0
    for index, (code, name, holder_type) in enumerate(DEFAULT_KINDS):
        _, created = HonourKind.objects.get_or_create(
            code=code, defaults={"name": name, "holder_type": holder_type, "sort": (index + 1) * 10}
        )
        added += created
    return added


def honour_kind_create(*, actor: Actor, name: str, holder_type: str, code: str = "") -> HonourKind:
    if not actor.has_perm("honours.kind_edit"):
        raise WorkflowError("您没有维护荣誉类别的权限。")
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 64:
        errors["name"] = "请填写荣誉名称（不超过 64 字）。"
    if holder_type not in HolderType.values:
        errors["holder_type"] = "请选择授予对象（个人、集体或家庭）。"
    if name and HonourKind.objects.filter(name=name).exists():
        errors["name"] = "已有同名的荣誉类别。"
    if errors:
        raise ValidationFailed(errors)
    code = (code or "").strip()[:32] or f"k{HonourKind.objects.count() + 1:03d}"
    while HonourKind.objects.filter(code=code).exists():
        code = f"{code[:28]}_{HonourKind.objects.count() + 1}"
    with transaction.atomic():
        return HonourKind.objects.create(code=code, name=name, holder_type=holder_type, sort=900)


def honour_kind_toggle(*, actor: Actor, kind: HonourKind, active: bool) -> HonourKind:
    if not actor.has_perm("honours.kind_edit"):
        raise WorkflowError("您没有维护荣誉类别的权限。")
    kind.is_active = bool(active)
    kind.save(update_fields=["is_active"])
    return kind


# ---------------------------------------------------------------- holders


@dataclass(frozen=True)
class HolderRef:
    holder_type: str
    obj: Model
    name: str
    division_id: str

    def fields(self) -> dict:
        return {
            "holder_type": self.holder_type,
            "person": self.obj if self.holder_type == HolderType.PERSON else None,
            "organisation": self.obj if self.holder_type == HolderType.ORGANISATION else None,
            "household": self.obj if self.holder_type == HolderType.HOUSEHOLD else None,
            "holder_name": self.name[:128],
            "division_id": self.division_id,
        }


def holder_resolve(*, actor: Actor, perm: str, holder_type: str, holder_id: int | str) -> HolderRef:
    """The person, organisation or household within the actor's scope for `perm`; missing and out of scope
    are refused alike, so the answer reveals nothing about records the actor may not see."""
    try:
        pk = int(holder_id)
    except (TypeError, ValueError):
        raise ValidationFailed({"holder": "请填写提名对象的档案编号。"}) from None
    sources: dict[str, QuerySet[Any]] = {
        HolderType.PERSON: Person.objects.alive(),
        HolderType.ORGANISATION: Organisation.objects.filter(is_active=True),
        HolderType.HOUSEHOLD: Household.objects.all(),
    }
    source = sources.get(holder_type)
    if source is None:
        raise ValidationFailed({"holder_type": "请选择提名对象类型（个人、集体或家庭）。"})
    obj = policy.scoped(actor, perm, source).filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed({"holder": OUT_OF_SCOPE})
    return HolderRef(holder_type=holder_type, obj=obj, name=obj.name, division_id=obj.division_id)


def _office(actor: Actor, perm: str, division_code: str) -> str:
    """The actor's office that acts for `division_code`: the deepest posting whose scope covers it."""
    best = None
    for scope, posting in actor.scopes(perm):
        code = posting.division_id or ""
        if scope == Scope.ALL:
            best = best or code or division_code[:4] + "00"
        elif posting.division is not None and division_code.startswith(posting.division.prefix):
            if best is None or len(code) > len(best):
                best = code
    if not best:
        raise ValidationFailed({"holder": OUT_OF_SCOPE})
    return best


def _kind(kind_id: int | str, holder_type: str | None = None) -> HonourKind:
    kind = HonourKind.objects.filter(pk=kind_id if str(kind_id).isdigit() else 0, is_active=True).first()
    if kind is None:
        kind = HonourKind.objects.filter(code=str(kind_id or ""), is_active=True).first()
    if kind is None:
        raise ValidationFailed({"kind": "请选择荣誉类别。"})
    return kind


def _year(value: int | str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed({"year": "请填写年度（四位数字）。"}) from None
    today = timezone.localdate()
    if not 1949 <= year <= today.year + 1:
        raise ValidationFailed({"year": f"年度应在 1949 至 {today.year + 1} 之间。"})
    return year


# ---------------------------------------------------------------- the approval chain


def nomination_levels(approval: ApprovalRequest) -> list[str]:
    """From the office above the nominating one up to the office that grants the award's level."""
    from jiayuan.workflows.registry import levels_up

    nomination = Nomination.objects.get(pk=approval.object_id)
    top = GRANTING_LEVEL[nomination.level]
    chain = levels_up(nomination.origin_id, top=top)
    if len(chain) > 1:
        chain = chain[1:]
    return chain


def _on_approved(approval: ApprovalRequest, actor: Actor) -> None:
    nomination = Nomination.objects.select_for_update().get(pk=approval.object_id)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            Honour.objects.create(
                kind_id=nomination.kind_id,
                level=nomination.level,
                year=nomination.year,
                holder_type=nomination.holder_type,
                person_id=nomination.person_id,
                organisation_id=nomination.organisation_id,
                household_id=nomination.household_id,
                holder_name=nomination.holder_name,
                division_id=nomination.division_id,
                granted_on=today,
                granted_by=Division.objects.get(code=approval.chain[-1]).name,
                nomination=nomination,
                recorded_by=getattr(actor, "user", None),
            )
    except IntegrityError:
        raise WorkflowError("该对象已获得同年度、同级别的这项荣誉，不能重复授予。") from None
    nomination.status = NominationStatus.GRANTED
    nomination.decided_on = today
    nomination.version += 1
    nomination.save()


def _on_returned(approval: ApprovalRequest, actor: Actor) -> None:
    nomination = Nomination.objects.select_for_update().get(pk=approval.object_id)
    nomination.status = NominationStatus.RETURNED
    nomination.notice_start = nomination.notice_end = None
    nomination.version += 1
    nomination.save()


def _on_rejected(approval: ApprovalRequest, actor: Actor) -> None:
    nomination = Nomination.objects.select_for_update().get(pk=approval.object_id)
    nomination.status = NominationStatus.WITHDRAWN if approval.status == "withdrawn" else NominationStatus.NOT_GRANTED
    nomination.decided_on = timezone.localdate()
    nomination.version += 1
    nomination.save()


def register_nomination_kind() -> None:
    from jiayuan.workflows.registry import register_kind

    register_kind(
        NOMINATION_KIND,
        levels=nomination_levels,
        on_approved=_on_approved,
        on_rejected=_on_rejected,
        on_returned=_on_returned,
        label="荣誉推荐",
        perms={
            "request": "honours.nominate",
            "approve": "honours.approve",
            "return": "honours.approve",
            "reject": "honours.approve",
        },
        url=lambda approval: reverse("honours:nomination_detail", kwargs={"nomination_id": approval.object_id}),
    )


# ---------------------------------------------------------------- nominations


def nomination_create(
    *,
    actor: Actor,
    kind_id: int | str,
    level: str,
    year: int | str,
    holder_type: str,
    holder_id: int | str,
    reason: str = "",
) -> Nomination:
    """Nominate a holder within the actor's scope; the request starts up the chain at once."""
    from jiayuan.workflows.services import approval_request_create

    kind = _kind(kind_id)
    year = _year(year)
    if level not in AwardLevel.values:
        raise ValidationFailed({"level": "请选择荣誉级别。"})
    if kind.holder_type != holder_type:
        raise ValidationFailed({"holder_type": f"「{kind.name}」授予{kind.get_holder_type_display()}。"})
    holder = holder_resolve(actor=actor, perm="honours.nominate", holder_type=holder_type, holder_id=holder_id)
    if level in EXTERNAL_LEVELS:
        raise ValidationFailed(
            {"level": "全国、省级荣誉由上级妇联评定，本平台的审批最高到市级；获评后请用“登记荣誉”录入。"}
        )
    origin = _office(actor, "honours.nominate", holder.division_id)
    granting = GRANTING_LEVEL[AwardLevel(level)]
    if _DIVISION_RANK[_division_level(origin)] > _DIVISION_RANK[granting]:
        raise ValidationFailed(
            {
                "level": f"{AwardLevel(level).label}荣誉由{'街道' if granting == 'street' else '区'}妇联评定，"
                "不能由上级单位推荐。"
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写主要事迹。"})
    with transaction.atomic():
        open_same = Nomination.objects.filter(
            kind=kind, level=level, year=year, status__in=NOMINATION_OPEN, **_holder_filter(holder)
        ).exists()
        if open_same or Honour.objects.filter(kind=kind, level=level, year=year, **_holder_filter(holder)).exists():
            raise WorkflowError("该对象在本年度已有这项荣誉或进行中的推荐，不能重复推荐。")
        nomination = Nomination.objects.create(
            kind=kind,
            level=level,
            year=year,
            origin_id=origin,
            reason=reason[:4000],
            nominated_by=actor.user,
            status=NominationStatus.PENDING,
            **holder.fields(),
        )
        approval = approval_request_create(
            actor=actor,
            kind=NOMINATION_KIND,
            subject=nomination,
            division_code=origin,
            category=kind.code,
            note=f"{year}年{AwardLevel(level).label}{kind.name}",
        )
        nomination.approval = approval
        nomination.save(update_fields=["approval"])
    return nomination


def _holder_filter(holder: HolderRef) -> dict:
    field = {"person": "person", "organisation": "organisation", "household": "household"}[holder.holder_type]
    return {field: holder.obj}


def _lock(nomination: Nomination, expected_version: int | None = None) -> Nomination:
    locked = Nomination.objects.select_for_update(of=("self",)).select_related("approval").get(pk=nomination.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError("该推荐已有新的办理记录，请刷新页面后再操作。")
    return locked


def _at_granting_level(nomination: Nomination) -> bool:
    approval = nomination.approval
    return approval is not None and approval.current_level >= len(approval.chain) - 1


def _approval_of(nomination: Nomination) -> ApprovalRequest:
    if nomination.approval is None:
        raise WorkflowError("该推荐尚未提交审批。")
    return nomination.approval


def _require_level_officer(actor: Actor, nomination: Nomination) -> None:
    from jiayuan.workflows.services import acts_at

    code = _approval_of(nomination).current_division_id
    if not code or not acts_at(actor, "honours.approve", code):
        raise WorkflowError("只有当前审批层级的工作人员才能办理公示。")


def nomination_notice_open(
    *, actor: Actor, nomination: Nomination, start: dt.date | str, end: dt.date | str, expected_version: int
) -> Nomination:
    """Open the public notice at the granting level, before its decision (at least five days)."""
    start = _date(start, "notice_start", "公示开始日期")
    end = _date(end, "notice_end", "公示结束日期")
    if end < start + dt.timedelta(days=NOTICE_MIN_DAYS - 1):
        raise ValidationFailed({"notice_end": f"公示期不少于 {NOTICE_MIN_DAYS} 天。"})
    with transaction.atomic():
        locked = _lock(nomination, expected_version)
        if locked.status != NominationStatus.PENDING or not _at_granting_level(locked):
            raise WorkflowError("只有到达评定层级、尚未公示的推荐才能开始公示。")
        _require_level_officer(actor, locked)
        locked.notice_start, locked.notice_end = start, end
        locked.status = NominationStatus.NOTICE
        locked.version += 1
        locked.save()
    nomination.refresh_from_db()
    return nomination


def objection_record(
    *, actor: Actor, nomination: Nomination, received_on: dt.date | str, content: str
) -> NoticeObjection:
    """An objection received during the notice."""
    received_on = _date(received_on, "received_on", "收到日期")
    content = (content or "").strip()
    if not content:
        raise ValidationFailed({"content": "请填写异议内容。"})
    with transaction.atomic():
        locked = _lock(nomination)
        policy.require(actor, "honours.record", locked)
        if locked.status != NominationStatus.NOTICE:
            raise WorkflowError("该推荐不在公示期，不能登记异议。")
        # In the notice status both dates are set (`nomination_notice_open`).
        start, end = cast(dt.date, locked.notice_start), cast(dt.date, locked.notice_end)
        if not start <= received_on <= end:
            raise ValidationFailed({"received_on": "异议须在公示期内收到（公示期外的意见请另行处理）。"})
        objection = NoticeObjection.objects.create(
            nomination=locked, received_on=received_on, content=content[:4000], recorded_by=actor.user
        )
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    return objection


def objection_resolve(*, actor: Actor, objection: NoticeObjection, upheld: bool, finding: str) -> NoticeObjection:
    finding = (finding or "").strip()
    if not finding:
        raise ValidationFailed({"finding": "请填写核实情况。"})
    with transaction.atomic():
        locked = (
            NoticeObjection.objects.select_for_update(of=("self",)).select_related("nomination").get(pk=objection.pk)
        )
        policy.require(actor, "honours.record", locked.nomination)
        if locked.status != ObjectionStatus.OPEN:
            raise WorkflowError("该异议已核实，不能重复办理。")
        locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        locked.finding = finding[:4000]
        locked.resolved_by = actor.user
        locked.save()
        nomination = Nomination.objects.select_for_update().get(pk=locked.nomination_id)
        nomination.version += 1
        nomination.save(update_fields=["version", "updated_at"])
    return locked


def nomination_decide(
    *, actor: Actor, nomination: Nomination, decision: str, comment: str, expected_version: int
) -> Nomination:
    """One level's decision. At the granting level: approval only after the notice has ended with no
    objection open or upheld; an upheld objection leaves "not granted"."""
    from jiayuan.workflows.services import approval_decide

    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock(nomination, expected_version)
        if locked.status not in (NominationStatus.PENDING, NominationStatus.NOTICE):
            raise WorkflowError("该推荐当前不在审批中，不能办理。")
        if _at_granting_level(locked) and decision == "approve":
            if locked.status != NominationStatus.NOTICE:
                raise WorkflowError("评定前须先公示：请先填写公示起止日期。")
            objections = set(locked.objections.values_list("status", flat=True))
            if ObjectionStatus.UPHELD in objections:
                raise WorkflowError("公示期内异议经核实成立，不能授予；请作出“不同意”的决定并说明。")
            if locked.notice_end is None:
                raise WorkflowError("评定前须先公示：请先填写公示起止日期。")
            if today <= locked.notice_end:
                raise WorkflowError(f"公示期至 {locked.notice_end:%Y-%m-%d} 结束，公示期满后才能评定。")
            if ObjectionStatus.OPEN in objections:
                raise WorkflowError("还有公示异议未核实，请先核实后再评定。")
        approval = _approval_of(locked)
        approval_decide(
            actor=actor, approval=approval, decision=decision, comment=comment, expected_version=approval.version
        )
        # A lower level's approval moves the request on; the hooks update the nomination at the end.
        locked.refresh_from_db()
        if locked.status in (NominationStatus.PENDING, NominationStatus.NOTICE) and decision == "approve":
            locked.version += 1
            locked.save(update_fields=["version", "updated_at"])
    nomination.refresh_from_db()
    return nomination


def nomination_resubmit(
    *, actor: Actor, nomination: Nomination, comment: str, expected_version: int, reason: str = ""
) -> Nomination:
    """Send a returned nomination up again (it resumes at the level that returned it)."""
    from jiayuan.workflows.services import approval_resubmit

    with transaction.atomic():
        locked = _lock(nomination, expected_version)
        if locked.status != NominationStatus.RETURNED:
            raise WorkflowError("只有被退回的推荐才能重新提交。")
        approval = _approval_of(locked)
        approval_resubmit(actor=actor, approval=approval, comment=comment, expected_version=approval.version)
        if (reason or "").strip():
            locked.reason = reason.strip()[:4000]
        locked.status = NominationStatus.PENDING
        locked.version += 1
        locked.save()
    nomination.refresh_from_db()
    return nomination


def nomination_withdraw(*, actor: Actor, nomination: Nomination, expected_version: int) -> Nomination:
    from jiayuan.workflows.services import approval_withdraw

    with transaction.atomic():
        locked = _lock(nomination, expected_version)
        if locked.status not in NOMINATION_OPEN:
            raise WorkflowError("该推荐已办结，不能撤回。")
        approval = _approval_of(locked)
        approval_withdraw(actor=actor, approval=approval, expected_version=approval.version)
    nomination.refresh_from_db()
    return nomination


# ---------------------------------------------------------------- recorded honours


def honour_record(
    *,
    actor: Actor,
    kind_id: int | str,
    level: str,
    year: int | str,
    holder_type: str,
    holder_id: int | str,
    granted_on: dt.date | str | None = None,
    granted_by: str = "",
    document_no: str = "",
) -> Honour:
    """Record an honour awarded outside the platform's approval (by the province or the nation, or before
    the platform): only at or below the level of the recording office."""
    kind = _kind(kind_id)
    year = _year(year)
    if level not in AwardLevel.values:
        raise ValidationFailed({"level": "请选择荣誉级别。"})
    if kind.holder_type != holder_type:
        raise ValidationFailed({"holder_type": f"「{kind.name}」授予{kind.get_holder_type_display()}。"})
    holder = holder_resolve(actor=actor, perm="honours.record", holder_type=holder_type, holder_id=holder_id)
    office = _office(actor, "honours.record", holder.division_id)
    office_rank = _DIVISION_RANK[_division_level(office)]
    needed = {AwardLevel.STREET: 1, AwardLevel.DISTRICT: 2, AwardLevel.CITY: 3}.get(AwardLevel(level), 2)
    if office_rank < needed:
        raise ValidationFailed(
            {
                "level": f"{AwardLevel(level).label}荣誉须由{'区' if needed == 2 else '市'}妇联登记，"
                "超出本级可登记的级别。"
            }
        )
    granted = _date(granted_on, "granted_on", "授予日期") if granted_on else None
    if granted and granted.year not in (year, year + 1):
        raise ValidationFailed({"granted_on": "授予日期应在评选年度或次年。"})
    try:
        with transaction.atomic():
            return Honour.objects.create(
                kind=kind,
                level=level,
                year=year,
                granted_on=granted,
                granted_by=(granted_by or "").strip()[:128],
                document_no=(document_no or "").strip()[:64],
                recorded_by=actor.user,
                **holder.fields(),
            )
    except IntegrityError:
        raise WorkflowError("该对象已登记同年度、同级别的这项荣誉。") from None


def _date(value: dt.date | str | None, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed({field: f"请填写{label}（年-月-日）。"}) from None


__all__ = [
    "LEVEL_RANK",
    "honour_kinds_ensure",
    "honour_kind_create",
    "honour_kind_toggle",
    "holder_resolve",
    "nomination_create",
    "nomination_decide",
    "nomination_notice_open",
    "nomination_resubmit",
    "nomination_withdraw",
    "objection_record",
    "objection_resolve",
    "honour_record",
]
