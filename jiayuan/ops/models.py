"""The retention ledger: which record was anonymised under which rule, so it is never processed twice."""

from __future__ import annotations

from django.db import models


class RetentionEntry(models.Model):
    model = models.CharField("数据类型", max_length=100)
    object_id = models.CharField("记录", max_length=64)
    rule = models.CharField("保存期限规则", max_length=100)
    at = models.DateTimeField("匿名化时间", auto_now_add=True)

    class Meta:
        verbose_name = "匿名化记录"
        verbose_name_plural = "匿名化记录"
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="uniq_retention_entry")]
