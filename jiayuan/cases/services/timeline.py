"""The case timeline: every change writes one entry, in the same transaction, naming who acted (a person,
or the system with its job's name).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.cases.models import (
    Case,
    CaseEvent,
)


def event_write(
    case: Case,
    kind: str,
    title: str,
    *,
    actor: Actor,
    note: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
    corrects: CaseEvent | None = None,
    sensitive: bool | None = None,
) -> CaseEvent:
    user = actor.user
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        title=title[:200],
        actor=user,
        actor_name=actor.display_name[:64],
        note=note or "",
        data=data or {},
        at=at or timezone.now(),
        corrects=corrects,
        sensitive=case.highly_sensitive if sensitive is None else sensitive,
    )
