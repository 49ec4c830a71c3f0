"""Writes for volunteers: registration with consent, teams and members, service records and their confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.dictionaries.services import dictionary_ensure
from jiayuan.divisions.codes import same_district
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person

if TYPE_CHECKING:
    from jiayuan.accounts.models import User

from .models import (
    CONSENT_VERSION,
    SKILL_KIND,
    MemberRole,
    Membership,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Team,
    TeamLevel,
    TeamType,
    Volunteer,
    VolunteerStatus,
)
from .tally import service_tally_add, service_tally_rebuild  # noqa: F401 - part of the services

VOLUNTEER_SKILLS = [
    ("lawyer", "律师/法律"),
    ("psychologist", "心理咨询师"),
    ("family_educator", "家庭教育指导师"),
    ("doctor", "医生"),
    ("nurse", "护士"),
    ("teacher", "教师"),
    ("social_worker", "社会工作者"),
    ("tutor", "课业辅导"),
    ("reading", "阅读推广"),
    ("art", "文艺/手工"),
    ("other", "其他"),
]

# A single service record never claims more than this (a day's shift).
MAX_RECORD_MINUTES = 12 * 60


def volunteer_dictionaries_ensure() -> None:
    dictionary_ensure(SKILL_KIND, VOLUNTEER_SKILLS)


def place_allowed(actor: Actor, perm: str, code: str) -> bool:
    """Whether `code` lies within one of the actor's scopes for `perm` (the system may write anywhere)."""
    return actor.is_system or policy.covers(actor, perm, code)


def _user(actor: Actor) -> User | None:
    return actor.user


def _skills(codes: Iterable[str] | None) -> list[DictionaryItem]:
    codes = [c for c in dict.fromkeys(codes or []) if c]
    if not codes:
        return []
    if not DictionaryItem.objects.filter(kind=SKILL_KIND).exists():
        volunteer_dictionaries_ensure()
    items = list(DictionaryItem.objects.filter(kind=SKILL_KIND, code__in=codes, is_active=True))
    if len(items) != len(codes):
        raise ValidationFailed({"skills": "专长中包含无效的选项。"})
    return items


# ---------------------------------------------------------------- volunteers


def volunteer_register(
    *,
    actor: Actor,
    person: Person,
    consent: bool,
    skill_codes: Iterable[str] = (),
    availability: str = "",
    registered_on: dt.date | None = None,
    user: User | None = None,
) -> Volunteer:
    """Register a registry person as a volunteer. Her consent (授权同意) is required and recorded."""
    errors: dict[str, str] = {}
    if not consent:
        errors["consent"] = "须经本人同意并勾选《志愿者信息使用授权书》后才能注册为志愿者。"
    if person.deleted_at is not None:
        errors["person"] = "该人员档案已删除。"
    elif not place_allowed(actor, "volunteers.edit", person.division_id):
        errors["person"] = "该人员不在您的管辖范围内。"
    if len((availability or "").strip()) > 100:
        errors["availability"] = "可服务时间不能超过 100 个字。"
    if errors:
        raise ValidationFailed(errors)
    skills = _skills(skill_codes)
    now = timezone.now()
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                person=person,
                division_id=person.division_id,
                user=user,
                availability=(availability or "").strip(),
                registered_on=registered_on or timezone.localdate(),
                consent_at=now,
                consent_version=CONSENT_VERSION,
                consent_recorded_by=_user(actor),
            )
            volunteer.skills.set(skills)
    except IntegrityError:
        raise WorkflowError("该人员已注册为志愿者（或该账号已关联其他志愿者）。") from None
    return volunteer


def volunteer_update(
    *,
    actor: Actor,
    volunteer: Volunteer,
    expected_version: int,
    skill_codes: Iterable[str] = (),
    availability: str = "",
) -> Volunteer:
    if len((availability or "").strip()) > 100:
        raise ValidationFailed({"availability": "可服务时间不能超过 100 个字。"})
    skills = _skills(skill_codes)
    with transaction.atomic():
        volunteer.availability = (availability or "").strip()
        volunteer.save_versioned(expected_version=expected_version)
        volunteer.skills.set(skills)
    return volunteer


