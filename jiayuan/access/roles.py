"""Roles and data scopes: the vocabulary of the permission table.

Each app declares the permissions it uses in its own `permissions.py` as
``PERMISSIONS = {"<app>.<action>": {"<role>": "<scope>", ...}}``; `registry.py` assembles them into
the one table that the policy module enforces and the tests walk.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    COMMUNITY_WORKER = "community_worker", "社区妇联主席/社工"
    STREET_STAFF = "street_staff", "街道妇联工作人员"
    DISTRICT_RIGHTS = "district_rights", "区妇联维权部"
    HOTLINE_OPERATOR = "hotline_operator", "12338 热线接线员"
    MEDIATOR = "mediator", "婚调委调解员"
    AGENCY_USER = "agency_user", "协作单位工作人员"
    VOLUNTEER = "volunteer", "巾帼志愿者/爱心妈妈"
    LEADER = "leader", "妇联领导"
    USER_ADMIN = "user_admin", "单位用户管理员"
    SYSADMIN = "sysadmin", "系统管理员"
    AUDITOR = "auditor", "审计员"
    LEGAL_REVIEWER = "legal_reviewer", "法律知识审核员"
    SECURITY_OFFICER = "security_officer", "安全管理员"


class Scope(models.TextChoices):
    """Data scope, in the words Chinese admin users know."""

    OWN = "own", "本人"  # only records explicitly granted (assigned, team, referral, pairing)
    LEVEL = "level", "本级"  # records of the posting's own division
    SUBTREE = "subtree", "本级及以下"  # the posting's division and everything under it
    ALL = "all", "全部"


# Roles whose postings sit at a partner agency rather than a division.
AGENCY_ROLES = {Role.AGENCY_USER}
# Roles that only a system administrator may hand out.
PRIVILEGED_ROLES = {Role.SYSADMIN, Role.AUDITOR, Role.USER_ADMIN, Role.SECURITY_OFFICER}
# 三员分立: the system administrator, the security officer and the auditor are three different people.
SEPARATED_ROLES = frozenset({Role.SYSADMIN, Role.SECURITY_OFFICER, Role.AUDITOR})

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
