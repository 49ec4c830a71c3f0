"""Templates see the actor, the menu entries it may use and its unread notification count."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def actor(request):
    current = getattr(request, "actor", None)
    context = {"actor": current, "nav_items": [], "unread_count": 0}
    if current is None or not current.is_authenticated:
        return context
    from config.nav import NAV
    from jiayuan.access.registry import permission_table
    from jiayuan.notifications.models import Notification

    table = permission_table()
    items = []
    for label, name, perm in NAV:
        if perm is not None and (perm not in table or not current.has_perm(perm)):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    context["nav_items"] = items
    context["unread_count"] = Notification.objects.filter(user_id=current.user_id, read_at__isnull=True).count()
    return context