def volunteer_withdraw_consent(*, actor: Actor, volunteer: Volunteer, expected_version: int) -> Volunteer:
    """She withdraws her consent: she leaves every team and the register (records already confirmed stay)."""
    if volunteer.consent_withdrawn_at is not None:
        raise WorkflowError("该志愿者已撤回授权。")
    today = timezone.localdate()
    with transaction.atomic():
        volunteer.consent_withdrawn_at = timezone.now()
        volunteer.status = VolunteerStatus.LEFT
        volunteer.left_on = today
        volunteer.save_versioned(expected_version=expected_version)
        Membership.objects.filter(volunteer=volunteer, left_on__isnull=True).update(left_on=today)
    return volunteer


def volunteer_link_user(*, actor: Actor, volunteer: Volunteer, user: User) -> Volunteer:
    try:
        with transaction.atomic():
            Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
    except IntegrityError:
        raise WorkflowError("该账号已关联其他志愿者。") from None
    volunteer.user = user
    return volunteer


# ---------------------------------------------------------------- teams

_LEVEL_OF: dict[str, str] = {
    Level.DISTRICT: TeamLevel.DISTRICT,
    Level.STREET: TeamLevel.STREET,
    Level.COMMUNITY: TeamLevel.COMMUNITY,
}


@dataclass
class TeamInput:
    name: str = ""
    type: str = ""
    division_code: str = ""
    organisation_id: int | str | None = None
    founded_on: dt.date | None = None


def team_create(*, actor: Actor, data: TeamInput) -> Team:
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = "请填写队伍名称（不超过 100 个字）。"
    if data.type not in TeamType.values:
        errors["type"] = "请选择队伍类型。"
    division = Division.objects.filter(code=(data.division_code or "").strip()).first()
    if division is None or division.level not in _LEVEL_OF:
        errors["division_code"] = "请选择队伍所属的区、街道或社区。"
    elif not place_allowed(actor, "volunteers.team_edit", division.code):
        errors["division_code"] = "所选区划不在您的管辖范围内。"
    if errors or division is None:  # no division is an error above
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return Team.objects.create(
                name=name,
                type=data.type,
                level=_LEVEL_OF[division.level],
                division=division,
                organisation_id=data.organisation_id or None,
                founded_on=data.founded_on,
            )
    except IntegrityError:
        raise ValidationFailed({"name": "该区划下已有同名队伍。"}) from None


def team_member_add(
    *, actor: Actor, team: Team, person: Person, role: str = MemberRole.MEMBER, joined_on: dt.date | None = None
) -> Membership:
    """Put a registered volunteer on a team. A person who has not registered with consent cannot be put on."""
    volunteer = Volunteer.objects.filter(person=person).first()
    if volunteer is None or not volunteer.has_consent or volunteer.status != VolunteerStatus.ACTIVE:
        raise WorkflowError("该人员尚未经本人同意注册为志愿者（或已撤回授权），不能编入队伍。请先办理志愿者注册。")
    if role not in MemberRole.values:
        raise ValidationFailed({"role": "队内角色不正确。"})
    if not same_district(team.division_id, volunteer.division_id) and team.level != TeamLevel.DISTRICT:
        # Teams recruit within their district; a district team may take volunteers from anywhere in it.
        raise ValidationFailed({"person": "该志愿者不在本队伍所在区。"})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                team=team,
                volunteer=volunteer,
                division_id=team.division_id,
                role=role,
                joined_on=joined_on or timezone.localdate(),
            )
    except IntegrityError:
        raise WorkflowError("该志愿者已在本队伍中。") from None


def team_member_remove(*, actor: Actor, membership: Membership) -> Membership:
    if membership.left_on is None:
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])
    return membership


# ---------------------------------------------------------------- service records


