"""What the care services share: the code tables they seed, the place check, the no-contact threshold."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Model

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.dictionaries.services import dictionary_ensure

from .models import (
    SKILL_KIND,
    VULNERABILITY_KIND,
)

if TYPE_CHECKING:
    pass


VULNERABILITY_TYPES = [
    ("single_mother", "单亲困难母亲"),
    ("serious_illness", "重病妇女"),
    ("disability", "残疾妇女儿童"),
    ("left_behind", "留守儿童"),
    ("no_guardian", "事实无人抚养儿童"),
    ("family_crisis", "困境家庭子女"),
    ("dv_survivor", "家庭暴力受害人"),
    ("elderly_woman", "高龄/空巢妇女"),
    ("unemployed", "失业困难妇女"),
    ("other", "其他"),
]


HELPER_SKILLS = [
    ("family_education", "家庭教育指导"),
    ("psychology", "心理咨询"),
    ("legal", "家事法律"),
    ("tutoring", "学业辅导"),
    ("health", "医疗健康"),
    ("employment", "就业创业"),
    ("companionship", "陪伴关爱"),
]


# Default needs by vulnerability type, used when an entry names no needs of its own.
TYPE_NEEDS = {
    "left_behind": ["companionship", "tutoring", "family_education"],
    "no_guardian": ["companionship", "family_education", "legal"],
    "family_crisis": ["family_education", "psychology"],
    "dv_survivor": ["psychology", "legal"],
    "single_mother": ["employment", "family_education"],
    "serious_illness": ["health", "companionship"],
    "disability": ["health", "companionship"],
    "elderly_woman": ["companionship", "health"],
    "unemployed": ["employment"],
}


def care_dictionaries_ensure() -> None:
    """The editable code tables care uses (idempotent)."""
    dictionary_ensure(VULNERABILITY_KIND, VULNERABILITY_TYPES)
    dictionary_ensure(SKILL_KIND, HELPER_SKILLS)


def no_contact_days() -> int:
    """Days without contact before a pairing is flagged (setting CARE_NO_CONTACT_DAYS, default 30)."""
    value = getattr(settings, "CARE_NO_CONTACT_DAYS", None) or os.environ.get("JIAYUAN_CARE_NO_CONTACT_DAYS") or 30
    return int(value)


def dictionary_items_for(kind: str, codes: Iterable[str], field: str) -> list[DictionaryItem]:
    codes = [c for c in dict.fromkeys(codes or []) if c]
    if kind == VULNERABILITY_KIND and not DictionaryItem.objects.filter(kind=kind).exists():
        care_dictionaries_ensure()
    items = list(DictionaryItem.objects.filter(kind=kind, code__in=codes, is_active=True))
    if len(items) != len(codes):
        raise ValidationFailed({field: "包含无效的选项。"})
    return items


def require_place(actor: Actor, perm: str, obj: Model) -> None:
    if not actor.is_system:
        policy.require(actor, perm, obj)
