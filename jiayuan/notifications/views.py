"""The notification centre: a user's own notifications only."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_login
from jiayuan.core.pagination import paginate

from . import selectors
from .services import notification_mark_read


@require_login
def notification_list(request):
    page = paginate(selectors.notification_list(user=request.user), request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@require_login
def notification_read(request):
    notification_id = request.POST.get("id")
    notification_mark_read(
        user=request.user,
        notification_id=int(notification_id) if notification_id and notification_id.isdigit() else None,
    )
    return redirect("notifications:list")
