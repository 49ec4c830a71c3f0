"""Reading the access module's own records: access requests, scoped by the policy like every other record."""

from __future__ import annotations

from django.db.models import QuerySet

from jiayuan.divisions.models import Division

from . import policy
from .actor import Actor
from .models import AccessRequest


def access_request_list(*, actor: Actor, limit: int = 200) -> QuerySet[AccessRequest]:
    """Requests for records registered within the actor's reach (they are the ones to decide them)."""
    return policy.scoped(actor, "access.decide_request", AccessRequest).select_related("requester")[:limit]


def access_request_get(*, actor: Actor, request_id: object) -> AccessRequest:
    return policy.access_by_id(actor, "access.decide_request", AccessRequest.objects.all(), request_id)


def division_choices_for(*, actor: Actor, perm: str, level: str = "community") -> list[Division]:
    """The divisions of one level a form may offer the actor for `perm` (none when out of reach)."""
    qs = Division.objects.filter(level=level, special=False).order_by("code")
    return list(policy.within_reach(actor, perm, qs, field="code"))


def reach_of(*, actor: Actor, perm: str) -> str | None:
    """The widest place the actor reaches for `perm` ("" everywhere, None nowhere), for a page's scope line."""
    return policy.reach(actor, perm)
