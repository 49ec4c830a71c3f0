"""Demo accounts: one per role, each with a posting at a believable place in Futian (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.divisions.models import Division, Level
from jiayuan.orgs.models import PartnerAgency

DEMO_PASSWORD = "Jiayuan@2026"
FUTIAN = "440304"
STREET = "440304006"  # 香蜜湖街道

DEMO_ACCOUNTS = [
    # username, display name, role, place ("division:<code>" / "agency:<name>" / "community" / "street")
    ("shequ", "社区社工 陈晓梅", Role.COMMUNITY_WORKER, "community"),
    ("jiedao", "街道妇联 林雪芳", Role.STREET_STAFF, "street"),
    ("weiquan", "区妇联维权部 黄丽娟", Role.DISTRICT_RIGHTS, f"division:{FUTIAN}"),
    ("rexian", "12338 接线员 周敏", Role.HOTLINE_OPERATOR, f"division:{FUTIAN}"),
    ("tiaojie", "婚调委调解员 吴秀兰", Role.MEDIATOR, f"division:{FUTIAN}"),
    ("gongan", "福田公安分局 刘警官", Role.AGENCY_USER, "agency:深圳市公安局福田分局"),
    ("aixin", "爱心妈妈 郑美玲", Role.VOLUNTEER, "community"),
    ("lingdao", "区妇联领导 何静", Role.LEADER, f"division:{FUTIAN}"),
    ("yonghu", "区妇联用户管理员 许婷", Role.USER_ADMIN, f"division:{FUTIAN}"),
    ("admin", "系统管理员", Role.SYSADMIN, "division:440300"),
    ("shenji", "审计员 冯芸", Role.AUDITOR, "division:440300"),
    ("anquan", "市妇联安全管理员 蒋岚", Role.SECURITY_OFFICER, "division:440300"),
    ("anquanqu", "区妇联安全管理员 石慧", Role.SECURITY_OFFICER, f"division:{FUTIAN}"),
    ("fawu", "法律审核员 邓律师", Role.LEGAL_REVIEWER, f"division:{FUTIAN}"),
]


def _place(spec: str) -> dict:
    if spec == "community":
        return {
            "division_id": Division.objects.filter(parent_id=STREET, level=Level.COMMUNITY)
            .order_by("code")
            .values_list("code", flat=True)
            .first()
        }
    if spec == "street":
        return {"division_id": STREET}
    kind, value = spec.split(":", 1)
    if kind == "agency":
        return {"agency": PartnerAgency.objects.get(name=value)}
    return {"division_id": value}


def demo_load() -> str:
    if not Division.objects.filter(code=FUTIAN).exists():
        return "未载入区划，跳过"
    created_count = 0
    with transaction.atomic():
        for username, display, role, place in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                Posting.objects.create(user=user, role=role, valid_from=dt.date(2024, 1, 1), **_place(place))
                created_count += 1
    return f"新增用户 {created_count}"
