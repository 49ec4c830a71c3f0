"""Sign-in and sign-out (logged to the access log), and user administration by level."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import public_view, require_perm
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError
from jiayuan.core.ratelimit import rate_limit

from . import selectors, services


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
            messages.success(request, f"已创建用户 {user.username}。")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"errors": errors, "choices": choices, "data": request.POST})
