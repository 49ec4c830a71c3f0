"""POST /api/token: exchange a username and password for a bearer token."""

from django.conf import settings
from django.contrib.auth import authenticate
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import ApiToken
from jiayuan.api.routing import LOGIN, PUBLIC, operation
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.ratelimit import rate_limit

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str
    purpose: str = "接口调用"


class TokenOut(Schema):
    token: str
    expires_at: str
    id: int
    purpose: str


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
    if user.must_change_password:
        raise HttpError(403, "请先在网页上修改初始密码，再签发接口令牌。")
    # A token a person signs in for: short-lived, ended by the idle timeout like a session. A machine client's
    # long-lived token is issued by an administrator with a security officer's approval.
    token, raw = ApiToken.issue(
        user,
        hours=settings.API_TOKEN_HOURS,
        purpose=payload.purpose[:100] or "接口调用",
        interactive=True,
        issued_by=user,
    )
    access_log_write(
        actor=Actor.for_user(user),
        request=request,
        action=Action.TOKEN,
        detail={"channel": "api", "purpose": token.purpose, "token": token.pk},
    )
    return {"token": raw, "expires_at": token.expires_at.isoformat(), "id": token.pk, "purpose": token.purpose}


@operation(router, "POST", "/tokens/{int:token_id}/revoke", perm=LOGIN, response={204: None})
def token_revoke(request, token_id: int):
    """Revoke a token: the holder her own, a security officer any token of an account in her area."""
    from . import selectors, services

    token = selectors.token_get(actor=request.actor, token_id=token_id)
    services.token_revoke(actor=request.actor, token=token, request=request)
    return Status(204, None)


@operation(router, "GET", "/me", perm=LOGIN, response=MeOut)
def me(request):
    actor = request.actor
    return {
        "username": actor.user.username,
        "display_name": actor.user.display_name,
        "roles": sorted(r.value for r in actor.roles),
    }
