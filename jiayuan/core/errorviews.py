"""Error pages that never echo the request (no personal data in error pages)."""

from __future__ import annotations

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render

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
    return HttpResponseServerError(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>系统错误</title></head>'
        "<body><h1>系统出现错误</h1><p>请稍后重试。</p></body></html>"
    )
