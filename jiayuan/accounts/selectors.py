"""Reading users: an administrator sees the users whose postings all lie within their own scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from jiayuan.access.actor import Actor
from jiayuan.access.roles import PRIVILEGED_ROLES, Role
from jiayuan.divisions.codes import ancestor_codes, self_and_ancestors
from jiayuan.divisions.models import Division, Level, subtree_q
from jiayuan.orgs.models import PartnerAgency

from .models import Posting, User


def user_list(*, actor: Actor, q: str = "", perm: str = "accounts.view_users"):
    prefix = actor.broadest_prefix(perm)
    if prefix is None:
        return User.objects.none()
    qs = User.objects.all()
    if prefix:
        # Out of reach: any posting outside the admin's subtree (or at an agency outside it).
        inside = subtree_q(prefix, "division") | subtree_q(prefix, "agency__division")
        outside = Posting.objects.filter(user=OuterRef("pk")).exclude(inside)
        qs = qs.filter(~Exists(outside), Exists(Posting.objects.filter(user=OuterRef("pk"))))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return qs.prefetch_related("postings__division", "postings__agency").order_by("username")


def assignable(*, actor: Actor) -> dict:
    """Roles and places an administrator may hand out."""
    prefix = actor.broadest_prefix("accounts.manage_users")
    roles = [(r.value, r.label) for r in Role if prefix == "" or r not in PRIVILEGED_ROLES or r == Role.USER_ADMIN]
    if prefix is None:
        return {"roles": [], "divisions": [], "agencies": []}
    divisions = Division.objects.exclude(level=Level.COMMUNITY).filter(special=False)
    if prefix:
        divisions = divisions.filter(subtree_q(prefix, "code"))
    agencies = PartnerAgency.objects.all()
    if prefix:
        agencies = agencies.filter(subtree_q(prefix, "division"))
    return {"roles": roles, "divisions": list(divisions.order_by("code")), "agencies": list(agencies)}


def supervisors_of(division_code: str, *, roles: Iterable[str] | None = None):
    """Users who supervise a place: the nearest level above (or at) it that has such users.

    Community → its street staff; street → district rights staff; district → district rights, then city.
    """
    roles = list(roles or [Role.STREET_STAFF, Role.DISTRICT_RIGHTS])
    code = division_code
    candidates = ancestor_codes(code) if len(code) > 6 else self_and_ancestors(code) if len(code) == 6 else []
    for candidate in candidates:
        user_ids = Posting.objects.active().filter(division_id=candidate, role__in=roles).values("user_id")
        users = list(User.objects.filter(pk__in=user_ids, is_active=True))
        if users:
            return users
    return []
