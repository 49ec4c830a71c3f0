"""The administrative tree city → district → street → community, keyed by official statistical codes."""

from __future__ import annotations

from django.db import models
from django.db.models import Case, Expression, F, Q, Value, When
from django.db.models.functions import Concat, Length, Substr
from django.db.models.lookups import Exact, GreaterThanOrEqual

from .codes import (  # noqa: F401 - used through the models too
    MOVED_UNITS,
    ancestor_codes,
    in_subtree,
    scope_prefix,
)
from .codes import district_of as district_code_of  # noqa: F401
from .codes import parent_code as parent_code_of  # noqa: F401


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区"
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"


LEVEL_ORDER = {Level.PROVINCE: 0, Level.CITY: 1, Level.DISTRICT: 2, Level.STREET: 3, Level.COMMUNITY: 4}


def _range(column: str, prefix: str) -> Q:
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + ";"})


def subtree_q(prefix: str, field: str = "division") -> Q:
    """Rows whose division is `prefix`'s unit or below it, as code ranges so a plain b-tree index serves it.

    A functional area (大鹏新区) adds its streets' ranges; the district whose code they carry subtracts them
    (`codes.MOVED_UNITS`)."""
    column = f"{field}_id" if not field.endswith("_id") and field != "code" else field
    q = _range(column, prefix)
    if not prefix:
        return q
    for unit, parent in MOVED_UNITS.items():
        if parent.startswith(prefix) and not unit.startswith(prefix):
            q |= _range(column, unit)
    for unit, parent in MOVED_UNITS.items():
        if unit.startswith(prefix) and unit != prefix and not parent.startswith(prefix):
            q &= ~_range(column, unit)
    return q


def places_by_level(field: str = "division") -> dict[str, tuple[Expression | F, Expression | None]]:
    """For rows whose `field` is a district, street or community: per level (community, street, district, city),
    the code of the place at that level holding the row, as a database expression, with the condition for a row
    to reach that level (None: every row). Grouping by these counts each place over everything under it, for
    yearly tallies rebuilt in a few grouped queries."""
    code = f"{field}__code"
    moved = [When(**{f"{code}__startswith": unit}, then=Value(parent)) for unit, parent in MOVED_UNITS.items()]
    return {
        "community": (F(code), Exact(Length(code), 12)),
        "street": (Substr(code, 1, 9), GreaterThanOrEqual(Length(code), 9)),
        "district": (Case(*moved, default=Substr(code, 1, 6)), None),
        "city": (Concat(Substr(code, 1, 4), Value("00")), None),
    }


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
        return in_subtree(code, self.prefix)
