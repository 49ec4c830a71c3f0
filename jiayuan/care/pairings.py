"""Helpers and pairings: caring mothers and other helpers, pairing them with registered people (capacity held
under a row lock), contacts, ending a pairing, and the sweep that flags pairings without contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.divisions.codes import same_district
from jiayuan.people.models import Person
from jiayuan.volunteers.models import Volunteer

from .common import care_dictionaries_ensure, dictionary_items_for, no_contact_days
from .models import (
    SKILL_KIND,
    ContactLog,
    ContactMode,
    EntryStatus,
    Helper,
    HelperKind,
    Pairing,
    PairingStatus,
    RegisterEntry,
)

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


def helper_create(
    *,
    actor: Actor,
    person: Person,
    kind: str = HelperKind.CARING_MOTHER,
    skill_codes: Iterable[str] = (),
    capacity: int = 1,
    user: User | None = None,
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
    skills = dictionary_items_for(SKILL_KIND, skill_codes, "skills")
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


def helper_volunteer_link(*, actor: Actor, volunteer: Volunteer) -> int:
    """Point the person's helper record (爱心妈妈, 执委…) at her volunteer record; returns how many were linked."""
    return Helper.objects.filter(person_id=volunteer.person_id, volunteer__isnull=True).update(volunteer=volunteer)


def pairing_create(*, actor: Actor, helper: Helper, person: Person, started_on: dt.date | None = None) -> Pairing:
    """Pair a helper with a registered person; the helper's row is locked so capacity is never exceeded."""
    policy.require(actor, "care.pairing_edit", person)
    if not same_district(helper.division_id, person.division_id):
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


def pairing_close(pairing: Pairing, *, reason: str, on: dt.date) -> None:
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
        pairing_close(current, reason=reason.strip()[:200], on=on or timezone.localdate())
    pairing.refresh_from_db()
    return pairing


def contact_add(
    *, actor: Actor, pairing: Pairing, on: dt.date | None, mode: str = ContactMode.VISIT, content: str = ""
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
    from jiayuan.accounts.selectors import supervisors_of
    from jiayuan.notifications.models import Level
    from jiayuan.notifications.services import notify

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
