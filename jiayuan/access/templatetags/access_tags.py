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


@register.filter
def may(actor: object, perm: str) -> bool:
    """`{% if actor|may:"cases.intake" %}`: the actor holds the permission (somewhere in its scope), so a link to
    a page that requires it opens; a page shows no link that would answer 404."""
    has_perm = getattr(actor, "has_perm", None)
    if has_perm is None:
        return False
    from jiayuan.access.registry import permission_table

    return perm in permission_table() and bool(has_perm(perm))
