"""Code tables that users edit (tags, categories, vulnerability types, checklist items) with stable codes."""

from __future__ import annotations

from django.db import models


class DictionaryItem(models.Model):
    kind = models.CharField("字典", max_length=48, db_index=True)
    code = models.CharField("代码", max_length=48)
    label = models.CharField("名称", max_length=100)
    description = models.CharField("说明", max_length=300, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "字典项"
        verbose_name_plural = "字典项"
        ordering = ["kind", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="uniq_dictionary_code")]

    def __str__(self) -> str:
        return self.label
