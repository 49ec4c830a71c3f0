"""Reading organisations: every list and record through the access policy (a federation is seen where the
actor's scope reaches its division)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.divisions.models import Division, Level

from .models import ExecutiveMember, Organisation, OrgKind


def organisation_list(*, actor: Actor, division: Division | None = None, kind: str = "") -> QuerySet[Organisation]:
    """The organisations the actor may see, under `division` when given, of one kind when given."""
    qs = policy.scoped(actor, "orgs.view", Organisation).select_related("division")
    if division is not None:
        qs = qs.filter(division.subtree_q())
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("division_id", "kind", "name")


def organisation_division_choices(*, actor: Actor) -> list[Division]:
    """The places an organisation may be filed under by the actor: below the city, within reach for managing."""
    qs = Division.objects.exclude(level=Level.CITY).filter(special=False).order_by("code")
    return list(policy.within_reach(actor, "orgs.manage", qs, field="code"))


def organisation_get(*, actor: Actor, org_id: object, perm: str = "orgs.view") -> Organisation:
    """Load and authorise one organisation for `perm` (404 when missing or out of scope)."""
    return policy.access_by_id(actor, perm, Organisation.objects.select_related("division"), org_id)


def organisation_may(*, actor: Actor, perm: str, organisation: Organisation) -> bool:
    return policy.allows(actor, perm, organisation)


def organisations_permitted(*, actor: Actor, perm: str, org_ids: list[int]) -> set[int]:
    """Which of these organisations the actor holds `perm` on (the same policy query as the record check)."""
    if not org_ids or not actor.has_perm(perm):
        return set()
    return set(policy.scoped(actor, perm, Organisation).filter(pk__in=org_ids).values_list("pk", flat=True))


@dataclass
class MemberRow:
    name: str  # masked
    post: str
    term_start: object
    term_end: object


def executive_member_rows(*, actor: Actor, organisation: Organisation) -> list[MemberRow]:
    """An organisation's executive members and posts, names masked."""
    members = (
        policy.scoped(actor, "orgs.members", ExecutiveMember)
        .filter(organisation=organisation)
        .select_related("person")
        .order_by("post", "term_start")
    )
    return [
        MemberRow(
            name=mask_name(m.person.name), post=m.get_post_display(), term_start=m.term_start, term_end=m.term_end
        )
        for m in members
    ]
