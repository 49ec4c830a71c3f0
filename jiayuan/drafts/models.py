"""What a user has typed into a long form and not yet submitted: one draft per user and page, encrypted."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiayuan.core.fields import EncryptedTextField


class Draft(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("页面", max_length=200)
    data = EncryptedTextField("内容")
    saved_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "未提交的草稿"
        verbose_name_plural = "未提交的草稿"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_draft_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
