"""Sign-in and sign-out (logged to the access log), and user administration by level."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import public_view, require_login, require_perm
from jiayuan.accounts.models import Posting
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError
from jiayuan.core.ratelimit import rate_limit

from . import duties, selectors, services


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续失败 5 次后账号将被暂时锁定。",
        "inactive": "该账号已停用。",
    }


@public_view
@rate_limit("login", methods=("POST",))
def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    form.fields["username"].label = "用户名"
    form.fields["password"].label = "密码"
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            request.session.cycle_key()
            from jiayuan.access.actor import Actor

            access_log_write(actor=Actor.for_user(user), request=request, action=Action.LOGIN)
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            return redirect(target or "home")
        access_log_write(
            request=request,
            action=Action.LOGIN_FAILED,
            username=(request.POST.get("username") or "")[:150],
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked.html", status=429)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
@public_view
def logout_view(request):
    if request.user.is_authenticated:
        access_log_write(actor=request.actor, request=request, action=Action.LOGOUT)
    logout(request)
    return redirect("accounts:login")


@require_perm("accounts.view_users")
def user_list(request):
    users = selectors.user_list(actor=request.actor, q=request.GET.get("q", ""))
    return render(request, "accounts/users.html", {"users": users, "q": request.GET.get("q", "")})


@require_perm("accounts.manage_users")
def user_create(request):
    errors: dict[str, str] = {}
    choices = selectors.assignable(actor=request.actor)
    if request.method == "POST":
        try:
            user = services.user_create(
                actor=request.actor,
                username=request.POST.get("username", ""),
                display_name=request.POST.get("display_name", ""),
                password=request.POST.get("password", ""),
                role=request.POST.get("role", ""),
                division_code=request.POST.get("division", ""),
                agency_id=request.POST.get("agency") or None,
                valid_from=request.POST.get("valid_from") or None,
                valid_to=request.POST.get("valid_to") or None,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            if user.pending_change is not None:
                messages.success(
                    request,
                    f"已提交用户 {user.username}：该角色可查阅个人信息，须经安全管理员审批后启用（三员分立）；"
                    "审批通过后由安全管理员当面交付一次性初始密码。",
                )
            else:
                messages.success(request, f"已创建用户 {user.username}，首次登录须修改密码。")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"errors": errors, "choices": choices, "data": request.POST})


@require_perm("accounts.manage_users")
def user_detail(request, user_id: int):
    """One account: its postings, a new posting or role, a password reset (each through the services' rules)."""
    user = selectors.user_get(actor=request.actor, user_id=user_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "posting":
                result = services.posting_add(
                    actor=request.actor,
                    user=user,
                    role=request.POST.get("role", ""),
                    division_code=request.POST.get("division", ""),
                    agency_id=request.POST.get("agency") or None,
                    valid_from=request.POST.get("valid_from") or None,
                    valid_to=request.POST.get("valid_to") or None,
                    note=request.POST.get("note", ""),
                    request=request,
                )
                pending = not isinstance(result, Posting)
                messages.success(request, "岗位变更已提交安全管理员审批。" if pending else "岗位已添加。")
            elif action == "reset":
                change = services.password_reset(
                    actor=request.actor, user=user, password=request.POST.get("password", ""), request=request
                )
                pending = change is not None
                messages.success(
                    request,
                    "该账号可查阅个人信息：密码重置已提交安全管理员审批，一次性密码由安全管理员当面交付。"
                    if pending
                    else "密码已重置，该用户下次登录须修改密码。",
                )
            else:
                raise ApplicationError("请选择要办理的事项。")
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "postings": user.postings.select_related("division", "agency").order_by("valid_from"),
            "choices": selectors.assignable(actor=request.actor),
            "errors": errors,
            "data": request.POST,
        },
        status=400 if errors else 200,
    )


@require_login
def password_change(request):
    """Every user changes her own password here (and must, after a reset or at first sign-in)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.password_change(
                actor=request.actor,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password", ""),
                new_password2=request.POST.get("new_password2", ""),
                request=request,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(
        request,
        "accounts/password.html",
        {"errors": errors, "forced": request.user.must_change_password},
        status=400 if errors else 200,
    )


@require_login
def token_list(request):
    """API tokens: one's own (revocable), and for a security officer those of the accounts in her area."""
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.token_list(actor=request.actor), "now": timezone.now()},
    )


@require_POST
@require_login
def token_revoke(request, token_id: int):
    token = selectors.token_get(actor=request.actor, token_id=token_id)
    services.token_revoke(actor=request.actor, token=token, request=request)
    messages.success(request, "令牌已吊销。")
    return redirect("accounts:tokens")


@require_perm("accounts.view_users")
def change_list(request):
    """Account changes that reach personal data: the security officer decides at her level (三员分立)."""
    return render(request, "accounts/changes.html", {"rows": selectors.changes_for(actor=request.actor)})


@require_POST
@require_perm("accounts.approve_privileged")
def change_decide(request, change_id: int):
    from jiayuan.workflows.services import approval_decide

    change, approval = selectors.change_get(actor=request.actor, change_id=change_id)
    try:
        approval_decide(
            actor=request.actor,
            approval=approval,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
            expected_version=int(request.POST.get("version") or -1),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:changes")
    change.refresh_from_db()
    if change.secret:
        secret = duties.change_secret_take(actor=request.actor, change=change)
        return render(request, "accounts/secret.html", {"change": change, "secret": secret})
    messages.success(request, "已办理。")
    return redirect("accounts:changes")


@require_perm("accounts.unlock")
def locked_list(request):
    """Accounts locked after repeated failed sign-ins; the security officer unlocks them."""
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        if services.account_unlock(actor=request.actor, username=username, request=request):
            messages.success(request, f"已解除账号 {username} 的锁定。")
        return redirect("accounts:locked")
    return render(request, "accounts/locked_list.html", {"rows": selectors.locked_accounts(actor=request.actor)})
