"""Activities and their sessions: created, edited, moved through their states; sessions added or called off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.divisions.codes import same_district
from jiayuan.divisions.models import Division
from jiayuan.venues.models import Venue

from ..models import (
    Activity,
    ActivityStatus,
    Attendance,
    Audience,
    Duty,
    ServiceProject,
    Session,
    SignUp,
)
from .common import (
    _place,
    _type_codes,
    _user,
    place_allowed,
)
from .tally import attendance_tally_refresh


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


def _capacity(value: object, errors: dict) -> int | None:
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
    """From the first session's day to the day the last one ends (a session past midnight ends the next day)."""
    spans = list(activity.sessions.filter(cancelled=False).values_list("on", "ends_at"))
    if spans:
        activity.starts_on = min(on for on, _ in spans)
        activity.ends_on = max(timezone.localtime(end).date() for _, end in spans)


def activity_create(*, actor: Actor, data: ActivityInput, publish: bool = False) -> Activity:
    values = _clean_activity(data, actor=actor)
    sessions = values.pop("_sessions")
    days = [timezone.localtime(start).date() for start, _ in sessions]
    with transaction.atomic():
        activity = Activity.objects.create(
            **values,
            starts_on=min(days),
            ends_on=max(timezone.localtime(end).date() for _, end in sessions),
            organiser=_user(actor),
            status=ActivityStatus.OPEN if publish else ActivityStatus.DRAFT,
        )
        # one save per session (not a bulk insert), so that whatever follows the model's writes (the report
        # figures' summaries) sees them
        for start, end in sessions:
            _session_row(activity, start, end).save()
    return activity


def activity_update(*, actor: Actor, activity: Activity, data: ActivityInput, expected_version: int) -> Activity:
    """Edit an activity's details (its sessions are added or cancelled one by one). The place count can
    not go below the places already taken."""
    data.sessions = None  # type: ignore[assignment]
    values = _clean_activity(data, actor=actor, keep_division=activity.division_id)
    values.pop("_sessions")
    if values["capacity"] is not None and values["capacity"] < activity.taken:
        raise ValidationFailed({"capacity": f"已有 {activity.taken} 人报名，名额不能少于已报名人数。"})
    before = (activity.division_id, activity.type, activity.audience, activity.project_id)
    with transaction.atomic():
        for key, value in values.items():
            setattr(activity, key, value)
        activity.save_versioned(expected_version=expected_version)
        after = (activity.division_id, activity.type, activity.audience, activity.project_id)
        if after != before:
            # each session and check-in saved on its own (not a bulk update), so that whatever follows the
            # model's writes (the report figures' summaries) sees the place or group it left and joined
            carried = {
                "division_id": activity.division_id,
                "type": activity.type,
                "audience": activity.audience,
                "project_id_ref": activity.project_id,
            }
            for rows in (activity.sessions.all(), Attendance.objects.filter(activity=activity)):
                for row in rows.iterator():
                    for field_name, value in carried.items():
                        setattr(row, field_name, value)
                    row.save(update_fields=list(carried))
        SignUp.objects.filter(activity=activity).update(division_id=activity.division_id)
        if after != before:
            # Attendance moved to another place or group: recount the places it left and the ones it joined.
            years = {day.year for day in Attendance.objects.filter(activity=activity).values_list("on", flat=True)}
            if years:
                attendance_tally_refresh(years=years, division_codes=[before[0], after[0]])
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
