"""End a session after 30 idle minutes, whatever the browser does."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - int(last) > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
            elif last is None or now - int(last) >= TOUCH_EVERY_SECONDS:
                # Writing the session on every request would cost a database write per page view;
                # a minute's granularity is plenty for a 30-minute idle limit.
                request.session["last_seen"] = now
        return self.get_response(request)


def _too_large(request, limit: int):
    from django.http import HttpResponse, JsonResponse

    message = f"提交的内容过大（不能超过 {max(limit // 1024, 1)} KB），请删减后重试。"
    if limit >= 1024 * 1024:
        message = f"提交的内容过大（不能超过 {limit // 1024 // 1024} MB），请删减后重试。"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>内容过大</title></head>'
        f"<body><h1>内容过大</h1><p>{message}</p></body></html>",
        status=413,
    )


class BodyLimitMiddleware:
    """Refuse a request body over its budget before anything reads it (CSRF, forms, uploads, the API).

    Anonymous requests (the public legal chat, the call-back form, the login page) get a tight budget;
    signed-in users and valid API tokens get room for an attachment or an Excel import. A body sent without
    a Content-Length is never read by Django's request (its stream is limited to the declared length).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        anonymous_limit = int(getattr(settings, "ANONYMOUS_BODY_MAX_BYTES", 64 * 1024))
        if length > anonymous_limit:
            user = getattr(request, "user", None)
            signed_in = bool(user is not None and user.is_authenticated) or _valid_bearer(request)
            if not signed_in:
                return _too_large(request, anonymous_limit)
            limit = int(getattr(settings, "REQUEST_BODY_MAX_BYTES", 25 * 1024 * 1024))
            if length > limit:
                return _too_large(request, limit)
        return self.get_response(request)


def _valid_bearer(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return False
    from jiayuan.accounts.models import ApiToken

    return ApiToken.objects.find_active(header[7:].strip()) is not None
