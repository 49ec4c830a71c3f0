"""用户批量导入: accounts from Excel, each through `accounts.services.user_create` — so an account whose role
reaches personal data is created inactive and waits for a security officer, exactly as one typed in by hand."""

from __future__ import annotations

import secrets

from jiayuan.access.roles import Role
from jiayuan.administration.accounts.services import user_create

from .framework import Column, ImportContext, ImportSpec, Row, choice, text

ROLES = {label: value for value, label in Role.choices}


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    from jiayuan.accounts.models import User

    seen: dict[str, int] = {}
    for row in rows:
        name = (row.values.get("username") or "").strip()
        if name in seen:
            ctx.error(row.number, "用户名", f"与第 {seen[name]} 行的用户名重复。")
        seen.setdefault(name, row.number)
    taken = set(User.objects.filter(username__in=list(seen)).values_list("username", flat=True))
    for row in rows:
        if row.values.get("username") in taken:
            ctx.error(row.number, "用户名", "该用户名已被使用。")


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    created = 0
    for row in rows:
        values = row.values
        user_create(
            actor=ctx.actor,
            username=values["username"],
            display_name=values.get("display_name") or "",
            # Never handed to anyone: the administrator resets it (or a security officer approves the account
            # with a one-time password) before the holder signs in.
            password=secrets.token_urlsafe(24),
            role=values["role"],
            division_code=values.get("division_code") or "",
            agency_id=values.get("agency_id") or None,
        )
        created += 1
    return created


SPEC = ImportSpec(
    kind="users",
    title="用户批量导入",
    perm="imports.users",
    sheet_title="用户",
    columns=(
        Column("用户名", "username", text(150), required=True, help="必填，登录用的用户名。", example="zhangsan"),
        Column("姓名", "display_name", text(64), help="选填。", example="张三"),
        Column(
            "角色",
            "role",
            choice(ROLES, label="角色"),
            required=True,
            help="必填。可查阅个人信息的角色须经安全管理员审批后启用（三员分立）。",
            example=Role.LEGAL_REVIEWER.label,
            choices=tuple(ROLES),
        ),
        Column(
            "区划代码", "division_code", text(12), text=True, help="岗位所在区划的 6/9/12 位代码。", example="440304"
        ),
        Column("协作单位编号", "agency_id", text(12), help="仅协作单位工作人员填写。", example=""),
    ),
    file_check=file_check,
    writer=writer,
    notes=("导入的账号须由管理员重置密码后交付本人；须审批的账号由安全管理员审批后当面交付一次性密码。",),
)
