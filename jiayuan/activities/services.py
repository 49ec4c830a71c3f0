"""Writes for service projects and activities: sessions, sign-ups and the waiting list, check-in by code,
attendance, online figures, volunteers on duty and their hours. One service per use case, one transaction each."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.dictionaries.services import dictionary_ensure
from jiayuan.divisions.codes import same_district
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person
from jiayuan.venues.models import Venue
from jiayuan.volunteers import services as volunteer_services
from jiayuan.volunteers.models import RecordSource, Volunteer, VolunteerStatus

from .models import (
    TYPE_KIND,
    Activity,
    ActivityStatus,
    Attendance,
    Audience,
    CheckInMethod,
    Duty,
    ProjectKind,
    ServiceProject,
    Session,
    SignUp,
    SignUpStatus,
)

ACTIVITY_TYPES = [
    ("family_lecture", "家庭教育讲座"),
    ("parent_school", "家长学校课程"),
    ("parent_child", "亲子活动"),
    ("holiday_childcare", "假期托管班"),
    ("matchmaking", "婚恋交友（鹊桥）"),
    ("marriage_guidance", "婚姻家庭辅导"),
    ("job_fair", "招聘会"),
    ("skills_training", "技能培训"),
    ("legal_campaign", "普法宣传（三八维权周、反家暴宣传等）"),
    ("health_talk", "健康讲座"),
    ("reading", "阅读活动"),
    ("other", "其他活动"),
]

PLACE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


def activity_dictionaries_ensure() -> None:
    dictionary_ensure(TYPE_KIND, ACTIVITY_TYPES)


def checkin_window_before() -> dt.timedelta:
    """Check-in opens this long before a session starts (setting ACTIVITY_CHECKIN_EARLY_MINUTES, default 30)."""
    return dt.timedelta(minutes=int(getattr(settings, "ACTIVITY_CHECKIN_EARLY_MINUTES", 30)))


def code_lifetime() -> dt.timedelta:
    """How long a check-in code shown on the organiser's phone stays valid (default 15 minutes)."""
    return dt.timedelta(minutes=int(getattr(settings, "ACTIVITY_CHECKIN_CODE_MINUTES", 15)))


place_allowed = volunteer_services.place_allowed


def _user(actor: Actor):
    return actor.user


def _type_codes() -> set[str]:
    codes = set(DictionaryItem.objects.filter(kind=TYPE_KIND, is_active=True).values_list("code", flat=True))
    if not codes:
        activity_dictionaries_ensure()
        codes = {code for code, _ in ACTIVITY_TYPES}
    return codes


def _place(code: str, *, actor: Actor, perm: str, errors: dict, key: str = "division_code") -> Division | None:
    division = Division.objects.filter(code=(code or "").strip()).first()
    if division is None or division.level not in PLACE_LEVELS:
        errors[key] = "请选择举办的区、街道或社区。"
        return None
    if not place_allowed(actor, perm, division.code):
        errors[key] = "所选区划不在您的管辖范围内。"
        return None
    return division


# ---------------------------------------------------------------- projects


@dataclass
class ProjectInput:
    name: str = ""
    kind: str = ""
    division_code: str = ""
    provider_id: int | str | None = None
    provider_name: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget: object = "0"
    target_activities: object = 0
    target_attendances: object = 0
    target_hours: object = 0
    description: str = ""


def _non_negative_int(value, key: str, label: str, errors: dict) -> int:
    try:
        number = int(str(value or 0).strip() or 0)
    except ValueError:
        number = -1
    if number < 0:
        errors[key] = f"{label}应为不小于 0 的整数。"
        return 0
    return number


