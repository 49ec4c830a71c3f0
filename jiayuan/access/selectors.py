"""Reading the access module's own records: access requests, scoped by the policy like every other record."""

from __future__ import annotations

from django.db.models import QuerySet

from . import policy
from .actor import Actor
from .models import AccessRequest


def access_request_list(*, actor: Actor, limit: int = 200) -> QuerySet[AccessRequest]:
    """Requests for records registered within the actor's reach (they are the ones to decide them)."""
    return policy.scoped(actor, "access.decide_request", AccessRequest).select_related("requester")[:limit]


def access_request_get(*, actor: Actor, request_id: object) -> AccessRequest:
    return policy.access_by_id(actor, "access.decide_request", AccessRequest.objects.all(), request_id)
