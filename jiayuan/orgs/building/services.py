"""Writing organisation building: a committee's term (换届), its seats, what executives did, trainings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Literal, overload

from django.db import transaction

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.core.models import history_user_set
from jiayuan.divisions.models import Division
from jiayuan.people.models import Person

from ..models import (
    DutyKind,
    DutyRecord,
    Education,
    ExecutiveCommittee,
    ExecutiveMember,
    Organisation,
    Training,
    TrainingAudience,
    WomenSpace,
)


@overload
def _date(value: object, field: str, label: str, *, required: Literal[True] = True) -> dt.date: ...
@overload
def _date(value: object, field: str, label: str, *, required: bool) -> dt.date | None: ...
def _date(value: object, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValidationFailed({field: f"请填写{label}。"})
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed({field: f"{label}格式不正确（年-月-日）。"}) from None


def committee_elect(
    *,
    actor: Actor,
    organisation: Organisation,
    elected_on: dt.date | str,
    term_start: dt.date | str | None = None,
    term_end: dt.date | str | None = None,
    number: int | str | None = None,
) -> ExecutiveCommittee:
    """A new term (换届): the current committee ends the day before the new term starts."""
    policy.require(actor, "orgs.committee_edit", organisation)
    elected = _date(elected_on, "elected_on", "换届日期")
    start = _date(term_start, "term_start", "任期开始日期", required=False) or elected
    end = _date(term_end, "term_end", "任期届满日期", required=False) or start.replace(year=start.year + 5)
    if end <= start:
        raise ValidationFailed({"term_end": "任期届满日期须晚于任期开始日期。"})
    with transaction.atomic():
        current = (
            ExecutiveCommittee.objects.select_for_update().filter(organisation=organisation, is_current=True).first()
        )
        last = ExecutiveCommittee.objects.filter(organisation=organisation).order_by("-number").first()
        if current is not None and start <= current.term_start:
            raise ValidationFailed({"term_start": "新一届任期须晚于现任执委会的任期开始日期。"})
        if number in (None, ""):
            number = (last.number + 1) if last else 1
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise ValidationFailed({"number": "届次应为数字。"}) from None
        if ExecutiveCommittee.objects.filter(organisation=organisation, number=number).exists():
            raise ValidationFailed({"number": f"第{number}届已登记。"})
        if current is not None:
            current.is_current = False
            current.term_end = min(current.term_end, start - dt.timedelta(days=1))
            current.version += 1
            current.save()
            current.seats.filter(term_end__isnull=True).update(term_end=start - dt.timedelta(days=1))
        return ExecutiveCommittee.objects.create(
            organisation=organisation, number=number, elected_on=elected, term_start=start, term_end=end
        )


def seat_add(
    *,
    actor: Actor,
    committee: ExecutiveCommittee,
    person_id: int | str,
    post: str,
    post_title: str = "",
    is_party_member: bool = False,
    education: str = "",
    in_two_committees: bool = False,
) -> ExecutiveMember:
    """Seat a registered person on a committee for its term, with the facts the reports count."""
    policy.require(actor, "orgs.committee_edit", committee.organisation)
    errors: dict[str, str] = {}
    if post not in ExecutiveMember.Post.values:
        errors["post"] = "请选择职务。"
    if education and education not in Education.values:
        errors["education"] = "请选择学历。"
    person = (
        policy.scoped(actor, "people.view", Person.objects.alive())
        .filter(pk=int(person_id) if str(person_id).isdigit() else 0)
        .first()
    )
    if person is None:
        errors["person"] = "未找到该人员（请填写您辖区内人员的档案编号）。"
    if not committee.is_current:
        errors["committee"] = "只能在现任执委会中增补人员。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if ExecutiveMember.objects.filter(committee=committee, person=person, post=post).exists():
            raise ValidationFailed({"person": "该人员已在本届担任该职务。"})
        if post == ExecutiveMember.Post.CHAIR and committee.seats.filter(post=post, term_end__isnull=True).exists():
            raise WorkflowError("本届已有主席；如需更换，请先结束原主席的任职。")
        member = ExecutiveMember(
            organisation=committee.organisation,
            committee=committee,
            person=person,
            post=post,
            post_title=(post_title or "").strip()[:64],
            term_start=committee.term_start,
            is_party_member=bool(is_party_member),
            education=education or "",
            in_two_committees=bool(in_two_committees),
        )
        history_user_set(member, actor.user)
        member.save(force_insert=True)
    return member


def seat_end(*, actor: Actor, member: ExecutiveMember, on: dt.date | str, expected_version: int) -> ExecutiveMember:
    policy.require(actor, "orgs.committee_edit", member.organisation)
    ended = _date(on, "term_end", "离任日期")
    if ended < member.term_start:
        raise ValidationFailed({"term_end": "离任日期不能早于任职开始日期。"})
    member.term_end = ended
    history_user_set(member, actor.user)
    member.save_versioned(expected_version=expected_version)
    return member


def duty_record(
    *,
    actor: Actor,
    member: ExecutiveMember,
    kind: str,
    on: dt.date | str,
    content: str,
    person_id: int | str | None = None,
) -> DutyRecord:
    """What an executive did; one-to-one help names a registered person in the actor's scope."""
    policy.require(actor, "orgs.duty_add", member)
    errors: dict[str, str] = {}
    if kind not in DutyKind.values:
        errors["kind"] = "请选择履职类型。"
    day: dt.date | None = None
    try:
        day = _date(on, "on", "日期")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if day and day > dt.date.today() + dt.timedelta(days=1):
        errors["on"] = "日期不能晚于今天。"
    content = (content or "").strip()
    if not content:
        errors["content"] = "请填写履职内容。"
    person = None
    if person_id not in (None, ""):
        person = (
            policy.scoped(actor, "people.view", Person.objects.alive())
            .filter(pk=int(person_id) if str(person_id).isdigit() else 0)
            .first()
        )
        if person is None:
            errors["person"] = "未找到该人员（请填写您辖区内人员的档案编号）。"
    elif kind == DutyKind.ONE_ON_ONE:
        errors["person"] = "一对一帮扶须填写帮扶对象的档案编号。"
    if errors or day is None:  # no day is an error above
        raise ValidationFailed(errors)
    with transaction.atomic():
        return DutyRecord.objects.create(
            member=member,
            division_id=member.organisation.division_id,
            kind=kind,
            on=day,
            person=person,
            content=content[:4000],
            recorded_by=actor.user,
        )


