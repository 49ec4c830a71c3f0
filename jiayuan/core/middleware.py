"""Security headers on every response: a content security policy and no caching of personal pages."""

from __future__ import annotations

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if not request.path.startswith("/static/"):
            # Pages carry personal data: never keep them in shared or browser caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class NotFoundMiddleware:
    """A `NotFound` raised by a service, selector or the policy answers as Django's 404 (the same page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        from .errors import NotFound

        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None
