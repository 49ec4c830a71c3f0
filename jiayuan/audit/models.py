"""The append-only, hash-chained access log (who saw or took what, when, from where)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("访问日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("访问日志只能追加，不能删除")

    def _raw_delete(self, using):  # used by cascades
        raise AppendOnlyError("访问日志只能追加，不能删除")


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    VIEW = "view", "查看"
    LIST = "list", "列表"
    SEARCH = "search", "搜索"
    REVEAL = "reveal", "查看完整信息"
    BREAK_GLASS = "break_glass", "紧急查阅"
    EXPORT = "export", "导出"
    ACCESS_REQUEST = "access_request", "申请查阅"
    TOKEN = "token", "签发接口令牌"
    AUDIT_VIEW = "audit_view", "查阅审计日志"
    ADMIN = "admin", "管理操作"
    REFUSED = "refused", "拒绝访问"
    OPEN = "open", "打开页面"
    ACT = "act", "提交操作"
    EXISTS_ELSEWHERE = "exists_elsewhere", "其他辖区登记核查"


class AccessLog(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("账号", max_length=150, blank=True)
    posting_id = models.BigIntegerField("岗位", null=True, blank=True)
    action = models.CharField("动作", max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    division_code = models.CharField("对象所属区划", max_length=12, blank=True)
    field_classes = models.JSONField("展示的字段级别", default=list, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    row_hash = models.CharField("本条哈希", max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "访问日志"
        verbose_name_plural = "访问日志"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("访问日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("访问日志只能追加，不能删除")


class ChainHead(models.Model):
    """One row holding the newest hash; locking it serialises appends to the chain."""

    last_hash = models.CharField(max_length=64)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "日志链头"
