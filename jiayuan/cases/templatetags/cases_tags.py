"""Case page filters: machine links and instrument codes shown as people read them."""

from __future__ import annotations

import re

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from jiayuan.cases import rules

register = template.Library()

# Sources written by the product itself ("screening:4"): the kind, its Chinese name and the page it opens.
MACHINE_SOURCES = {
    "screening": ("隐患排查发现的隐患", "screening:hazard_detail", "hazard_id"),
}
_MACHINE = re.compile(r"(?P<kind>[a-z_]+):(?P<id>\d+)")


@register.filter
def case_source(source: str) -> str:
    """ "screening:4" → a link "隐患排查发现的隐患（第 4 号）"; free text stays as typed (escaped)."""
    match = _MACHINE.fullmatch(source or "")
    if not match or match["kind"] not in MACHINE_SOURCES:
        return format_html("{}", source or "")
    label, url_name, kwarg = MACHINE_SOURCES[match["kind"]]
    text = f"{label}（第 {match['id']} 号）"
    try:
        url = reverse(url_name, kwargs={kwarg: int(match["id"])})
    except NoReverseMatch:  # pragma: no cover - the screening app is always installed
        return format_html("{}", text)
    return format_html('<a href="{}">{}</a>', url, text)


@register.filter
def risk_item_names(codes) -> str:
    """["strangulation", "threat_to_kill"] → "掐脖子或令其窒息、威胁杀害"."""
    return "、".join(rules.item_labels(codes or []))


@register.simple_tag
def risk_guidance(case) -> list[dict]:
    """The steps to take on a 高/极高 case (data: the instrument's `guidance`), with the action each records and
    whether it is already on the case's record."""
    if getattr(case, "risk_level", "") not in ("high", "extreme"):
        return []  # the guidance follows an assessment at 高 or 极高 (an urgent category alone has its own alert)
    done = set(case.actions.values_list("kind", flat=True)) if case.pk else set()
    steps = []
    for step in rules.instrument().get("guidance", []):
        action = step.get("action") or ""
        steps.append({**step, "recorded": action in done and action not in ("note", "reassess")})
    return steps
