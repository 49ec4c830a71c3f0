"""Declaring API operations with the permission they need.

API modules must not use `from __future__ import annotations`: django-ninja reads the real types of
the wrapped function's parameters.

`operation(router, "GET", "/people", perm="people.view")` registers the view, checks the permission
before it runs (404 when missing, like the pages) and writes the permission into the OpenAPI
document as `x-jiayuan-permission`, where the scope probe reads it.
"""

from __future__ import annotations

from functools import wraps

from ninja.errors import HttpError

PUBLIC = "public"
LOGIN = "login"


def operation(router, method: str, path: str, *, perm: str, **kwargs):
    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kw):
            if perm != PUBLIC:
                actor = getattr(request, "actor", None)
                if actor is None or not actor.is_authenticated:
                    raise HttpError(401, "请先登录或提供有效的令牌。")
                if perm != LOGIN and not actor.has_perm(perm):
                    raise HttpError(404, "未找到该记录。")
            return func(request, *args, **kw)

        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra["x-jiayuan-permission"] = perm
        if perm == PUBLIC:
            kwargs.setdefault("auth", None)
        return router.api_operation([method], path, openapi_extra=extra, **kwargs)(wrapped)

    return decorator