def project_create(*, actor: Actor, data: ProjectInput) -> ServiceProject:
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = "请填写项目名称（不超过 100 个字）。"
    if data.kind not in ProjectKind.values:
        errors["kind"] = "请选择项目类别。"
    division = _place(data.division_code, actor=actor, perm="activities.project_edit", errors=errors)
    if not data.starts_on or not data.ends_on:
        errors["starts_on"] = "请填写项目起止日期。"
    elif data.ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    try:
        budget = Decimal(str(data.budget or "0").strip() or "0").quantize(Decimal("0.01"))
        if budget < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["budget"] = "预算应为不小于 0 的金额（元）。"
        budget = Decimal("0")
    targets = {
        key: _non_negative_int(getattr(data, key), key, label, errors)
        for key, label in (
            ("target_activities", "目标场次"),
            ("target_attendances", "目标服务人次"),
            ("target_hours", "目标服务时长"),
        )
    }
    if errors or division is None or data.starts_on is None or data.ends_on is None:  # each is an error above
        raise ValidationFailed(errors)
    return ServiceProject.objects.create(
        name=name,
        kind=data.kind,
        division=division,
        provider_id=data.provider_id or None,
        provider_name=(data.provider_name or "").strip()[:100],
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        budget=budget,
        description=(data.description or "").strip(),
        **targets,
    )


# ---------------------------------------------------------------- activities


@dataclass
class ActivityInput:
    title: str = ""
    type: str = ""
    division_code: str = ""
    project_id: object = None
    venue_id: object = None
    online: bool = False
    online_channel: str = ""
    address: str = ""
    audience: str = Audience.GENERAL
    capacity: object = None
    records_names: bool = True
    organiser_org_id: object = None
    description: str = ""
    # As typed: a row with a missing time is refused with a message.
    sessions: list[tuple[dt.datetime | None, dt.datetime | None]] = field(default_factory=list)


def _clean_sessions(
    sessions: list[tuple[dt.datetime | None, dt.datetime | None]], errors: dict
) -> list[tuple[dt.datetime, dt.datetime]]:
    cleaned: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sessions or []:
        if start is None or end is None:
            errors["sessions"] = "请填写每一场的开始和结束时间。"
            return []
        if end <= start:
            errors["sessions"] = "场次的结束时间须晚于开始时间。"
            return []
        if end - start > dt.timedelta(hours=12):
            errors["sessions"] = "单场活动不能超过 12 小时，请分成多场。"
            return []
        cleaned.append((start, end))
    if not cleaned:
        errors["sessions"] = "请至少安排一场活动（开始和结束时间）。"
        return []
    cleaned.sort()
    for (_, end), (start, _) in zip(cleaned, cleaned[1:], strict=False):
        if start < end:
            errors["sessions"] = "同一活动的场次时间不能重叠。"
            return []
    return cleaned


