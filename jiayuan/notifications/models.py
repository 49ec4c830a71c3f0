"""In-app notifications: alerts, overdue warnings, requests waiting for an answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    INFO = "info", "提示"
    WARNING = "warning", "提醒"
    URGENT = "urgent", "紧急"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    level = models.CharField("级别", max_length=16, choices=Level.choices, default=Level.INFO)
    dedupe_key = models.CharField("去重键", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="uniq_notification_dedupe"
            )
        ]
