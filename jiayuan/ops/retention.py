"""Retention: records past their keeping period are anonymised, statistics stay intact, every run is logged.

Apps declare what may be anonymised and when, in their `apps.py` `ready()`:

    from jiayuan.ops.retention import register_rule, register_hold

    register_rule(
        "cases.closed",                                   # unique key
        model=Person,                                     # what gets anonymised
        description="结案满保存期限的案件当事人",
        eligible=lambda cutoff: Person.objects.filter(...closed before cutoff...),
        anonymise=person_anonymise,                       # optional: default for Person is people's own
    )
    register_hold("cases.open", model=Person,
                  keep=lambda qs, cutoff: qs.exclude(case_parties__case__closed_at__isnull=True))

A rule gives the rows that have become eligible (`eligible(cutoff)`: a queryset of `model`); every hold
registered for that model then removes rows another module still needs (an open case, a register entry
still active, an exit younger than the period). What remains is anonymised one row at a time, each in its
own transaction, and entered in the ledger (`RetentionEntry`) so that it is never processed twice.
Anonymising keeps what statistics count (division, gender, birth year, category tags, the record itself
and its links) and removes what identifies (name, identifiers, phones, addresses, free text), in the
change history too. Each anonymised row and each run are written to the access log.

Two kinds of rules use this:
- people: "people.deleted", "cases.closed", "care.exited" anonymise the person — name,
  identifiers, phones, address, notes (`people.retention.person_anonymise`);
- stories: "cases.closed_text" (a closed case), "care.exited_text" (an ended register stay) and
  "screening.linked_text" (the hazard a done case or stay came from) replace every non-empty free text of
  the record and of the rows hanging from it by `（已匿名）` (`REDACTED`, with `redact` /
  `redact_with_history`) and delete attached files; codes, dates, amounts, counts and links stay. What each
  removes and keeps is listed in the module that registers it.
Rules run in key order ("care.*", "cases.*", "people.*", "screening.*"): a later rule may build on the
ledger entries of an earlier one in the same run (the screening rule does). A rule with `redo_after` (the
case story's, on `updated_at`) takes a row again when it changed after its ledger entry (a case reopened
and closed again); its ledger entry is then renewed. A dry run counts without changing anything.

Built in: people soft-deleted longer than the period ("people.deleted").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from jiayuan.access.actor import Actor

ANONYMOUS_NAME = "（已匿名）"


@dataclass(frozen=True)
class Rule:
    key: str
    model: type[Model]
    description: str
    eligible: Callable[[dt.datetime], QuerySet]
    anonymise: Callable[[Model], None]
    redo_after: str = ""  # a timestamp field: a row changed after it was anonymised is anonymised again


@dataclass(frozen=True)
class Hold:
    key: str
    model: type[Model]
    keep: Callable[[QuerySet, dt.datetime], QuerySet]


_RULES: dict[str, Rule] = {}
_HOLDS: dict[str, Hold] = {}
_ANONYMISERS: dict[type[Model], Callable[[Model], None]] = {}


def register_anonymiser(model: type[Model], func: Callable[[Model], None]) -> None:
    """How to anonymise one row of `model` (used by rules that do not bring their own)."""
    _ANONYMISERS[model] = func


def register_rule(
    key: str,
    *,
    model: type[Model],
    description: str,
    eligible: Callable[[dt.datetime], QuerySet],
    anonymise: Callable[[Model], None] | None = None,
    redo_after: str = "",
) -> None:
    """`redo_after` names a timestamp field of `model` (e.g. "updated_at") for records that can come back to
    life (a case reopened): a row changed after its ledger entry is eligible again, and its entry is renewed.
    The anonymiser must then write with queryset updates, which leave that timestamp alone."""
    func = anonymise or _ANONYMISERS.get(model)
    if func is None:
        raise ValueError(f"retention rule {key}: no anonymiser registered for {model.__name__}")
    _RULES[key] = Rule(key, model, description, eligible, func, redo_after)


def register_hold(key: str, *, model: type[Model], keep: Callable[[QuerySet, dt.datetime], QuerySet]) -> None:
    _HOLDS[key] = Hold(key, model, keep)


def rules() -> list[Rule]:
    return [_RULES[k] for k in sorted(_RULES)]


def candidates(rule: Rule, cutoff: dt.datetime) -> QuerySet:
    from .models import RetentionEntry

    qs = rule.eligible(cutoff)
    for hold in _HOLDS.values():
        if hold.model is rule.model:
            qs = hold.keep(qs, cutoff)
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast

    done = RetentionEntry.objects.filter(
        model=rule.model._meta.label_lower, object_id=Cast(OuterRef("pk"), CharField())
    )
    if rule.redo_after:
        done = done.filter(at__gte=OuterRef(rule.redo_after))
    return qs.exclude(Exists(done)).order_by("pk")


@dataclass
class RunResult:
    rule: str
    description: str
    count: int
    ids: list


def run_retention(
    *, actor: Actor, older_than_days: int, dry_run: bool = False, only: str | None = None
) -> list[RunResult]:
    from jiayuan.audit.models import Action
    from jiayuan.audit.services import access_log_write

    from .models import RetentionEntry

    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    results = []
    for rule in rules():
        if only and rule.key != only:
            continue
        ids = list(candidates(rule, cutoff).values_list("pk", flat=True))
        if not dry_run:
            label = rule.model._meta.label_lower
            done = []
            for pk in ids:
                with transaction.atomic():
                    obj = rule.model._base_manager.select_for_update().get(pk=pk)
                    if not candidates(rule, cutoff).filter(pk=pk).exists():
                        continue  # changed since the list was read (a case reopened…): under the lock, ask again
                    rule.anonymise(obj)
                    done.append(pk)
                    RetentionEntry.objects.update_or_create(
                        model=label, object_id=str(pk), defaults={"rule": rule.key, "at": timezone.now()}
                    )
                    access_log_write(
                        actor=actor,
                        action=Action.ADMIN,
                        object_type=label,
                        object_id=str(pk),
                        division_code=getattr(obj, "division_id", "") or "",
                        detail={"retention": rule.key, "older_than_days": older_than_days},
                    )
            ids = done
        access_log_write(
            actor=actor,
            action=Action.ADMIN,
            object_type="ops.retention",
            detail={
                "rule": rule.key,
                "older_than_days": older_than_days,
                "dry_run": dry_run,
                "count": len(ids),
                "cutoff": cutoff.isoformat(),
            },
        )
        results.append(RunResult(rule.key, rule.description, len(ids), ids))
    return results


# --- helpers for the modules' anonymisers -----------------------------------------------------------------

REDACTED = ANONYMOUS_NAME  # what replaces a free text that was not empty (an empty one stays empty)


def redact(qs: QuerySet, *fields: str) -> None:
    """Replace every non-empty value of `fields` in `qs` by `REDACTED` (one UPDATE per field; encrypted fields
    store the placeholder encrypted). Use a `_base_manager` (or history) queryset: no custom manager, no
    signals, no `auto_now` bump, no new history row."""
    for name in fields:
        qs.exclude(**{name: ""}).update(**{name: REDACTED})


def redact_with_history(model: type[Model], lookup: dict, *fields: str) -> None:
    """`redact` on the rows of `model` matching `lookup` and on their simple-history rows (the lookup uses
    the history table's own columns: `id` is the record's key there, foreign keys keep their `_id` name)."""
    redact(model._base_manager.filter(**lookup), *fields)
    history = getattr(model, "history", None)
    if history is not None:
        redact(history.model._base_manager.filter(**lookup), *fields)
