"""Template filters that show access vocabulary as people read it."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from jiayuan.access.fields import FieldClass

register = template.Library()


@register.filter
def field_class_names(codes: Iterable[str] | None) -> str:
    """["personal", "sensitive"] → "个人信息、敏感个人信息"."""
    names = dict(FieldClass.choices)
    return "、".join(str(names.get(code, code)) for code in codes or [])
