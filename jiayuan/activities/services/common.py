"""Shared pieces of the activity services: the activity types, settings of check-in, place checks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings

from jiayuan.access.actor import Actor
from jiayuan.dictionaries.models import DictionaryItem
from jiayuan.dictionaries.services import dictionary_ensure
from jiayuan.divisions.models import Division, Level
from jiayuan.volunteers import services as volunteer_services

if TYPE_CHECKING:
    from jiayuan.accounts.models import User

from ..models import (
    TYPE_KIND,
)

ACTIVITY_TYPES = [
    ("family_lecture", "家庭教育讲座"),
    ("parent_school", "家长学校课程"),
    ("parent_child", "亲子活动"),
    ("holiday_childcare", "假期托管班"),
    ("matchmaking", "婚恋交友（鹊桥）"),
    ("marriage_guidance", "婚姻家庭辅导"),
    ("job_fair", "招聘会"),
    ("skills_training", "技能培训"),
    ("legal_campaign", "普法宣传（三八维权周、反家暴宣传等）"),
    ("health_talk", "健康讲座"),
    ("reading", "阅读活动"),
    ("other", "其他活动"),
]

PLACE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


def activity_dictionaries_ensure() -> None:
    dictionary_ensure(TYPE_KIND, ACTIVITY_TYPES)


def checkin_window_before() -> dt.timedelta:
    """Check-in opens this long before a session starts (setting ACTIVITY_CHECKIN_EARLY_MINUTES, default 30)."""
    return dt.timedelta(minutes=int(getattr(settings, "ACTIVITY_CHECKIN_EARLY_MINUTES", 30)))


def code_lifetime() -> dt.timedelta:
    """How long a check-in code shown on the organiser's phone stays valid (default 15 minutes)."""
    return dt.timedelta(minutes=int(getattr(settings, "ACTIVITY_CHECKIN_CODE_MINUTES", 15)))


place_allowed = volunteer_services.place_allowed


def _user(actor: Actor) -> User | None:
    return actor.user


def _type_codes() -> set[str]:
    codes = set(DictionaryItem.objects.filter(kind=TYPE_KIND, is_active=True).values_list("code", flat=True))
    if not codes:
        activity_dictionaries_ensure()
        codes = {code for code, _ in ACTIVITY_TYPES}
    return codes


def _place(code: str, *, actor: Actor, perm: str, errors: dict, key: str = "division_code") -> Division | None:
    division = Division.objects.filter(code=(code or "").strip()).first()
    if division is None or division.level not in PLACE_LEVELS:
        errors[key] = "请选择举办的区、街道或社区。"
        return None
    if not place_allowed(actor, perm, division.code):
        errors[key] = "所选区划不在您的管辖范围内。"
        return None
    return division


def _non_negative_int(value: str | int | None, key: str, label: str, errors: dict) -> int:
    try:
        number = int(str(value or 0).strip() or 0)
    except ValueError:
        number = -1
    if number < 0:
        errors[key] = f"{label}应为不小于 0 的整数。"
        return 0
    return number
