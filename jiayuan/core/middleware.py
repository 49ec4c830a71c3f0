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


NUL_MESSAGE = "请求中含有无效的空字符，请检查链接或输入后重试。"


def _nul_in(params) -> bool:
    return any(
        "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values) for key, values in params.lists()
    )


def _carries_nul(request) -> bool:
    """Whether the address, a query parameter, a page's posted form field (its name or a value) or a JSON body
    carries a NUL character, which no field takes and PostgreSQL refuses. (A body is read here only when it is a
    page's plain form or JSON, whose size `BodyLimitMiddleware` has already bounded; uploads are not looked into.)"""
    if "\x00" in request.path or _nul_in(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    if request.content_type == "application/x-www-form-urlencoded" and not request.path.startswith("/api/"):
        # a page's form (already read for its CSRF token); the API reads its own bodies and answers in JSON
        return _nul_in(request.POST)
    return False


def bad_request(request, message: str):
    """A Chinese 400: `{"detail": ...}` for the API, a short page for the site."""
    from django.http import HttpResponse, JsonResponse
    from django.utils.html import escape

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求有误</title></head>'
        f"<body><main><h1>请求有误</h1><p>{escape(message)}</p>"
        '<p><a href="/">返回首页</a></p></main></body></html>',
        status=400,
    )


class BadParameterMiddleware:
    """A `BadParameter` raised by a page becomes a Chinese 400 page naming the problem (never a 500, whatever
    DEBUG says); the API turns it into `{"detail": ...}` through its own handler. A request whose address or query
    parameters carry a NUL character is refused the same way before any page runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            return bad_request(request, NUL_MESSAGE)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import BadParameter

        if not isinstance(exception, BadParameter):
            return None
        return bad_request(request, exception.message)


def client_address(request) -> str:
    """The client's address as resolved by `TrustedProxyMiddleware` (REMOTE_ADDR after it ran)."""
    return request.META.get("REMOTE_ADDR") or ""


class TrustedProxyMiddleware:
    """Behind a reverse proxy, take the client's address from X-Forwarded-For — but only from proxies listed in
    `JIAYUAN_TRUSTED_PROXIES` (addresses or networks). The header is read from the right: the first address that
    is not one of our proxies is the client, so a client cannot forge its address by sending the header itself.
    Rate limits, lockouts and the access log all read the resolved REMOTE_ADDR."""

    def __init__(self, get_response):
        import ipaddress

        from django.conf import settings

        self.get_response = get_response
        self.networks = [
            ipaddress.ip_network(item.strip(), strict=False)
            for item in getattr(settings, "TRUSTED_PROXIES", [])
            if item.strip()
        ]

    def _trusted(self, address: str) -> bool:
        import ipaddress

        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if self.networks and forwarded and self._trusted(peer):
            import ipaddress

            client = peer
            for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
                client = hop
                if not self._trusted(hop):
                    break
            try:
                ipaddress.ip_address(client)
            except ValueError:
                client = peer
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account whose password an administrator set or reset does nothing until its holder changes it."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/accounts/login/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import JsonResponse
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先在网页上修改初始密码。"}, status=403)
            return redirect("accounts:password")
        return self.get_response(request)


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
