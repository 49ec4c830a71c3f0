"""The home page (each role sees the panels its permissions allow) and the error pages, which never echo
the request (no personal data in error pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from jiayuan.access.decorators import public_view, require_login
from jiayuan.notifications.selectors import notifications_latest


@require_login
def home(request: HttpRequest) -> HttpResponse:
    from config.nav import HOME_PANELS
    from jiayuan.access.registry import permission_table

    table = permission_table()
    panels = [
        template for template, perm in HOME_PANELS if perm is None or (perm in table and request.actor.has_perm(perm))
    ]
    notifications = notifications_latest(user=request.user, limit=8)
    return render(request, "site/home.html", {"panels": panels, "notifications": notifications})


@public_view
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到该记录。"}, status=404)
    return render(request, "404.html", status=404)


@public_view
def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试。"}, status=500)
    # Rendered without a request context: whatever failed (the database, a context processor) is not touched again.
    return HttpResponseServerError(loader.get_template("500.html").render())
