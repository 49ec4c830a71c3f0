"""A form that carried `_draft` and was accepted (the page redirects after a good POST) has no draft left; a
view that redirects after refusing it sets `request.draft_keep`: what was sent is kept as the draft, and the page
it returns to gives the form back as typed.

Every signed-in response also tells the page's script when the idle session now ends (`X-Session-Deadline`),
so an HTMX request that kept the session alive also moves the page's clock and its warning."""

from __future__ import annotations

from jiayuan.core.errors import ValidationFailed

from .context import session_deadline
from .services import draft_discard, draft_save

# Sent with every form, never typed by anyone.
NOT_TYPED = {"csrfmiddlewaretoken", "_draft", "version"}


class DraftDoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and "_draft" in request.POST
        ):
            key = request.POST.get("_draft", "")
            if getattr(request, "draft_keep", False):
                fields = {
                    name: values[0] if len(values) == 1 else values
                    for name, values in request.POST.lists()
                    if name not in NOT_TYPED and any(values)
                }
                try:
                    draft_save(user=request.user, key=key, fields=fields)
                except ValidationFailed:  # too long to keep: the refusal message still shows
                    pass
            elif response.status_code in (301, 302, 303):
                draft_discard(user=request.user, key=key)
        if getattr(request, "session", None) is not None:
            deadline = session_deadline(request)
            if deadline is not None:
                response["X-Session-Deadline"] = str(deadline)
        return response
