"""The roles a posting holds. The permission table (`access/`) grants each role its scope per permission."""

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


# Roles whose postings sit at a partner agency rather than a division.
AGENCY_ROLES = {Role.AGENCY_USER}
# Roles that only a system administrator may hand out.
PRIVILEGED_ROLES = {Role.SYSADMIN, Role.AUDITOR, Role.USER_ADMIN, Role.SECURITY_OFFICER}
# 三员分立: the system administrator, the security officer and the auditor are three different people.
SEPARATED_ROLES = frozenset({Role.SYSADMIN, Role.SECURITY_OFFICER, Role.AUDITOR})
