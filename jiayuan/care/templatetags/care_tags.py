from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def care_person_panel(context, person):
    """The person page's care panel: register entry, plan and ledger, through the scoped selectors."""
    from jiayuan.access import policy

    from ..models import EntryStatus
    from ..selectors import person_entries, person_ledger, person_plan

    actor = context.get("actor") or getattr(context.get("request"), "actor", None)
    if actor is None or not actor.has_perm("care.view"):
        return {}
    entries = list(person_entries(actor=actor, person=person)[:5])
    entry = next((e for e in entries if e.status == EntryStatus.ACTIVE), entries[0] if entries else None)
    plan = person_plan(actor=actor, person=person)
    return {
        "entry": entry,
        "plan": plan,
        "measures": plan.measures.count() if plan else 0,
        "ledger": person_ledger(actor=actor, person=person).count(),
        "can_enter": (entry is None or entry.status != EntryStatus.ACTIVE)
        and policy.allows(actor, "care.edit", person),
    }


@register.simple_tag(takes_context=True)
def care_my_pairings(context):
    """The signed-in helper's own pairings (minimal data), for the home page."""
    from ..selectors import my_pairings

    actor = context.get("actor") or getattr(context.get("request"), "actor", None)
    if actor is None or not actor.has_perm("care.pairing_view"):
        return []
    return [r for r in my_pairings(actor=actor) if r["active"]]


@register.inclusion_tag("care/partials/volunteer_pairings.html")
def volunteer_pairings(volunteer, actor):
    """A volunteer's 爱心妈妈 pairings on her volunteer page (only those the viewer may see)."""
    from ..selectors import volunteer_pairings as pairings

    if actor is None or not actor.has_perm("care.pairing_view"):
        return {"rows": [], "shown": False}
    return {"rows": pairings(actor=actor, volunteer=volunteer), "shown": True}
