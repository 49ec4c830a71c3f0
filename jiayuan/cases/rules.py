"""The case rules kept as data (`data/*.yaml`): categories, deadlines, the risk instrument, suicide cues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import workdays

DATA = Path(__file__).parent / "data"


def _load(name: str):
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def categories() -> dict[str, dict]:
    return {row["code"]: row for row in _load("categories.yaml")}


def category_choices() -> list[tuple[str, str]]:
    return [(code, row["name"]) for code, row in categories().items()]


def category_name(code: str) -> str:
    row = categories().get(code)
    return row["name"] if row else code


def is_highly_sensitive(codes) -> bool:
    return any(categories().get(c, {}).get("sensitive") == "highly" for c in codes)


def is_urgent_category(codes) -> bool:
    return any(categories().get(c, {}).get("urgent") for c in codes)


def followup_required(codes, risk_level: str) -> bool:
    return _match_any(deadline_rules()["followup_after_closure"], codes, risk_level, False) is not None


@lru_cache(maxsize=1)
def suicide_cues() -> list[str]:
    return [
        line.strip() for line in (DATA / "suicide_cues.txt").read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def has_suicide_cue(text: str) -> bool:
    return any(cue in (text or "") for cue in suicide_cues())


def emergency_reasons(account: str) -> list[str]:
    """Emergency cues in a caller's account (a threat to kill, a weapon, strangling, violence going on,
    suicide), each as the reason shown to the operator: the same rules as the legal assistant's chat."""
    from jiayuan.core.cues import emergency_reasons as reasons

    return reasons(account)


@lru_cache(maxsize=1)
def deadline_rules() -> dict[str, list[dict]]:
    return _load("deadlines.yaml")


def _matches(rule: dict, codes, risk_level: str, urgent: bool) -> bool:
    if rule.get("default"):
        return True
    if "risk" in rule and risk_level not in rule["risk"]:
        return False
    if "urgent" in rule and bool(urgent) != bool(rule["urgent"]):
        return False
    if "categories" in rule and not set(rule["categories"]) & set(codes):
        return False
    if rule.get("followup_required") and not any(categories().get(c, {}).get("followup_required") for c in codes):
        return False
    return True


def _match_any(rules: list[dict], codes, risk_level: str, urgent: bool) -> dict | None:
    for rule in rules:
        if _matches(rule, codes, risk_level, urgent):
            return rule
    return None


def apply_rule(rule: dict, start: dt.datetime) -> dt.datetime:
    if "hours" in rule:
        return start + dt.timedelta(hours=rule["hours"])
    if "workdays" in rule:
        return workdays.due_after_workdays(start, rule["workdays"])
    return start + dt.timedelta(days=rule["days"])


@dataclass(frozen=True)
class Deadline:
    due: dt.datetime
    label: str


def deadline_for(
    kind: str, *, start: dt.datetime, codes, risk_level: str = "", urgent: bool = False
) -> Deadline | None:
    rule = _match_any(deadline_rules().get(kind, []), codes, risk_level, urgent)
    if rule is None:
        return None
    return Deadline(due=apply_rule(rule, start), label=rule.get("label", ""))


# The risk instrument ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def instrument() -> dict:
    return _load("risk_instrument_v1.yaml")


ANSWERS = {"yes": "是", "no": "否", "unknown": "不清楚"}


def item_labels(codes) -> list[str]:
    """The instrument items' short Chinese names ("threat_to_kill" → "威胁杀害"), in the order given."""
    names = {item["code"]: item.get("label") or item["text"] for item in instrument()["items"]}
    return [names.get(code, code) for code in codes]


@dataclass(frozen=True)
class Score:
    score: int
    level: str
    red_flags: list[str]
    unknown_count: int
    many_unknowns: bool
    explanation: list[str]


LEVEL_ORDER = ["low", "medium", "high", "extreme"]


def score_answers(answers: dict[str, str]) -> Score:
    """Weighted sum of "yes" answers; bands; red flags lift the level. Shows how it was reached."""
    spec = instrument()
    score, flags, unknown, explanation = 0, [], 0, []
    for item in spec["items"]:
        answer = answers.get(item["code"], "unknown")
        if answer == "yes":
            score += item["weight"]
            explanation.append(f"{item['text']}（+{item['weight']}）")
            if item.get("red_flag"):
                flags.append(item["code"])
        elif answer != "no":
            unknown += 1
    level = "low"
    for band in spec["bands"]:
        if score >= band["min"]:
            level = band["level"]
    if flags:
        floor = spec["red_flags_two"] if len(flags) >= 2 else spec["red_flag_min"]
        if LEVEL_ORDER.index(floor) > LEVEL_ORDER.index(level):
            level = floor
            explanation.append(f"存在红旗项 {len(flags)} 项，等级至少为“{dict(LEVEL_NAMES)[floor]}”")
    return Score(
        score=score,
        level=level,
        red_flags=flags,
        unknown_count=unknown,
        many_unknowns=unknown >= spec["many_unknowns"],
        explanation=explanation,
    )


LEVEL_NAMES = [("low", "低"), ("medium", "中"), ("high", "高"), ("extreme", "极高")]


# What a referral shares by default with each kind of partner agency (the referring worker may change it).
# Police act on a threat at once: who, how to reach her safely, what happened, where. Courts and procuratorates
# need who and what; civil affairs and health services need to reach her; schools only who.
REFERRAL_SHARE_DEFAULTS: dict[str, list[str]] = {
    "police": ["name", "phone", "account", "address"],
    "court": ["name", "phone", "account"],
    "procuratorate": ["name", "phone", "account"],
    "justice": ["name", "phone", "account"],
    "civil_affairs": ["name", "phone", "address"],
    "health": ["name", "phone"],
    "social_work": ["name", "phone"],
    "education": ["name"],
    "other": ["name", "phone"],
}


def referral_share_defaults(agency_kind: str) -> list[str]:
    """The items a referral to an agency of this kind shares unless the worker chooses otherwise."""
    return list(REFERRAL_SHARE_DEFAULTS.get(agency_kind, ["name", "phone"]))
