"""The home page: each role sees the panels its permissions allow."""

from __future__ import annotations

from django.shortcuts import render

from jiayuan.access.decorators import require_login


@require_login
def home(request):
    from config.nav import HOME_PANELS
    from jiayuan.access.registry import permission_table
    from jiayuan.notifications.models import Notification

    table = permission_table()
    panels = [
        template for template, perm in HOME_PANELS if perm is None or (perm in table and request.actor.has_perm(perm))
    ]
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at")[:8]
    return render(request, "core/home.html", {"panels": panels, "notifications": notifications})
