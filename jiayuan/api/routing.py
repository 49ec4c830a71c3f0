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

from jiayuan.access.roles import touches_personal_data

PUBLIC = "public"
LOGIN = "login"


def operation(router, method: str, path: str, *, perm: str, **kwargs):
    logged = perm not in (PUBLIC, LOGIN) and touches_personal_data(perm)

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kw):
            if perm != PUBLIC:
                actor = getattr(request, "actor", None)
                if actor is None or not actor.is_authenticated:
                    raise HttpError(401, "请先登录或提供有效的令牌。")
                if logged:
                    # One access-log row per call on personal or case data, refusals included.
                    from jiayuan.audit.services import request_log_run

                    def call():
                        if not actor.has_perm(perm):
                            raise HttpError(404, "未找到该记录。")
                        return func(request, *args, **kw)

                    match = getattr(request, "resolver_match", None)
                    ids = dict(match.kwargs) if match is not None else {}  # the path's ids, not the query
                    return request_log_run(request, actor, perm, call, ids)
                if perm != LOGIN and not actor.has_perm(perm):
                    raise HttpError(404, "未找到该记录。")
            return func(request, *args, **kw)

        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra["x-jiayuan-permission"] = perm
        if perm == PUBLIC:
            kwargs.setdefault("auth", None)
        return router.api_operation([method], path, openapi_extra=extra, **kwargs)(wrapped)

    return decorator
