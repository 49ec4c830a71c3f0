"""Reads of import runs, always through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor

from .models import ImportRun


def run_list(*, actor: Actor) -> QuerySet[ImportRun]:
    """The runs filed under divisions in the actor's scope, newest first."""
    return policy.scoped(actor, "imports.view", ImportRun).select_related("user", "division").order_by("-id")


def run_get(*, actor: Actor, run_id: int) -> ImportRun:
    return policy.access_by_id(actor, "imports.view", ImportRun.objects.select_related("user", "division"), run_id)
