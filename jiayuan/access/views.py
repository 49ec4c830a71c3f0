"""Break-glass reads and access requests."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_login, require_perm
from jiayuan.core.actions import run_action
from jiayuan.core.errors import ApplicationError

from . import selectors, services


@require_perm("access.breakglass")
def break_glass(request, label: str, object_id: int):
    target = services.break_glass_target(label)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.break_glass_open(
                actor=request.actor,
                label=label,
                object_id=object_id,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.warning(request, "已开启紧急查阅，有效期内可查看该记录；本次查阅已通知其辖区负责人并记入日志。")
            return redirect(target.url(object_id))
    return render(
        request,
        "access/break_glass.html",
        {"errors": errors, "label": label, "object_id": object_id},
        status=400 if errors else 200,
    )


@require_POST
@require_login
def request_person(request):
    """An access request for a person registered elsewhere, named by the signed token of the duplicate notice."""
    from jiayuan.core import crypto

    value = crypto.unseal(request.POST.get("token", ""), max_age=24 * 3600) or ""
    purpose, _, person_id = value.rpartition(":")
    if purpose != services.ACCESS_REQUEST_SALT or not person_id.isdigit():
        messages.error(request, "查阅申请已失效，请重新录入证件号码后再申请。")
        return redirect("people:list")
    run_action(
        request,
        lambda: services.access_request_create(
            actor=request.actor,
            label="people.person",
            object_id=person_id,
            reason=request.POST.get("reason", ""),
            request=request,
        ),
        success="查阅申请已提交，对方辖区同意后您会收到通知。",
    )
    return redirect("people:list")


@require_perm("access.decide_request")
def request_list(request):
    items = selectors.access_request_list(actor=request.actor)
    return render(request, "access/requests.html", {"items": items})


@require_POST
@require_perm("access.decide_request")
def request_decide(request, request_id: int):
    item = selectors.access_request_get(actor=request.actor, request_id=request_id)
    run_action(
        request,
        lambda: services.access_request_decide(
            actor=request.actor, access_request=item, approve=request.POST.get("decision") == "approve"
        ),
    )
    return redirect("access:requests")
