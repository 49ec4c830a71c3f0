"""The volunteer's own side: open activities of her area, sign-up and cancel, her activities, check-in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.core.actions import run_action
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.volunteers.selectors import volunteer_of_user

from .. import selectors, services
from ..models import SignUpStatus
from .organiser import SESSION_ROWS, XLSX, _int, _moment  # noqa: F401


@require_perm("activities.browse")
def open_list(request: ActorRequest) -> HttpResponse:
    page = paginate(selectors.open_activities(actor=request.actor), request.GET.get("page"))
    return render(
        request,
        "activities/pages/open_list.html",
        {"page": page, "labels": selectors.type_labels()},
    )


@require_perm("activities.browse")
def open_detail(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.open_activity_get(actor=request.actor, activity_id=activity_id)
    volunteer = volunteer_of_user(request.user)
    mine = selectors.my_signups(actor=request.actor).filter(activity=activity).first() if volunteer else None
    return render(
        request,
        "activities/pages/open_detail.html",
        {
            "activity": activity,
            "type_label": selectors.type_labels().get(activity.type, activity.type),
            "sessions": selectors.activity_sessions(activity=activity),
            "mine": mine,
            "position": services.waiting_position(mine) if mine else 0,
            "volunteer": volunteer,
        },
    )


def _my_person(request: ActorRequest):
    volunteer = volunteer_of_user(request.user)
    if volunteer is None:
        raise ApplicationError("您的账号尚未关联志愿者档案，请联系社区妇联。")
    return volunteer


@require_POST
@require_perm("activities.join")
def join(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.open_activity_get(actor=request.actor, activity_id=activity_id, perm="activities.join")

    def sign_up():
        volunteer = _my_person(request)
        signup = services.signup_create(
            actor=request.actor, activity=activity, person=volunteer.person, user=request.user
        )
        if signup.status == SignUpStatus.WAITING:
            messages.info(
                request, f"名额已满，您在候补第 {services.waiting_position(signup)} 位，有空位时将按顺序递补。"
            )
        else:
            messages.success(request, "报名成功。")

    run_action(request, sign_up)
    return redirect("activities:open_detail", activity_id=activity.pk)


@require_POST
@require_perm("activities.mine")
def my_cancel(request: ActorRequest, signup_id: int) -> HttpResponse:
    signup = selectors.my_signup_get(actor=request.actor, signup_id=signup_id)
    run_action(request, lambda: services.signup_cancel(actor=request.actor, signup=signup), success="已取消报名。")
    return redirect("activities:mine")


@require_perm("activities.mine")
def mine(request: ActorRequest) -> HttpResponse:
    rows = list(selectors.my_signups(actor=request.actor)[:100])
    return render(
        request,
        "activities/pages/mine.html",
        {"rows": [(s, services.waiting_position(s)) for s in rows], "labels": selectors.type_labels()},
    )


@require_perm("activities.join")
def checkin(request: ActorRequest, session_id: int) -> HttpResponse:
    """She types the code shown on the organiser's phone (or scans its QR code, which carries the same code)."""
    session = selectors.open_session_get(actor=request.actor, session_id=session_id)
    errors: dict[str, str] = {}
    done = False
    if request.method == "POST":
        try:
            volunteer = _my_person(request)
            services.checkin_by_code(
                actor=request.actor, session=session, person=volunteer.person, code=request.POST.get("code", "")
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            done = True
            messages.success(request, "签到成功。")
    return render(
        request,
        "activities/pages/checkin.html",
        {"session": session, "activity": session.activity, "errors": errors, "done": done, "data": request.POST},
    )
