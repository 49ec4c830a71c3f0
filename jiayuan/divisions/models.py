"""The administrative tree city → district → street → community, keyed by official statistical codes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区"
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"


LEVEL_ORDER = {Level.PROVINCE: 0, Level.CITY: 1, Level.DISTRICT: 2, Level.STREET: 3, Level.COMMUNITY: 4}


def scope_prefix(code: str, level: str) -> str:
    """The code prefix shared by a division and everything under it.

    Cities end in "00" (440300): their districts are 4403xx, so the prefix drops the zeros.
    """
    if level == Level.PROVINCE:
        return code[:2]
    if level == Level.CITY:
        return code[:4]
    return code


# Functional areas (功能区) such as 大鹏新区 are run as districts but have no code of their own in the national
# scheme: their streets keep codes under another district (葵涌 440307009 under 龙岗 440307). The tree (the
# shipped data/divisions/shenzhen.csv) says where a street belongs; scope follows the tree: the area's subtree
# holds its streets, and the district whose code they carry leaves them out. Kept here as data so that scope
# needs no query; a test checks it against the loaded tree.
MOVED_UNITS: dict[str, str] = {
    "440307009": "440399",  # 葵涌街道 → 大鹏新区
    "440307010": "440399",  # 大鹏街道 → 大鹏新区
    "440307011": "440399",  # 南澳街道 → 大鹏新区
}


def moved_units() -> dict[str, str]:
    """{unit code: parent code} for every unit whose parent is not the one its code names (大鹏新区's streets)."""
    return MOVED_UNITS


def _range(column: str, prefix: str) -> Q:
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + ";"})


def subtree_q(prefix: str, field: str = "division") -> Q:
    """Rows whose division is `prefix`'s unit or below it, as code ranges so a plain b-tree index serves it.

    A functional area adds its moved streets' ranges; the district whose code they carry subtracts them.
    """
    column = f"{field}_id" if not field.endswith("_id") and field != "code" else field
    q = _range(column, prefix)
    if not prefix:
        return q
    moved = moved_units()
    if not moved:
        return q
    for unit, parent in moved.items():
        if parent.startswith(prefix) and not unit.startswith(prefix):
            q |= _range(column, unit)
    carved = [
        unit
        for unit, parent in moved.items()
        if unit.startswith(prefix) and unit != prefix and not parent.startswith(prefix)
    ]
    for unit in carved:
        q &= ~_range(column, unit)
    return q


def in_subtree(code: str, prefix: str) -> bool:
    """`subtree_q` for one code, in Python: is `code` at or below the unit whose scope prefix is `prefix`?"""
    if not code.startswith(prefix):
        return any(code.startswith(unit) and parent.startswith(prefix) for unit, parent in moved_units().items())
    if not prefix:
        return True
    return not any(
        code.startswith(unit) and unit != prefix and unit.startswith(prefix) and not parent.startswith(prefix)
        for unit, parent in moved_units().items()
    )


def parent_code_of(code: str) -> str | None:
    """The code of the unit above `code`: its code's own parent, unless the unit was moved (大鹏新区's streets)."""
    moved = moved_units()
    if len(code) == 12:
        return code[:9]
    if len(code) == 9:
        return moved.get(code, code[:6])
    if len(code) == 6 and not code.endswith("00"):
        return code[:4] + "00"
    return None


def district_code_of(code: str) -> str:
    """The district-level unit a code sits in (a functional area for 大鹏新区's streets and communities)."""
    for candidate in [code, *ancestor_codes(code)]:
        if len(candidate) == 6 and not candidate.endswith("00"):
            return candidate
    return code[:6]


def ancestor_codes(code: str) -> list[str]:
    """Codes above `code`, nearest first, up to the city: community → street → district (or area) → city."""
    chain: list[str] = []
    current = parent_code_of(code)
    while current is not None:
        chain.append(current)
        current = parent_code_of(current)
    return chain


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
