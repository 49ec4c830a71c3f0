"""The acting user: the user plus the postings active today, asked "what may I do, and where?"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils import timezone

from .registry import permission_table, system_job_label
from .roles import Role, Scope

if TYPE_CHECKING:  # types only: accounts sits on the floor below and imports nothing from here at runtime
    from jiayuan.accounts.models import Posting, User


@dataclass
class Actor:
    user: User | None  # None for an anonymous visitor and for the system
    postings: list[Posting] = field(default_factory=list)
    # Grant ids already read, for an actor that lives one request (None: always read afresh).
    grant_cache: dict | None = None
    # The system's job ("cases_sweep", "demo"...) when the system acts; None for people.
    job: str | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        """The system doing one named job (a sweep, an import step, the demo loader).

        Services trust it (it holds no postings and skips permission checks), and it is written to the
        timeline and the access log as the system with the job's Chinese name. `job` must be declared in
        some app's `permissions.py` `SYSTEM_JOBS`, so the log never shows a code name.
        """
        system_job_label(job)  # unknown jobs fail here, not in the log
        return cls(user=None, postings=[], job=job)

    @property
    def is_system(self) -> bool:
        return self.job is not None

    @property
    def display_name(self) -> str:
        """How the actor is named in timelines and logs."""
        if self.job is not None:
            return f"系统（{system_job_label(self.job)}）"
        if self.user is not None:
            return str(self.user)
        return "匿名访客"

    @classmethod
    def for_request(cls, user) -> Actor:
        """The actor of one HTTP request: it may remember the grant ids it has read until the response."""
        actor = cls.for_user(user)
        actor.grant_cache = {}
        return actor

    @classmethod
    def for_user(cls, user, *, on: dt.date | None = None) -> Actor:
        from jiayuan.accounts.models import Posting

        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(user=None, postings=[])
        postings = list(
            Posting.objects.active(on or timezone.localdate())
            .filter(user=user)
            .select_related("division", "agency")
            .order_by("valid_from", "id")
        )
        return cls(user=user, postings=postings)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)

    @cached_property
    def roles(self) -> set[Role]:
        return {Role(p.role) for p in self.postings}

    @cached_property
    def agency_ids(self) -> set[int]:
        return {p.agency_id for p in self.postings if p.agency_id}

    @property
    def primary_posting(self):
        return self.postings[0] if self.postings else None

    def scopes(self, perm: str) -> list[tuple[Scope, Posting]]:
        """Every (scope, posting) through which the actor holds `perm`."""
        grants = permission_table().get(perm)
        if grants is None:
            raise KeyError(f"unknown permission {perm}")
        result = []
        for posting in self.postings:
            scope = grants.get(Role(posting.role))
            if scope is not None:
                result.append((scope, posting))
        return result

    def has_perm(self, perm: str) -> bool:
        return bool(self.scopes(perm))

    def broadest_prefix(self, perm: str) -> str | None:
        """The widest division prefix for `perm` ("" for all), or None when only granted records count."""
        prefixes = []
        for scope, posting in self.scopes(perm):
            if scope == Scope.ALL:
                return ""
            if scope in (Scope.SUBTREE, Scope.LEVEL) and posting.division is not None:
                prefixes.append(posting.division.prefix)
        return min(prefixes, key=len) if prefixes else None


ANONYMOUS = Actor(user=None, postings=[])