def _capacity(value, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 100000:
        errors["capacity"] = "名额应为 1 至 100000 之间的整数；不限名额请留空。"
        return None
    return number


def _clean_activity(data: ActivityInput, *, actor: Actor, keep_division: str = "") -> dict:
    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    if not title or len(title) > 100:
        errors["title"] = "请填写活动名称（不超过 100 个字）。"
    if data.type not in _type_codes():
        errors["type"] = "请选择活动类型。"
    if data.audience not in Audience.values:
        errors["audience"] = "请选择服务对象。"
    code = (data.division_code or "").strip()
    if code and code == keep_division:
        division = Division.objects.filter(code=code).first()
    else:
        division = _place(code, actor=actor, perm="activities.edit", errors=errors)
    venue = None
    if data.venue_id not in (None, ""):
        venue = Venue.objects.filter(pk=str(data.venue_id).strip() or 0, is_active=True).first()
        if venue is None or (division is not None and not same_district(venue.division_id, division.code)):
            errors["venue"] = "活动阵地不存在、已停用或不在本区。"
    online = bool(data.online)
    if not online and venue is None and not (data.address or "").strip():
        errors["venue"] = "请选择活动阵地或填写活动地点；线上活动请勾选“线上活动”并填写渠道。"
    if online and not (data.online_channel or "").strip():
        errors["online_channel"] = "线上活动请填写渠道（如视频号直播）。"
    project = None
    if data.project_id not in (None, ""):
        project = ServiceProject.objects.filter(pk=str(data.project_id).strip() or 0).first()
        if project is None or (
            not place_allowed(actor, "activities.edit", project.division_id)
            and not (division is not None and division.code.startswith(project.division_id))
        ):
            errors["project"] = "所属项目不存在或不在您的管辖范围内。"
    capacity = _capacity(data.capacity, errors)
    sessions = _clean_sessions(data.sessions, errors) if data.sessions is not None else []
    if errors:
        raise ValidationFailed(errors)
    return {
        "title": title,
        "type": data.type,
        "division": division,
        "venue": venue,
        "online": online,
        "online_channel": (data.online_channel or "").strip()[:100],
        "address": (data.address or "").strip()[:200],
        "audience": data.audience,
        "capacity": capacity,
        "records_names": bool(data.records_names),
        "project": project,
        "organiser_org_id": data.organiser_org_id or None,
        "description": (data.description or "").strip(),
        "_sessions": sessions,
    }


def _session_row(activity: Activity, start: dt.datetime, end: dt.datetime) -> Session:
    return Session(
        activity=activity,
        starts_at=start,
        ends_at=end,
        on=timezone.localtime(start).date(),
        minutes=int((end - start).total_seconds() // 60),
        division_id=activity.division_id,
        type=activity.type,
        audience=activity.audience,
        project_id_ref=activity.project_id,
    )


def _refresh_dates(activity: Activity) -> None:
    days = list(activity.sessions.filter(cancelled=False).values_list("on", flat=True))
    if days:
        activity.starts_on, activity.ends_on = min(days), max(days)


def activity_create(*, actor: Actor, data: ActivityInput, publish: bool = False) -> Activity:
    values = _clean_activity(data, actor=actor)
    sessions = values.pop("_sessions")
    days = [timezone.localtime(start).date() for start, _ in sessions]
    with transaction.atomic():
        activity = Activity.objects.create(
            **values,
            starts_on=min(days),
            ends_on=max(days),
            organiser=_user(actor),
            status=ActivityStatus.OPEN if publish else ActivityStatus.DRAFT,
        )
        Session.objects.bulk_create([_session_row(activity, start, end) for start, end in sessions])
    return activity


def activity_update(*, actor: Actor, activity: Activity, data: ActivityInput, expected_version: int) -> Activity:
    """Edit an activity's details (its sessions are added or cancelled one by one). The place count can
    not go below the places already taken."""
    data.sessions = None  # type: ignore[assignment]
    values = _clean_activity(data, actor=actor, keep_division=activity.division_id)
    values.pop("_sessions")
    if values["capacity"] is not None and values["capacity"] < activity.taken:
        raise ValidationFailed({"capacity": f"已有 {activity.taken} 人报名，名额不能少于已报名人数。"})
    with transaction.atomic():
        for key, value in values.items():
            setattr(activity, key, value)
        activity.save_versioned(expected_version=expected_version)
        activity.sessions.update(
            division_id=activity.division_id,
            type=activity.type,
            audience=activity.audience,
            project_id_ref=activity.project_id,
        )
        Attendance.objects.filter(activity=activity).update(
            division_id=activity.division_id,
            type=activity.type,
            audience=activity.audience,
            project_id_ref=activity.project_id,
        )
        SignUp.objects.filter(activity=activity).update(division_id=activity.division_id)
        Duty.objects.filter(activity=activity).update(division_id=activity.division_id)
    return activity


_MOVES = {
    "publish": ({ActivityStatus.DRAFT, ActivityStatus.CLOSED}, ActivityStatus.OPEN, "发布报名"),
    "close": ({ActivityStatus.OPEN}, ActivityStatus.CLOSED, "截止报名"),
    "finish": ({ActivityStatus.OPEN, ActivityStatus.CLOSED}, ActivityStatus.DONE, "结束活动"),
    "cancel": (
        {ActivityStatus.DRAFT, ActivityStatus.OPEN, ActivityStatus.CLOSED},
        ActivityStatus.CANCELLED,
        "取消活动",
    ),
}


def activity_move(*, actor: Actor, activity: Activity, move: str, expected_version: int) -> Activity:
    if move not in _MOVES:
        raise ValidationFailed({"move": "不支持的操作。"})
    allowed, target, label = _MOVES[move]
    if activity.status not in allowed:
        raise WorkflowError(f"活动当前为“{activity.get_status_display()}”，不能{label}。")
    activity.status = target
    activity.save_versioned(expected_version=expected_version)
    return activity


def session_add(
    *, actor: Actor, activity: Activity, starts_at: dt.datetime | None, ends_at: dt.datetime | None
) -> Session:
    errors: dict[str, str] = {}
    _clean_sessions([(starts_at, ends_at)], errors)
    if errors or starts_at is None or ends_at is None:  # a missing time is an error above
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.sessions.filter(cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
            raise ValidationFailed({"sessions": "同一活动的场次时间不能重叠。"})
        session = _session_row(locked, starts_at, ends_at)
        session.save()
        _refresh_dates(locked)
        Activity.objects.filter(pk=locked.pk).update(starts_on=locked.starts_on, ends_on=locked.ends_on)
    return session


def session_cancel(*, actor: Actor, session: Session) -> Session:
    """Call off one session that nobody has checked in to; its volunteers without recorded hours are released."""
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=session.activity_id)
        row = Session.objects.select_for_update().get(pk=session.pk)
        if row.cancelled:
            raise WorkflowError("该场次已取消。")
        if row.attendances.exists():
            raise WorkflowError("该场次已有签到记录，不能取消。")
        if not locked.sessions.filter(cancelled=False).exclude(pk=row.pk).exists():
            raise WorkflowError("这是活动仅剩的一场，请改为取消整个活动。")
        row.cancelled = True
        row.checkin_code = ""
        row.code_expires_at = None
        row.save(update_fields=["cancelled", "checkin_code", "code_expires_at"])
        Duty.objects.filter(session=row, record__isnull=True).delete()
        _refresh_dates(locked)
        Activity.objects.filter(pk=locked.pk).update(starts_on=locked.starts_on, ends_on=locked.ends_on)
    return row


# ---------------------------------------------------------------- sign-ups and the waiting list


def _lock_activity(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def signup_create(
    *,
    actor: Actor,
    activity: Activity,
    person: Person | None = None,
    head_count: int = 1,
    user=None,
    waitlist: bool = True,
) -> SignUp:
    """Take a place: a named person (a full activity puts her on the waiting list, in order), or a head count
    where the activity does not record names (refused beyond the places left). The activity's row is locked,
    so concurrent sign-ups never exceed its places."""
    try:
        head_count = int(head_count)
    except (TypeError, ValueError):
        head_count = 0
    if person is None and head_count < 1:
        raise ValidationFailed({"head_count": "人数应为正整数。"})
    with transaction.atomic():
        locked = _lock_activity(activity)
        if locked.status != ActivityStatus.OPEN:
            raise WorkflowError(f"该活动当前为“{locked.get_status_display()}”，不接受报名。")
        if person is not None:
            head_count = 1
            if SignUp.objects.filter(activity=locked, person=person).exclude(status=SignUpStatus.CANCELLED).exists():
                raise WorkflowError("已报名该活动，不能重复报名。")
        elif locked.records_names:
            raise ValidationFailed({"person": "该活动为实名报名，请选择报名人。"})
        left = None if locked.capacity is None else locked.capacity - locked.taken
        if left is None or head_count <= left:
            status = SignUpStatus.CONFIRMED
        elif person is not None and waitlist:
            status = SignUpStatus.WAITING
        else:
            raise WorkflowError(f"超出活动名额：剩余 {max(left, 0)} 个名额，本次报名 {head_count} 人。")
        try:
            signup = SignUp.objects.create(
                activity=locked,
                person=person,
                head_count=head_count,
                division_id=locked.division_id,
                user=user,
                status=status,
                recorded_by=_user(actor),
            )
        except IntegrityError:
            raise WorkflowError("已报名该活动，不能重复报名。") from None
        if status == SignUpStatus.CONFIRMED:
            Activity.objects.filter(pk=locked.pk).update(taken=F("taken") + head_count)
    return signup


def waiting_position(signup: SignUp) -> int:
    if signup.status != SignUpStatus.WAITING:
        return 0
    ahead = SignUp.objects.filter(activity_id=signup.activity_id, status=SignUpStatus.WAITING).filter(
        created_at__lte=signup.created_at
    )
    return ahead.filter(id__lte=signup.pk).count()


def signup_cancel(*, actor: Actor, signup: SignUp) -> SignUp:
    """Give a place back; the waiting list fills free places in the order people signed up."""
    with transaction.atomic():
        locked = _lock_activity(signup.activity)
        row = SignUp.objects.select_for_update().get(pk=signup.pk)
        if row.status == SignUpStatus.CANCELLED:
            raise WorkflowError("该报名已取消。")
        freed = row.head_count if row.status == SignUpStatus.CONFIRMED else 0
        row.status = SignUpStatus.CANCELLED
        row.cancelled_at = timezone.now()
        row.save(update_fields=["status", "cancelled_at"])
        taken = locked.taken - freed
        if freed and locked.status == ActivityStatus.OPEN:
            for waiting in SignUp.objects.filter(activity=locked, status=SignUpStatus.WAITING).order_by(
                "created_at", "id"
            ):
                if locked.capacity is not None and taken + waiting.head_count > locked.capacity:
                    break
                waiting.status = SignUpStatus.CONFIRMED
                waiting.promoted_at = timezone.now()
                waiting.save(update_fields=["status", "promoted_at"])
                taken += waiting.head_count
        Activity.objects.filter(pk=locked.pk).update(taken=taken)
    return row


# ---------------------------------------------------------------- check-in and attendance


def checkin_code_issue(*, actor: Actor, session: Session) -> Session:
    """A fresh six-digit code for the organiser's phone; the previous code stops working at once."""
    if session.cancelled:
        raise WorkflowError("该场次已取消。")
    now = timezone.now()
    if now > session.ends_at:
        raise WorkflowError("该场次已结束，不能再生成签到码。")
    session.checkin_code = f"{secrets.randbelow(1_000_000):06d}"
    session.code_expires_at = min(now + code_lifetime(), session.ends_at)
    session.save(update_fields=["checkin_code", "code_expires_at"])
    return session


def _check_window(session: Session, now: dt.datetime) -> None:
    opens = session.starts_at - checkin_window_before()
    if now < opens or now > session.ends_at:
        start = timezone.localtime(opens)
        end = timezone.localtime(session.ends_at)
        raise WorkflowError(f"不在签到时间内：本场签到时间为 {start:%m-%d %H:%M} 至 {end:%H:%M}。")


def _attend(session: Session, *, person: Person | None, head_count: int, method: str, actor, now) -> Attendance:
    activity = session.activity
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                session=session,
                activity=activity,
                person=person,
                head_count=head_count,
                division_id=session.division_id,
                on=session.on,
                type=session.type,
                audience=session.audience,
                project_id_ref=session.project_id_ref,
                method=method,
                checked_in_at=now,
                recorded_by=_user(actor),
            )
    except IntegrityError:
        raise WorkflowError("已签到，无需重复签到。") from None


def checkin_by_code(*, actor: Actor, session: Session, person: Person, code: str) -> Attendance:
    """She types (or scans) the code shown on the organiser's phone, within the session's check-in window."""
    now = timezone.now()
    if session.cancelled:
        raise WorkflowError("该场次已取消。")
    _check_window(session, now)
    given = (code or "").strip()
    if not session.checkin_code or not hmac.compare_digest(given.encode(), session.checkin_code.encode()):
        raise ValidationFailed({"code": "签到码不正确，请核对组织者手机上显示的签到码。"})
    if session.code_expires_at is None or now > session.code_expires_at:
        raise ValidationFailed({"code": "签到码已过期，请请组织者刷新后重新输入。"})
    if (
        session.activity.records_names
        and not SignUp.objects.filter(
            activity_id=session.activity_id, person=person, status=SignUpStatus.CONFIRMED
        ).exists()
    ):
        raise WorkflowError("未找到您的有效报名（候补或已取消的报名不能签到）。")
    return _attend(session, person=person, head_count=1, method=CheckInMethod.CODE, actor=actor, now=now)


def attendance_record(
    *,
    actor: Actor,
    session: Session,
    person: Person | None = None,
    head_count: int = 1,
    method: str = CheckInMethod.ORGANISER,
    at: dt.datetime | None = None,
) -> Attendance:
    """The organiser records a person present, or a head count for an activity without names (at the door or
    afterwards); not before check-in opens."""
    now = at or timezone.now()
    if session.cancelled:
        raise WorkflowError("该场次已取消。")
    if now < session.starts_at - checkin_window_before():
        raise WorkflowError("场次尚未开始，不能登记签到。")
    try:
        head_count = int(head_count)
    except (TypeError, ValueError):
        head_count = 0
    if person is not None:
        head_count = 1
    if head_count < 1:
        raise ValidationFailed({"head_count": "人数应为正整数。"})
    activity = session.activity
    if activity.capacity is not None and person is None:
        present = sum(Attendance.objects.filter(session=session).values_list("head_count", flat=True))
        if present + head_count > activity.capacity:
            raise WorkflowError(f"超出活动名额：本场已签到 {present} 人次，名额 {activity.capacity}。")
    return _attend(
        session,
        person=person,
        head_count=head_count,
        method=method if person is not None else CheckInMethod.HEAD_COUNT,
        actor=actor,
        now=now,
    )


def session_online_record(*, actor: Actor, session: Session, views, interactions) -> Session:
    errors: dict[str, str] = {}
    views = _non_negative_int(views, "online_views", "观看人次", errors)
    interactions = _non_negative_int(interactions, "online_interactions", "互动次数", errors)
    if not session.activity.online:
        errors["online_views"] = "线下活动无需登记线上观看人次。"
    if errors:
        raise ValidationFailed(errors)
    session.online_views, session.online_interactions = views, interactions
    session.save(update_fields=["online_views", "online_interactions"])
    return session


# ---------------------------------------------------------------- volunteers on duty and their hours


def duty_assign(*, actor: Actor, session: Session, volunteer: Volunteer) -> Duty:
    """Put a volunteer on a session's roster; she cannot be on two sessions at the same time."""
    if session.cancelled:
        raise WorkflowError("该场次已取消。")
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if locked.status != VolunteerStatus.ACTIVE or not locked.has_consent:
            raise WorkflowError("该志愿者已退出或未经本人同意注册，不能安排服务。")
        clash = (
            Duty.objects.filter(volunteer=locked, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
            .exclude(session=session)
            .select_related("activity")
            .first()
        )
        if clash is not None:
            start = timezone.localtime(clash.starts_at)
            raise WorkflowError(
                f"该志愿者在同一时间已安排在“{clash.activity.title}”（{start:%m-%d %H:%M}）服务，场次时间重叠。"
            )
        try:
            with transaction.atomic():
                return Duty.objects.create(
                    session=session,
                    activity_id=session.activity_id,
                    volunteer=locked,
                    division_id=session.division_id,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                )
        except IntegrityError:
            raise WorkflowError("该志愿者已在本场次的服务名单中。") from None


def duty_hours_record(*, actor: Actor, duty: Duty, minutes, confirm: bool, note: str = "") -> Duty:
    """Record a volunteer's hours for a session she served: never beyond the session's length. The organiser
    may record them confirmed; the volunteer's own claim stays pending until the organiser confirms it."""
    session = duty.session
    if duty.record_id is not None:
        raise WorkflowError("本场次的服务时长已登记。")
    if timezone.now() < session.starts_at:
        raise WorkflowError("场次尚未开始，不能登记服务时长。")
    activity = session.activity
    with transaction.atomic():
        record = volunteer_services.service_record_create(
            actor=actor,
            volunteer=duty.volunteer,
            title=f"{activity.title}（{timezone.localtime(session.starts_at):%m-%d %H:%M} 场）",
            started_at=session.starts_at,
            minutes=minutes,
            division_code=activity.division_id,
            source=RecordSource.ACTIVITY,
            venue_id=activity.venue_id,
            activity_ref=activity.pk,
            session_ref=session.pk,
            max_minutes=session.minutes,
            confirm=confirm,
            note=note,
        )
        Duty.objects.filter(pk=duty.pk).update(record=record)
        duty.record = record
    return duty


def hours_claim(*, actor: Actor, session: Session, volunteer: Volunteer, minutes) -> Duty:
    """The volunteer's own claim (mini-program): she joins the session's roster if she is not on it yet, and
    her hours wait for the organiser's confirmation."""
    with transaction.atomic():
        duty = Duty.objects.filter(session=session, volunteer=volunteer).first()
        if duty is None:
            duty = duty_assign(actor=actor, session=session, volunteer=volunteer)
        return duty_hours_record(actor=actor, duty=duty, minutes=minutes, confirm=False)
