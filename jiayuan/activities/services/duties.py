"""Volunteers on duty at sessions and their hours (confirmed by the organiser, claimed by the volunteer)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import WorkflowError
from jiayuan.volunteers import services as volunteer_services
from jiayuan.volunteers.models import RecordSource, Volunteer, VolunteerStatus

from ..models import (
    Duty,
    Session,
)


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


def duty_hours_record(*, actor: Actor, duty: Duty, minutes: int, confirm: bool, note: str = "") -> Duty:
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


def hours_claim(*, actor: Actor, session: Session, volunteer: Volunteer, minutes: int) -> Duty:
    """The volunteer's own claim (mini-program): she joins the session's roster if she is not on it yet, and
    her hours wait for the organiser's confirmation."""
    with transaction.atomic():
        duty = Duty.objects.filter(session=session, volunteer=volunteer).first()
        if duty is None:
            duty = duty_assign(actor=actor, session=session, volunteer=volunteer)
        return duty_hours_record(actor=actor, duty=duty, minutes=minutes, confirm=False)
