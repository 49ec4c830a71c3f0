"""Roles and data scopes: the vocabulary of the permission table.

Each app declares the permissions it uses in its own `permissions.py` as
``PERMISSIONS = {"<app>.<action>": {"<role>": "<scope>", ...}}``; `registry.py` assembles them into
the one table that the policy module enforces and the tests walk. The roles themselves are what a posting
holds, so they are defined with the postings (`accounts/roles.py`) and named here with the scopes.
"""

from __future__ import annotations

from django.db import models

# Named here too: the permission table's vocabulary is roles and scopes.
from jiayuan.accounts.roles import AGENCY_ROLES as AGENCY_ROLES
from jiayuan.accounts.roles import PRIVILEGED_ROLES as PRIVILEGED_ROLES
from jiayuan.accounts.roles import SEPARATED_ROLES as SEPARATED_ROLES
from jiayuan.accounts.roles import Role as Role


class Scope(models.TextChoices):
    """Data scope, in the words Chinese admin users know."""

    OWN = "own", "本人"  # only records explicitly granted (assigned, team, referral, pairing)
    LEVEL = "level", "本级"  # records of the posting's own division
    SUBTREE = "subtree", "本级及以下"  # the posting's division and everything under it
    ALL = "all", "全部"


# Actions that only read: a read-only grant (referral, break-glass) extends these and nothing else.
READ_ACTIONS = {"view", "list", "search", "reveal", "reveal_highly", "history", "export", "viewers", "stats"}


def is_read_permission(code: str) -> bool:
    return code.rsplit(".", 1)[-1] in READ_ACTIONS


# Apps whose pages show people (names, records, callers, holders, volunteers, attendance, members, the staff
# accounts) or case data: every request under one of their permissions is written to the access log
# (refusals included). `tests/reliability/test_access_log_coverage.py` fails when an app whose models point at
# a person or hold encrypted values is missing here. An account holding a permission of the SENSITIVE_APPS
# needs a security officer's approval (separation of duties).
PERSONAL_DATA_APPS = frozenset(
    {
        "people", "cases", "care", "screening", "audit", "access", "accounts", "imports", "workflows",
        "honours", "volunteers", "activities", "orgs", "legal", "reports",
    }
)  # fmt: skip
SENSITIVE_APPS = frozenset({"people", "cases", "care", "screening", "audit"})
# Apps with permission-guarded pages that show no person: projects, standards, places, indicators, system state,
# the division tree.
NO_PERSONAL_DATA_APPS = frozenset({"childfriendly", "venues", "indicators", "ops", "divisions"})
# Permissions of personal-data apps whose pages show no person (calendars, code lists, budgets, counts, the
# public catalogue of activities, report templates).
NOT_PERSONAL_PERMS = frozenset(
    {
        "cases.calendar", "care.dictionary_edit", "care.fund_view", "care.fund_edit",
        "honours.stats", "honours.kind_edit", "activities.stats", "activities.browse", "orgs.stats",
        "reports.template_edit",
    }
)  # fmt: skip


def touches_personal_data(perm: str) -> bool:
    return perm.split(".", 1)[0] in PERSONAL_DATA_APPS and perm not in NOT_PERSONAL_PERMS