def women_space_add(
    *, actor: Actor, organisation: Organisation, name: str, address: str = "", opened_on: dt.date | str | None = None
) -> WomenSpace:
    policy.require(actor, "orgs.committee_edit", organisation)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "请填写阵地名称。"})
    opened = _date(opened_on, "opened_on", "启用日期", required=False)
    with transaction.atomic():
        return WomenSpace.objects.create(
            organisation=organisation, name=name[:128], address=(address or "").strip()[:200], opened_on=opened
        )


def training_create(
    *,
    actor: Actor,
    title: str,
    division_code: str,
    held_on: dt.date | str,
    hours: Decimal | float | str | None,
    audience: str,
    member_ids: Iterable[int | str] = (),
) -> Training:
    """A training for chairs and executives held by an office in the actor's reach; attendees from its area."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写培训名称。"
    division = Division.objects.filter(code=division_code or "").first()
    prefix = policy.reach(actor, "orgs.training_edit")
    if division is None or prefix is None or not division.code.startswith(prefix):
        errors["division"] = "请选择您管辖范围内的举办单位。"
    if audience not in TrainingAudience.values:
        errors["audience"] = "请选择培训对象。"
    try:
        hours_value = Decimal(str(hours or "0"))
        if hours_value < 0 or hours_value > 500:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["hours"] = "学时应为 0 至 500 之间的数字。"
        hours_value = Decimal(0)
    day: dt.date | None = None
    try:
        day = _date(held_on, "held_on", "举办日期")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors or day is None or division is None:  # each is an error above
        raise ValidationFailed(errors)
    ids = {int(i) for i in member_ids if str(i).isdigit()}
    members = list(policy.scoped(actor, "orgs.building_view", ExecutiveMember).filter(pk__in=ids))
    if len(members) != len(ids):
        raise ValidationFailed({"attendees": "参训人员须为您管辖范围内的执委或主席。"})
    with transaction.atomic():
        training = Training.objects.create(
            title=title[:128],
            division=division,
            held_on=day,
            hours=hours_value,
            audience=audience,
            created_by=actor.user,
        )
        training.attendees.set(members)
    return training
