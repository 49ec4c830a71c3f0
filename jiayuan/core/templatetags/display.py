"""Filters that show numbers the way a person reads them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def duration_hours(value: float | int | None) -> str:
    """A duration in hours: "5.5 小时" under two days, "94 天 3 小时" above; "—" when there is none."""
    if value is None or value == "":
        return "—"
    hours = float(value)
    if hours < 48:
        shown = f"{hours:.1f}".rstrip("0").rstrip(".")
        return f"{shown} 小时"
    days, rest = divmod(round(hours), 24)
    return f"{days} 天" + (f" {rest} 小时" if rest else "")


@register.filter
def duration_days(value: float | int | None) -> str:
    """A duration in days: "3.5 天"; "—" when there is none."""
    if value is None or value == "":
        return "—"
    shown = f"{float(value):.1f}".rstrip("0").rstrip(".")
    return f"{shown} 天"
