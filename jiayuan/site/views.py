"""The home page (each role sees the panels its permissions allow), the notification centre (a user's own
notifications only) and the error pages, which never echo the request (no personal data in error pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import public_view, require_login
from jiayuan.access.http import ActorRequest
from jiayuan.core.pagination import paginate
from jiayuan.notifications import selectors as notification_selectors
from jiayuan.notifications.services import notification_mark_read

if TYPE_CHECKING:
    from jiayuan.accounts.models import User


@require_login
def home(request: ActorRequest) -> HttpResponse:
    from config.nav import HOME_PANELS
    from jiayuan.access.registry import permission_table

    table = permission_table()
    panels = [
        template for template, perm in HOME_PANELS if perm is None or (perm in table and request.actor.has_perm(perm))
    ]
    notifications = notification_selectors.notifications_latest(user=request.user, limit=8)
    return render(request, "site/home.html", {"panels": panels, "notifications": notifications})


@public_view
def not_found(request: ActorRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到该记录。"}, status=404)
    return render(request, "404.html", status=404)


@public_view
def server_error(request: ActorRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试。"}, status=500)
    # Rendered without a request context: whatever failed (the database, a context processor) is not touched again.
    return HttpResponseServerError(loader.get_template("500.html").render())


@public_view
def public_asset(request: ActorRequest, name: str) -> HttpResponse:
    """A file the public pages' inlined stylesheet refers to (the font), with `no-store` like the pages."""
    from jiayuan.core.public_assets import SERVED, asset_bytes

    if request.method not in ("GET", "HEAD") or name not in SERVED:
        raise Http404
    response = HttpResponse(asset_bytes(name), content_type=SERVED[name])
    response["Cache-Control"] = "no-store"
    return response


@require_login
def notification_list(request: ActorRequest) -> HttpResponse:
    page = paginate(notification_selectors.notification_list(user=request.user), request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@require_login
def notification_read(request: ActorRequest) -> HttpResponse:
    notification_id = request.POST.get("id")
    notification_mark_read(
        user=cast("User", request.user),
        notification_id=int(notification_id) if notification_id and notification_id.isdigit() else None,
    )
    return redirect("notifications:list")
