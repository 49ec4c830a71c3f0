"""A form that carried `_draft` and was accepted (the page redirects after a good POST) has no draft left.

Every signed-in response also tells the page's script when the idle session now ends (`X-Session-Deadline`),
so an HTMX request that kept the session alive also moves the page's clock and its warning."""

from __future__ import annotations

from .context import session_deadline
from .services import draft_discard


class DraftDoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code in (301, 302, 303)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and "_draft" in request.POST
        ):
            draft_discard(user=request.user, key=request.POST.get("_draft", ""))
        if getattr(request, "session", None) is not None:
            deadline = session_deadline(request)
            if deadline is not None:
                response["X-Session-Deadline"] = str(deadline)
        return response
