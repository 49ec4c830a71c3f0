"""The community chooser: communities grouped by their street (a select a page makes searchable)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def community_options(communities: Iterable, selected: str = "") -> SafeString:
    """<optgroup label="香蜜湖街道"><option …>竹林社区</option>…</optgroup>… in code order (streets in order)."""
    groups: dict[str, list] = {}
    for division in communities:
        parent = getattr(division, "parent", None)
        groups.setdefault(parent.name if parent is not None else "", []).append(division)

    def options(items: list) -> SafeString:
        return format_html_join(
            "",
            "{}",
            (
                (
                    format_html('<option value="{}" selected>{}</option>', d.code, d.name)
                    if d.code == selected
                    else format_html('<option value="{}">{}</option>', d.code, d.name),
                )
                for d in items
            ),
        )

    return format_html_join(
        "",
        "{}",
        (
            (format_html('<optgroup label="{}">{}</optgroup>', street, options(items)) if street else options(items),)
            for street, items in groups.items()
        ),
    )
