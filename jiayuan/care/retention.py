"""Retention for care (protocol in `jiayuan/ops/retention.py`), registered from `CareConfig.ready()`.

Rule "care.exited": people who left the register longer than the keeping period ago are anonymised (the
people registry's anonymiser: name, identifiers, phones, address and notes go; division, gender, birth year,
the register entries, plans, ledger lines and relief applications stay, so every care figure is unchanged).

Holds — whatever rule makes a person eligible, care keeps anyone it still works with:
- "care.active": on the register now (an active entry), or in an active pairing;
- "care.recent_exit": an exit younger than the period (a later stay that ended recently);
- "care.relief_open": a relief application still pending or returned for more information;
- "care.helper": an active helper (caring mother, executive member, volunteer).

Rule "care.exited_text" (model: the register entry): the story of a stay that ended longer than the period
ago is removed, with what the register holds on the person (their plan, ledger, pairings and relief are
one per person, not per stay). Every non-empty free text becomes `（已匿名）`, in the simple-history tables too:
- the entry: note (情况说明) and exit reason; its reviews: summary;
- the person's support plan: needs found and goals; its measures: content and responsible party (due and
  done dates stay);
- the person's ledger lines: content (date, kind, amount, worker, division, source stay);
- the pairings where the person is the one cared for: end reason; their contact logs: content (date and
  mode stay);
- the person's relief applications: reason (amount, status, fund, dates, ledger link stay), and on the
  shared approval engine the request's note and each step's comment (the chain, levels, decisions, who and
  when stay).
Kept: the entries with their types, needs, levels, dates, worker and status; the helpers — so the care
statistics are unchanged. Pairings where the person is the helper are about someone else and stay.

Holds on a stay's story (the person has not come back and nothing about them is recent):
- "care.text_active": the person is on the register again (an active entry), in an active pairing as the
  one cared for, or has a relief application pending or returned;
- "care.text_recent": the person has an exit, a ledger line, a pairing end or a contact, or a relief
  application changed, less than the period ago.
Being an active helper does not hold the story (the "care.helper" hold keeps the person's identity).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone


def _day(cutoff: dt.datetime) -> dt.date:
    return timezone.localdate(cutoff) if timezone.is_aware(cutoff) else cutoff.date()


def exited_eligible(cutoff: dt.datetime) -> QuerySet:
    from jiayuan.people.models import Person

    from .models import EntryStatus, RegisterEntry

    old_exit = RegisterEntry.objects.filter(
        person_id=OuterRef("pk"), status=EntryStatus.EXITED, exited_on__lt=_day(cutoff)
    )
    return Person.objects.filter(Exists(old_exit))


def keep_active(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import EntryStatus, Pairing, PairingStatus, RegisterEntry

    active = RegisterEntry.objects.filter(person_id=OuterRef("pk"), status=EntryStatus.ACTIVE)
    paired = Pairing.objects.filter(person_id=OuterRef("pk"), status=PairingStatus.ACTIVE)
    return qs.exclude(Exists(active)).exclude(Exists(paired))


def keep_recent_exit(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import RegisterEntry

    return qs.exclude(Exists(RegisterEntry.objects.filter(person_id=OuterRef("pk"), exited_on__gte=_day(cutoff))))


def keep_open_relief(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import RELIEF_OPEN, ReliefApplication

    return qs.exclude(Exists(ReliefApplication.objects.filter(person_id=OuterRef("pk"), status__in=RELIEF_OPEN)))


def keep_helper(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import Helper

    return qs.exclude(Exists(Helper.objects.filter(person_id=OuterRef("pk"), is_active=True)))


# --- the story of a stay ------------------------------------------------------------------------------


def exited_text_eligible(cutoff: dt.datetime) -> QuerySet:
    from .models import EntryStatus, RegisterEntry

    return RegisterEntry.objects.filter(status=EntryStatus.EXITED, exited_on__lt=_day(cutoff))


def keep_text_active(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import (
        RELIEF_OPEN,
        EntryStatus,
        Pairing,
        PairingStatus,
        RegisterEntry,
        ReliefApplication,
    )

    person = OuterRef("person_id")
    return (
        qs.exclude(Exists(RegisterEntry.objects.filter(person_id=person, status=EntryStatus.ACTIVE)))
        .exclude(Exists(Pairing.objects.filter(person_id=person, status=PairingStatus.ACTIVE)))
        .exclude(Exists(ReliefApplication.objects.filter(person_id=person, status__in=RELIEF_OPEN)))
    )


def keep_text_recent(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import ContactLog, LedgerEntry, Pairing, RegisterEntry, ReliefApplication

    person, day = OuterRef("person_id"), _day(cutoff)
    return (
        qs.exclude(Exists(RegisterEntry.objects.filter(person_id=person, exited_on__gte=day)))
        .exclude(Exists(LedgerEntry.objects.filter(person_id=person, on__gte=day)))
        .exclude(Exists(Pairing.objects.filter(person_id=person, ended_on__gte=day)))
        .exclude(Exists(ContactLog.objects.filter(pairing__person_id=person, on__gte=day)))
        .exclude(Exists(ReliefApplication.objects.filter(person_id=person, updated_at__gte=cutoff)))
    )


def entry_text_anonymise(entry) -> None:
    """Remove the story of one ended stay and what the register holds on its person (see the docstring)."""
    from django.contrib.contenttypes.models import ContentType

    from jiayuan.ops.retention import redact, redact_with_history
    from jiayuan.workflows.models import ApprovalRequest, ApprovalStep

    from .models import (
        ContactLog,
        LedgerEntry,
        Pairing,
        PlanMeasure,
        RegisterEntry,
        RegisterReview,
        ReliefApplication,
        SupportPlan,
    )

    person_id = entry.person_id
    redact_with_history(RegisterEntry, {"id": entry.pk}, "note", "exit_reason")
    redact(RegisterReview._base_manager.filter(entry_id=entry.pk), "summary")

    plans = list(SupportPlan._base_manager.filter(person_id=person_id).values_list("pk", flat=True))
    plans += [
        pk
        for pk in SupportPlan.history.model._base_manager.filter(person_id=person_id).values_list("id", flat=True)
        if pk not in plans
    ]
    redact_with_history(SupportPlan, {"id__in": plans}, "needs_found", "goals")
    redact_with_history(PlanMeasure, {"plan_id__in": plans}, "content", "responsible")

    redact(LedgerEntry._base_manager.filter(person_id=person_id), "content")

    pairings = Pairing._base_manager.filter(person_id=person_id).values("pk")
    redact_with_history(Pairing, {"person_id": person_id}, "end_reason")
    redact(ContactLog._base_manager.filter(pairing_id__in=pairings), "content")

    redact_with_history(ReliefApplication, {"person_id": person_id}, "reason")
    applications = ReliefApplication._base_manager.filter(person_id=person_id).values("pk")
    approvals = ApprovalRequest._base_manager.filter(
        content_type=ContentType.objects.get_for_model(ReliefApplication), object_id__in=applications
    )
    redact(approvals, "note")
    redact(ApprovalStep._base_manager.filter(approval__in=approvals.values("pk")), "comment")


def register() -> None:
    from jiayuan.ops.retention import register_hold, register_rule
    from jiayuan.people.models import Person
    from jiayuan.people.retention import person_anonymise

    from .models import RegisterEntry

    # The anonymiser is named here: the ops app (which registers it as Person's default) is set up after care.
    register_rule(
        "care.exited",
        model=Person,
        description="退出困境妇女儿童数据库满保存期限的人员",
        eligible=exited_eligible,
        anonymise=person_anonymise,
    )
    register_hold("care.active", model=Person, keep=keep_active)
    register_hold("care.recent_exit", model=Person, keep=keep_recent_exit)
    register_hold("care.relief_open", model=Person, keep=keep_open_relief)
    register_hold("care.helper", model=Person, keep=keep_helper)
    register_rule(
        "care.exited_text",
        model=RegisterEntry,
        description="退出困境妇女儿童数据库满保存期限的登记内容",
        eligible=exited_text_eligible,
        anonymise=entry_text_anonymise,
    )
    register_hold("care.text_active", model=RegisterEntry, keep=keep_text_active)
    register_hold("care.text_recent", model=RegisterEntry, keep=keep_text_recent)
