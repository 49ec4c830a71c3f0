"""Retention for cases (protocol in `jiayuan/ops/retention.py`), registered from `CasesConfig.ready()`.

Rule "cases.closed": the parties of cases closed longer than the keeping period ago are anonymised (the
people registry's anonymiser: name, identifiers, phones, address and notes go; division, gender, birth year
and the case with its parties, categories, events and moves stay, so every case figure is unchanged).

Holds — whatever rule makes a person eligible, cases keep anyone a case still needs:
- "cases.open": a party to a case not closed (registered … follow-up, reopened, closure awaiting approval);
- "cases.recent": a party to a case closed less than the period ago (or closed with no closing time).

Rule "cases.closed_text" (model: the case): the story of a case closed longer than the period ago is removed.
Every non-empty free text becomes `（已匿名）`:
- the case: the account (当事人陈述); the source note unless it is a machine link such as `screening:12`;
- its timeline (CaseEvent): every note; in `data` the source note, the override reason and the handling
  facts typed in (participants, court, shelter place, provider… all but the dates); the titles that quote
  typed text (an attachment's file name, a correction's quote of another entry);
- handling actions: note, and in `data` every typed fact but the dates (applied_on, decided_on, until);
- risk assessments: the override reason (answers, score, levels, red flags stay);
- moves: note, reason for moving without consent, answer note;
- closure approvals and the shared approval engine's request and steps for the case: note and comments;
- attachments: the files are deleted from storage and their rows removed (the timeline keeps "上传附件" with
  size and type, so they can still be counted).
Kept: number, channel, dates and deadlines, division(s), status, categories, risk level, urgency and flags,
outcome, handler and team, parties (the people themselves go by the people rules), every event, action
(kind, date, success, satisfaction), assessment (answers, score, levels) and move (kind, status, reason
code, places, agency, times) — so the case statistics are unchanged. The cases app keeps no simple-history
table; these rows are the only copies. The append-only guard of the case records is bypassed here only
(through `_base_manager`), as retention requires.
A reopened (or otherwise changed) case whose story was already removed is done again once it has been
closed and untouched for the period again (`redo_after="updated_at"`).

Holds on a case's story (decided so that a story stays while its people are still worked with on cases):
- "cases.text_parties_active": a party of it is party to a case not closed, or closed less than the period
  ago (a repeat victim's earlier account is part of the risk picture); an open case is never touched, since
  only closed cases are eligible;
- "cases.text_recent_change": the case itself was changed less than the period ago (a follow-up recorded
  after closing, a reopening that was closed again).
Register activity does not hold a case's story (the care rules keep the person's identity if need be).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re

from django.db.models import Exists, OuterRef, Q, QuerySet

from jiayuan.ops.retention import REDACTED, redact


def closed_eligible(cutoff: dt.datetime) -> QuerySet:
    from jiayuan.people.models import Person

    from .models import CaseParty, Status

    old = CaseParty.objects.filter(person_id=OuterRef("pk"), case__status=Status.CLOSED, case__closed_at__lt=cutoff)
    return Person.objects.filter(Exists(old))


def keep_open(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import CaseParty, Status

    return qs.exclude(Exists(CaseParty.objects.filter(person_id=OuterRef("pk")).exclude(case__status=Status.CLOSED)))


def keep_recent(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import CaseParty, Status

    recent = CaseParty.objects.filter(
        Q(case__closed_at__isnull=True) | Q(case__closed_at__gte=cutoff),
        person_id=OuterRef("pk"),
        case__status=Status.CLOSED,
    )
    return qs.exclude(Exists(recent))


# --- the story of a case ------------------------------------------------------------------------------

MACHINE_SOURCE = re.compile(r"[a-z_]+:\d+")


def closed_text_eligible(cutoff: dt.datetime) -> QuerySet:
    from .models import Case, Status

    return Case.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff)


def keep_text_parties_active(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import CaseParty, Status

    people = CaseParty.objects.filter(case_id=OuterRef(OuterRef("pk"))).values("person_id")
    still = CaseParty.objects.filter(person_id__in=people).filter(
        ~Q(case__status=Status.CLOSED) | Q(case__closed_at__isnull=True) | Q(case__closed_at__gte=cutoff)
    )
    return qs.exclude(Exists(still))


def keep_text_recent_change(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    return qs.exclude(updated_at__gte=cutoff)


def _text_keys() -> set[str]:
    """The handling facts typed in (`services.ACTION_FIELDS`), except the dates."""
    from .services import ACTION_FIELDS

    return {key for fields in ACTION_FIELDS.values() for key in fields} - DATE_KEYS


DATE_KEYS = {"applied_on", "decided_on", "until", "occurred_on"}


def _redact_data(data, keys: set[str]):
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key in keys:
        value = out.get(key)
        if isinstance(value, str) and value and not (key == "source" and MACHINE_SOURCE.fullmatch(value)):
            out[key] = REDACTED
    return out


def case_text_anonymise(case) -> None:
    """Remove the story of one closed case (see the module docstring for what goes and what stays)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from jiayuan.workflows.models import ApprovalRequest, ApprovalStep

    from .models import (
        Case,
        CaseAction,
        CaseAttachment,
        CaseEvent,
        CaseMove,
        ClosureApproval,
        EventKind,
        RiskAssessment,
    )

    placeholder = REDACTED
    row = Case._base_manager.filter(pk=case.pk)
    redact(row, "account")
    if case.source and not MACHINE_SOURCE.fullmatch(case.source):
        row.update(source=placeholder)

    text_keys = _text_keys()
    events = CaseEvent._base_manager.filter(case_id=case.pk)
    redact(events, "note")
    for pk, kind, title, data in events.values_list("pk", "kind", "title", "data"):
        new_title = title
        if kind == EventKind.ATTACHMENT:
            new_title = f"上传附件：{placeholder}"
        elif kind == EventKind.CORRECTION and "“" in title:
            new_title = title[: title.index("“")] + f"“{placeholder}”"
        new_data = _redact_data(data, text_keys | {"source", "override_reason"})
        if new_title != title or new_data != data:
            CaseEvent._base_manager.filter(pk=pk).update(title=new_title, data=new_data)

    actions = CaseAction._base_manager.filter(case_id=case.pk)
    redact(actions, "note")
    for pk, data in actions.values_list("pk", "data"):
        new_data = _redact_data(data, set(data or {}) - DATE_KEYS)
        if new_data != data:
            CaseAction._base_manager.filter(pk=pk).update(data=new_data)

    redact(RiskAssessment._base_manager.filter(case_id=case.pk), "override_reason")
    redact(CaseMove._base_manager.filter(case_id=case.pk), "note", "consent_override_reason", "answer_note")
    redact(ClosureApproval._base_manager.filter(case_id=case.pk), "note", "comment")
    approvals = ApprovalRequest._base_manager.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
    )
    redact(approvals, "note")
    redact(ApprovalStep._base_manager.filter(approval__in=approvals.values("pk")), "comment")

    attachments = CaseAttachment._base_manager.filter(case_id=case.pk)
    files = [(a.file.storage, a.file.name) for a in attachments if a.file]
    attachments.delete()

    def remove_files():
        for storage, name in files:
            if storage.exists(name):
                storage.delete(name)
        for storage in {storage for storage, _ in files}:
            with contextlib.suppress(NotImplementedError, OSError):  # the case's folder, if local and empty
                os.rmdir(storage.path(f"cases/{case.pk}"))

    transaction.on_commit(remove_files)  # rows gone for good first; a rollback keeps the files


def register() -> None:
    from jiayuan.ops.retention import register_hold, register_rule
    from jiayuan.people.models import Person
    from jiayuan.people.retention import person_anonymise

    from .models import Case

    # The anonymiser is named here: the ops app (which registers it as Person's default) is set up after cases.
    register_rule(
        "cases.closed",
        model=Person,
        description="结案满保存期限的个案当事人",
        eligible=closed_eligible,
        anonymise=person_anonymise,
    )
    register_hold("cases.open", model=Person, keep=keep_open)
    register_hold("cases.recent", model=Person, keep=keep_recent)
    register_rule(
        "cases.closed_text",
        model=Case,
        description="结案满保存期限的个案内容（陈述、记录、附件）",
        eligible=closed_text_eligible,
        anonymise=case_text_anonymise,
        redo_after="updated_at",
    )
    register_hold("cases.text_parties_active", model=Case, keep=keep_text_parties_active)
    register_hold("cases.text_recent_change", model=Case, keep=keep_text_recent_change)
