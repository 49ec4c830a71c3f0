"""Retention for cases (protocol in `jiayuan/ops/retention.py`), registered from `CasesConfig.ready()`.

Rule "cases.closed": the parties of cases closed longer than the keeping period ago are anonymised (the
people registry's anonymiser: name, identifiers, phones, address and notes go; division, gender, birth year
and the case with its parties, categories, events and moves stay, so every case figure is unchanged).

Holds — whatever rule makes a person eligible, cases keep anyone a case still needs:
- "cases.open": a party to a case not closed (registered … follow-up, reopened, closure awaiting approval);
- "cases.recent": a party to a case closed less than the period ago (or closed with no closing time).
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet


def closed_eligible(cutoff: dt.datetime) -> QuerySet:
    from jiayuan.people.models import Person

    from .models import CaseParty, Status

    old = CaseParty.objects.filter(person_id=OuterRef("pk"), case__status=Status.CLOSED,
                                   case__closed_at__lt=cutoff)
    return Person.objects.filter(Exists(old))


def keep_open(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import CaseParty, Status

    return qs.exclude(Exists(CaseParty.objects.filter(person_id=OuterRef("pk")).exclude(case__status=Status.CLOSED)))


def keep_recent(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import CaseParty, Status

    recent = CaseParty.objects.filter(Q(case__closed_at__isnull=True) | Q(case__closed_at__gte=cutoff),
                                      person_id=OuterRef("pk"), case__status=Status.CLOSED)
    return qs.exclude(Exists(recent))


def register() -> None:
    from jiayuan.ops.retention import person_anonymise, register_hold, register_rule
    from jiayuan.people.models import Person

    # The anonymiser is named here: the ops app (which registers it as Person's default) is set up after cases.
    register_rule("cases.closed", model=Person, description="结案满保存期限的个案当事人",
                  eligible=closed_eligible, anonymise=person_anonymise)
    register_hold("cases.open", model=Person, keep=keep_open)
    register_hold("cases.recent", model=Person, keep=keep_recent)
