"""Every view declares what it needs: a permission, a signed-in user, or nothing (public).

The declaration is kept on the view function, so the URL-map probe can check each view against the
permission table; a view without one fails that test.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .roles import touches_personal_data


def require_perm(perm: str):
    """Signed in and holding `perm` in some posting; otherwise login page or 404.

    A page under a permission on personal or case data leaves at least one access-log row per request, a
    refusal (no permission, or a 404 from the scope check) included (`audit.services.request_log_run`)."""
    logged = touches_personal_data(perm)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not logged:
                if not request.actor.has_perm(perm):
                    raise Http404("未找到该页面")
                return view(request, *args, **kwargs)
            from jiayuan.audit.services import request_log_run

            def call():
                if not request.actor.has_perm(perm):
                    raise Http404("未找到该页面")
                return view(request, *args, **kwargs)

            return request_log_run(request, request.actor, perm, call, kwargs)

        wrapped.jiayuan_perm = perm
        return wrapped

    return decorator


def require_login(view):
    """Any signed-in user (home page, own notifications, own profile)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.jiayuan_login = True
    return wrapped


def public_view(view):
    """Open to everyone (login page, the public legal chat)."""
    view.jiayuan_public = True
    return view
