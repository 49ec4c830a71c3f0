"""POST /api/token: exchange a username and password for a bearer token."""

from django.conf import settings
from django.contrib.auth import authenticate
from ninja import Router, Schema
from ninja.errors import HttpError

from jiayuan.access.actor import Actor
from jiayuan.api.routing import LOGIN, PUBLIC, operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.ratelimit import rate_limit

from .models import ApiToken

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]


@operation(router, "POST", "/token", perm=PUBLIC, response=TokenOut)
@rate_limit("token")
def token_create(request, payload: TokenIn):
    user = authenticate(request, username=payload.username[:150], password=payload.password)
    if user is None or not user.is_active:
        access_log_write(
            request=request, action=Action.LOGIN_FAILED, username=payload.username[:150], detail={"channel": "api"}
        )
        if getattr(request, "axes_locked_out", False):
            # Answer in JSON here: left set, axes' middleware would replace this with its HTML page.
            request.axes_locked_out = False
            raise HttpError(429, "登录失败次数过多，账号已暂时锁定，请 30 分钟后再试。")
        raise HttpError(401, "用户名或密码不正确。")
    token, raw = ApiToken.issue(user, days=settings.API_TOKEN_DAYS)
    access_log_write(actor=Actor.for_user(user), request=request, action=Action.TOKEN, detail={"channel": "api"})
    return {"token": raw, "expires_at": token.expires_at.isoformat()}


@operation(router, "GET", "/me", perm=LOGIN, response=MeOut)
def me(request):
    actor = request.actor
    return {
        "username": actor.user.username,
        "display_name": actor.user.display_name,
        "roles": sorted(r.value for r in actor.roles),
    }
