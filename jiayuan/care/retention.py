"""Retention for care (protocol in `jiayuan/ops/retention.py`), registered from `CareConfig.ready()`.

Rule "care.exited": people who left the register longer than the keeping period ago are anonymised (the
people registry's anonymiser: name, identifiers, phones, address and notes go; division, gender, birth year,
the register entries, plans, ledger lines and relief applications stay, so every care figure is unchanged).

Holds — whatever rule makes a person eligible, care keeps anyone it still works with:
- "care.active": on the register now (an active entry), or in an active pairing;
- "care.recent_exit": an exit younger than the period (a later stay that ended recently);
- "care.relief_open": a relief application still pending or returned for more information;
- "care.helper": an active helper (caring mother, executive member, volunteer).
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

    old_exit = RegisterEntry.objects.filter(person_id=OuterRef("pk"), status=EntryStatus.EXITED,
                                            exited_on__lt=_day(cutoff))
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


def register() -> None:
    from jiayuan.ops.retention import person_anonymise, register_hold, register_rule
    from jiayuan.people.models import Person

    # The anonymiser is named here: the ops app (which registers it as Person's default) is set up after care.
    register_rule("care.exited", model=Person, description="退出困境妇女儿童数据库满保存期限的人员",
                  eligible=exited_eligible, anonymise=person_anonymise)
    register_hold("care.active", model=Person, keep=keep_active)
    register_hold("care.recent_exit", model=Person, keep=keep_recent_exit)
    register_hold("care.relief_open", model=Person, keep=keep_open_relief)
    register_hold("care.helper", model=Person, keep=keep_helper)
