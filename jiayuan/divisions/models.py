"""The administrative tree city → district → street → community, keyed by official statistical codes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .codes import scope_prefix  # noqa: F401 - a division's prefix, kept importable from the models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区"
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"


LEVEL_ORDER = {Level.PROVINCE: 0, Level.CITY: 1, Level.DISTRICT: 2, Level.STREET: 3, Level.COMMUNITY: 4}


def subtree_q(prefix: str, field: str = "division") -> Q:
    """Rows whose division code starts with `prefix`, as a range so a plain b-tree index serves it."""
    column = f"{field}_id" if not field.endswith("_id") and field != "code" else field
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + ";"})


class Division(models.Model):
    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    official_name = models.CharField("规范名称", max_length=128)
    level = models.CharField("层级", max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    prefix = models.CharField("辖区前缀", max_length=12, db_index=True)
    special = models.BooleanField("特殊区域", default=False, help_text="保税区、机场等，日常选择列表中隐藏")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return LEVEL_ORDER[Level(self.level)]

    def subtree_q(self, field: str = "division") -> Q:
        return subtree_q(self.prefix, field)

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)
