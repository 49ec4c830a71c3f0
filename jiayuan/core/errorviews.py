"""Error pages that never echo the request (no personal data in error pages)."""

from __future__ import annotations

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from jiayuan.access.decorators import public_view


@public_view
def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到该记录。"}, status=404)
    return render(request, "404.html", status=404)


@public_view
def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试。"}, status=500)
    # Rendered without a request context: whatever failed (the database, a context processor) is not touched again.
    return HttpResponseServerError(loader.get_template("500.html").render())
