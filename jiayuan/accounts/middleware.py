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