def _lock(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


def overlapping_record(
    volunteer: Volunteer, start: dt.datetime, end: dt.datetime, *, exclude_pk: int | None = None
) -> ServiceRecord | None:
    qs = ServiceRecord.objects.filter(volunteer=volunteer, started_at__lt=end, ended_at__gt=start).exclude(
        status=RecordStatus.REJECTED
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def service_record_create(
    *,
    actor: Actor,
    volunteer: Volunteer,
    title: str,
    started_at: dt.datetime | None,
    minutes: int,
    division_code: str,
    source: str = RecordSource.OTHER,
    venue_id: int | None = None,
    activity_ref: int | None = None,
    session_ref: int | None = None,
    pairing_ref: int | None = None,
    max_minutes: int | None = None,
    confirm: bool = False,
    note: str = "",
) -> ServiceRecord:
    """Record service hours. A volunteer's own claim stays pending; an organiser may record them confirmed.

    `max_minutes` is the length of the session served (hours beyond it are refused). Two records of one
    volunteer never overlap in time (her row is locked while checking).
    """
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写服务内容。"
    elif len(title) > 200:
        errors["title"] = "服务内容不能超过 200 个字。"
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes <= 0:
        errors["minutes"] = "服务时长应大于 0 分钟。"
    elif max_minutes is not None and minutes > max_minutes:
        errors["minutes"] = f"服务时长不能超过该场次的时长（{max_minutes} 分钟）。"
    elif minutes > MAX_RECORD_MINUTES:
        errors["minutes"] = f"单条服务记录不能超过 {MAX_RECORD_MINUTES // 60} 小时。"
    if started_at is None:
        errors["started_at"] = "请填写服务开始时间。"
    elif started_at > timezone.now():
        errors["started_at"] = "不能登记尚未开始的服务。"
    if source not in RecordSource.values:
        errors["source"] = "服务类别不正确。"
    if not Division.objects.filter(code=division_code).exists():
        errors["division_code"] = "请选择服务地点所在区划。"
    if errors or started_at is None:  # no start is an error above
        raise ValidationFailed(errors)
    ended_at = started_at + dt.timedelta(minutes=minutes)
    with transaction.atomic():
        locked = _lock(volunteer)
        if locked.status != VolunteerStatus.ACTIVE:
            raise WorkflowError("该志愿者已退出，不能登记新的服务记录。")
        clash = overlapping_record(locked, started_at, ended_at)
        if clash is not None:
            local = timezone.localtime(clash.started_at)
            raise WorkflowError(
                f"该志愿者在这段时间已有服务记录（{local:%Y-%m-%d %H:%M}，{clash.title}），同一时间不能重复登记。"
            )
        user = _user(actor)
        record = ServiceRecord.objects.create(
            volunteer=locked,
            division_id=division_code,
            venue_id=venue_id,
            source=source,
            activity_ref=activity_ref,
            session_ref=session_ref,
            pairing_ref=pairing_ref,
            title=title,
            started_at=started_at,
            ended_at=ended_at,
            on=timezone.localtime(started_at).date(),
            minutes=minutes,
            status=RecordStatus.CONFIRMED if confirm else RecordStatus.PENDING,
            claimed_by=user,
            confirmed_by=user if confirm else None,
            confirmed_at=timezone.now() if confirm else None,
            note=(note or "").strip()[:300],
        )
        if confirm:
            service_tally_add(record=record)
        return record


def service_record_decide(
    *, actor: Actor, record: ServiceRecord, confirm: bool, expected_version: int, note: str = ""
) -> ServiceRecord:
    """The organiser confirms (or turns down) a pending record; she cannot confirm her own claim."""
    if record.status != RecordStatus.PENDING:
        raise WorkflowError("该服务记录已处理，无需重复确认。")
    user = _user(actor)
    if user is not None and record.volunteer.user_id == user.pk:
        raise WorkflowError("不能确认本人登记的服务时长，请由活动组织者确认。")
    with transaction.atomic():
        record.status = RecordStatus.CONFIRMED if confirm else RecordStatus.REJECTED
        record.confirmed_by = user
        record.confirmed_at = timezone.now()
        if note:
            record.note = note.strip()[:300]
        record.save_versioned(expected_version=expected_version)
        if confirm:
            _lock(record.volunteer)  # her confirmations are counted one after another
            service_tally_add(record=record)
    return record


def service_records_bulk_create(*, actor: Actor, rows: list[dict]) -> int:
    """Many records at once (imports), each with the rules of `service_record_create`, all or nothing."""
    with transaction.atomic():
        for row in rows:
            service_record_create(actor=actor, **row)
    return len(rows)
