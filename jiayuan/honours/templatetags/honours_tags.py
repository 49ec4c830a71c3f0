from __future__ import annotations

from django import template

from ..exports import holder_shown

register = template.Library()


@register.filter
def holder(obj) -> str:
    """A holder's name as lists show it: a person's name masked."""
    return holder_shown(obj.holder_type, obj.holder_name)


@register.simple_tag(takes_context=True)
def honours_person_panel(context, person) -> dict:
    from ..selectors import person_honour_panel

    actor = context.get("actor") or getattr(context.get("request"), "actor", None)
    if actor is None:
        return {}
    return person_honour_panel(actor=actor, person=person)
