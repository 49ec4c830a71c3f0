"""manage.py create_sysadmin: the installation's first system administrator (docs/deploy.md)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "创建系统管理员账号（新安装时的第一个管理员；之后的账号在“用户管理”中创建）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument("--name", default="系统管理员", help="显示名称")
        parser.add_argument("--division", required=True, help="岗位所在区划代码（如深圳市 440300）")
        parser.add_argument("--password-file", help="从文件读取密码（不提供时在终端输入）")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiayuan.access.actor import Actor
        from jiayuan.access.roles import Role
        from jiayuan.administration.accounts.services import user_create
        from jiayuan.core.errors import ValidationFailed

        if options["password_file"]:
            password = Path(options["password_file"]).read_text(encoding="utf-8").strip()
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            user = user_create(
                actor=Actor.system(job="install"),
                username=options["username"],
                display_name=options["name"],
                password=password,
                role=Role.SYSADMIN,
                division_code=options["division"],
            )
        except ValidationFailed as exc:
            raise CommandError("；".join(str(v) for v in exc.errors.values())) from exc
        self.stdout.write(f"已创建系统管理员 {user.username}。")
