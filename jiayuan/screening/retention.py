"""Retention for screening (protocol in `jiayuan/ops/retention.py`), registered from `ScreeningConfig.ready()`.

Rule "screening.linked_text" (model: the hazard): a hazard that became a case or register entries loses its
free text once what it became has lost its own — the case's story removed ("cases.closed_text"), or every
register entry made from it (`source="screening:<hazard id>"`) done by "care.exited_text". The rules run in
key order, so the same run that removes a case's story removes its hazard's text; a dry run counts only
hazards whose case or entries were already done by an earlier run.

Removed (non-empty text becomes `（已匿名）`): the hazard's findings and follow-up note, the visit's notes.
Kept: campaign, checklist version, division, household and people links, date, worker, the checklist
answers, the hazard's level, items, status, case link and follow-up time — so the screening figures are
unchanged. Hazards resolved on the spot or still open, and visits that found nothing, are not touched
by any rule yet.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat


def linked_text_eligible(cutoff: dt.datetime) -> QuerySet:
    from jiayuan.care.models import RegisterEntry
    from jiayuan.ops.models import RetentionEntry

    from .models import Hazard, HazardStatus

    case_done = RetentionEntry.objects.filter(model="cases.case", object_id=Cast(OuterRef("case_id"), CharField()))
    entries = RegisterEntry.objects.filter(
        source=Concat(Value("screening:"), Cast(OuterRef("pk"), CharField()), output_field=CharField())
    )
    entry_done = RetentionEntry.objects.filter(model="care.registerentry", object_id=Cast(OuterRef("pk"), CharField()))
    return Hazard.objects.filter(
        Q(status=HazardStatus.CASE, case_id__isnull=False) & Exists(case_done)
        | Q(status=HazardStatus.REGISTER) & Exists(entries) & ~Exists(entries.exclude(Exists(entry_done)))
    )


def hazard_text_anonymise(hazard) -> None:
    from jiayuan.ops.retention import redact

    from .models import Hazard, Visit

    redact(Hazard._base_manager.filter(pk=hazard.pk), "findings", "follow_note")
    redact(Visit._base_manager.filter(pk=hazard.visit_id), "notes")


def register() -> None:
    from jiayuan.ops.retention import register_rule

    from .models import Hazard

    register_rule(
        "screening.linked_text",
        model=Hazard,
        description="已转个案或困境库且其内容已匿名化的排查记录",
        eligible=linked_text_eligible,
        anonymise=hazard_text_anonymise,
    )
