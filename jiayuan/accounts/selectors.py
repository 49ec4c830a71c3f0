"""Reading postings below the access floor: who supervises a place."""

from __future__ import annotations

from collections.abc import Iterable

from jiayuan.divisions.codes import ancestor_codes, self_and_ancestors

from .models import Posting, User
from .roles import Role


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
