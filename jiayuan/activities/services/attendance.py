"""Check-in by the code on the organiser's phone, attendance recorded by the organiser, online figures."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.people.models import Person

from ..models import (
    Attendance,
    CheckInMethod,
    Session,
    SignUp,
    SignUpStatus,
)
from .common import (
    _non_negative_int,
    _user,
    checkin_window_before,
    code_lifetime,
)
from .tally import attendance_tally_add


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


def _attend(
    session: Session, *, person: Person | None, head_count: int, method: str, actor: Actor, now: dt.datetime
) -> Attendance:
    activity = session.activity
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
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
            attendance_tally_add(attendance=attendance)
            return attendance
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


def session_online_record(
    *, actor: Actor, session: Session, views: str | int | None, interactions: str | int | None
) -> Session:
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
