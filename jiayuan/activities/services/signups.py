"""Sign-ups and the waiting list: places taken under the activity's row lock, freed places filled in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.people.models import Person

if TYPE_CHECKING:
    from jiayuan.accounts.models import User

from ..models import (
    Activity,
    ActivityStatus,
    SignUp,
    SignUpStatus,
)
from .common import (
    _user,
)


def _lock_activity(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def signup_create(
    *,
    actor: Actor,
    activity: Activity,
    person: Person | None = None,
    head_count: int = 1,
    user: User | None = None,
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
