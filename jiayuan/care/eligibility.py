"""Which vulnerability types fit a person: each type's sex and age conditions, read from data."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "type_conditions.yaml"


@lru_cache(maxsize=1)
def type_conditions() -> dict[str, dict]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def type_misfits(*, types, birth_date: dt.date | None, gender: str, on: dt.date) -> list[str]:
    """One Chinese sentence per type that does not fit the person (empty when all fit). `types` are dictionary
    items (code, label). Unknown age or sex is not held against the person."""
    problems = []
    age = age_on(birth_date, on)
    for item in types:
        rule = type_conditions().get(item.code)
        if not rule:
            continue
        sex_ok = not rule.get("sex") or gender in ("", "U", None) or gender == rule["sex"]
        age_ok = age is None or (rule.get("min_age", 0) <= age <= rule.get("max_age", 200))
        if not (sex_ok and age_ok):
            who = f"{age} 岁" if age is not None else ""
            who += {"F": "女性", "M": "男性"}.get(gender or "", "")
            problems.append(
                f"“{item.label}”适用于{rule.get('label', '符合条件的人员')}，该人员为{who or '不符合条件的人员'}。"
            )
    return problems
