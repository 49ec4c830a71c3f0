"""Organiser pages: activities with sessions, sign-ups and the waiting list, the check-in code on the organiser's
phone, attendance, volunteers on duty and their hours, counts, exports."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.access.http import ActorRequest
from jiayuan.core.actions import run_action
from jiayuan.core.dates import parse_date, query_date
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.pagination import paginate
from jiayuan.venues.selectors import VenueFilters, place_choices, venue_list
from jiayuan.volunteers.selectors import person_for_volunteering, volunteer_get

from .. import exports, selectors, services, stats
from ..models import ActivityStatus, Audience, SignUpStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_ROWS = 4


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _moment(day: str | None, clock: str | None) -> dt.datetime | None:
    date = parse_date(day)
    if date is None or clock is None or not clock.strip():
        return None
    try:
        return timezone.make_aware(dt.datetime.combine(date, dt.time.fromisoformat(clock.strip())))
    except ValueError:
        return None


def _filters(get) -> selectors.ActivityFilters:
    return exports.activity_filters(get)  # the same filters as the list's export (数据导出)


@require_perm("activities.list")
def activity_list(request: ActorRequest) -> HttpResponse:
    filters = _filters(request.GET)
    page = paginate(selectors.activity_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    items = selectors.type_items()
    context = {
        "page": page,
        "filters": filters,
        "labels": {item.code: item.label for item in items},
        "types": [item for item in items if item.is_active],
        "audiences": Audience.choices,
        "statuses": ActivityStatus.choices,
        "places": place_choices(actor=request.actor, perm="activities.list"),
        "querystring": query.urlencode(),
        "can_edit": request.actor.has_perm("activities.edit"),
        "can_export": request.actor.has_perm("activities.export"),
    }
    template = "activities/partials/results.html" if request.htmx else "activities/pages/list.html"
    return render(request, template, context)


def _activity_input(post) -> services.ActivityInput:
    sessions = []
    for index in range(_int(post.get("session_rows")) or SESSION_ROWS):
        day = post.get(f"s{index}_day")
        start, end = post.get(f"s{index}_start"), post.get(f"s{index}_end")
        if not (day or start or end):
            continue
        sessions.append((_moment(day, start), _moment(day, end)))
    return services.ActivityInput(
        title=post.get("title", ""),
        type=post.get("type", ""),
        division_code=post.get("division_code", ""),
        project_id=post.get("project_id", ""),
        venue_id=post.get("venue_id", ""),
        online=post.get("online") == "1",
        online_channel=post.get("online_channel", ""),
        address=post.get("address", ""),
        audience=post.get("audience", ""),
        capacity=post.get("capacity", ""),
        records_names=post.get("records_names", "1") == "1",
        description=post.get("description", ""),
        sessions=sessions,
    )


def _form(request: ActorRequest, *, data, errors: dict, activity=None) -> HttpResponse:
    services.activity_dictionaries_ensure()
    return render(
        request,
        "activities/pages/form.html",
        {
            "activity": activity,
            "data": data,
            "errors": errors,
            "types": selectors.type_choices(),
            "audiences": Audience.choices,
            "places": place_choices(actor=request.actor, perm="activities.edit"),
            "venues": venue_list(actor=request.actor, filters=VenueFilters(), perm="venues.list")[:300]
            if request.actor.has_perm("venues.list")
            else [],
            "projects": selectors.project_list(actor=request.actor)[:100]
            if request.actor.has_perm("activities.project_view")
            else [],
            "session_rows": SESSION_ROWS,
            "session_values": [
                {
                    "i": i,
                    "day": request.POST.get(f"s{i}_day", ""),
                    "start": request.POST.get(f"s{i}_start", ""),
                    "end": request.POST.get(f"s{i}_end", ""),
                }
                for i in range(SESSION_ROWS)
            ],
        },
    )


@require_perm("activities.edit")
def activity_create(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    data = services.ActivityInput()
    if request.method == "POST":
        data = _activity_input(request.POST)
        try:
            activity = services.activity_create(
                actor=request.actor, data=data, publish=request.POST.get("publish") == "1"
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "活动已创建。")
            return redirect("activities:detail", activity_id=activity.pk)
    return _form(request, data=data, errors=errors)


@require_perm("activities.edit")
def activity_edit(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.edit")
    errors: dict[str, str] = {}
    data = services.ActivityInput(
        title=activity.title,
        type=activity.type,
        division_code=activity.division_id,
        project_id=activity.project_id or "",
        venue_id=activity.venue_id or "",
        online=activity.online,
        online_channel=activity.online_channel,
        address=activity.address,
        audience=activity.audience,
        capacity=activity.capacity if activity.capacity is not None else "",
        records_names=activity.records_names,
        description=activity.description,
    )
    if request.method == "POST":
        data = _activity_input(request.POST)
        try:
            services.activity_update(
                actor=request.actor, activity=activity, data=data, expected_version=_int(request.POST.get("version"))
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "活动信息已保存。")
            return redirect("activities:detail", activity_id=activity.pk)
    return _form(request, data=data, errors=errors, activity=activity)


@require_perm("activities.view")
def activity_detail(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.actor, activity_id=activity_id)
    signups = [
        (s, mask_name(s.person.name) if s.person is not None else "")
        for s in selectors.activity_signups(activity=activity)
    ]
    duties = [(d, mask_name(d.volunteer.person.name)) for d in selectors.activity_duties(activity=activity)]
    return render(
        request,
        "activities/pages/detail.html",
        {
            "activity": activity,
            "type_label": selectors.type_labels().get(activity.type, activity.type),
            "sessions": selectors.activity_sessions(activity=activity),
            "signups": signups,
            "confirmed": sum(1 for s, _ in signups if s.status == SignUpStatus.CONFIRMED),
            "waiting": sum(1 for s, _ in signups if s.status == SignUpStatus.WAITING),
            "duties": duties,
            "can_edit": request.actor.has_perm("activities.edit"),
            "can_signup": request.actor.has_perm("activities.signup_manage"),
            "can_attend": request.actor.has_perm("activities.attendance"),
            "can_export": request.actor.has_perm("activities.export"),
        },
    )


@require_POST
@require_perm("activities.edit")
def activity_move(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.edit")
    run_action(
        request,
        lambda: services.activity_move(
            actor=request.actor,
            activity=activity,
            move=request.POST.get("move", ""),
            expected_version=_int(request.POST.get("version")),
        ),
        success="活动状态已更新。",
    )
    return redirect("activities:detail", activity_id=activity.pk)


@require_POST
@require_perm("activities.edit")
def session_add(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.edit")
    day = request.POST.get("day")
    run_action(
        request,
        lambda: services.session_add(
            actor=request.actor,
            activity=activity,
            starts_at=_moment(day, request.POST.get("start")),
            ends_at=_moment(day, request.POST.get("end")),
        ),
        success="已增加场次。",
    )
    return redirect("activities:detail", activity_id=activity.pk)


@require_POST
@require_perm("activities.edit")
def session_cancel(request: ActorRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.actor, session_id=session_id, perm="activities.edit")
    run_action(request, lambda: services.session_cancel(actor=request.actor, session=session), success="该场次已取消。")
    return redirect("activities:detail", activity_id=session.activity_id)


@require_POST
@require_perm("activities.signup_manage")
def signup_add(request: ActorRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.actor, activity_id=activity_id, perm="activities.signup_manage")

    def add():
        person = None
        if request.POST.get("person"):
            try:
                person = person_for_volunteering(actor=request.actor, person_id=_int(request.POST.get("person")))
            except NotFound:
                raise ApplicationError("未找到该人员（请填写您辖区内人员的档案编号）。") from None
        signup = services.signup_create(
            actor=request.actor,
            activity=activity,
            person=person,
            head_count=_int(request.POST.get("head_count")) or 1,
            waitlist=request.POST.get("waitlist", "1") == "1",
        )
        if signup.status == SignUpStatus.WAITING:
            messages.info(request, f"名额已满，已进入候补第 {services.waiting_position(signup)} 位。")

    run_action(request, add, success="报名已登记。")
    return redirect("activities:detail", activity_id=activity.pk)


@require_POST
@require_perm("activities.signup_manage")
def signup_cancel(request: ActorRequest, signup_id: int) -> HttpResponse:
    signup = selectors.signup_get(actor=request.actor, signup_id=signup_id)
    run_action(request, lambda: services.signup_cancel(actor=request.actor, signup=signup), success="报名已取消。")
    return redirect("activities:detail", activity_id=signup.activity_id)


@require_perm("activities.attendance")
def session_page(request: ActorRequest, session_id: int) -> HttpResponse:
    """One session for the organiser: the check-in code (large, with a QR code) and who is present."""
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    now = timezone.now()
    code_live = bool(session.checkin_code) and session.code_expires_at is not None and now <= session.code_expires_at
    qr = segno.make(session.checkin_code, micro=False).svg_data_uri(scale=6) if code_live else ""
    rows = [
        (a, mask_name(a.person.name) if a.person is not None else "")
        for a in selectors.session_attendance(session=session)
    ]
    return render(
        request,
        "activities/pages/session.html",
        {
            "session": session,
            "activity": session.activity,
            "code_live": code_live,
            "qr": qr,
            "rows": rows,
            "present": sum(a.head_count for a, _ in rows),
        },
    )


@require_POST
@require_perm("activities.attendance")
def session_code(request: ActorRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    run_action(request, lambda: services.checkin_code_issue(actor=request.actor, session=session))
    return redirect("activities:session", session_id=session.pk)


@require_POST
@require_perm("activities.attendance")
def session_attend(request: ActorRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.actor, session_id=session_id)

    def attend():
        person = None
        if request.POST.get("person"):
            try:
                person = person_for_volunteering(actor=request.actor, person_id=_int(request.POST.get("person")))
            except NotFound:
                raise ApplicationError("未找到该人员（请填写您辖区内人员的档案编号）。") from None
        services.attendance_record(
            actor=request.actor, session=session, person=person, head_count=_int(request.POST.get("head_count")) or 1
        )

    run_action(request, attend, success="已登记签到。")
    return redirect("activities:session", session_id=session.pk)


@require_POST
@require_perm("activities.attendance")
def session_online(request: ActorRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.actor, session_id=session_id)
    run_action(
        request,
        lambda: services.session_online_record(
            actor=request.actor,
            session=session,
            views=request.POST.get("views", "0"),
            interactions=request.POST.get("interactions", "0"),
        ),
        success="线上数据已保存。",
    )
    return redirect("activities:session", session_id=session.pk)


@require_POST
@require_perm("activities.attendance")
def duty_add(request: ActorRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(actor=request.actor, session_id=session_id)

    def add():
        try:
            volunteer = volunteer_get(
                actor=request.actor, volunteer_id=_int(request.POST.get("volunteer")), perm="volunteers.list"
            )
        except NotFound:
            raise ApplicationError("未找到该志愿者（请填写您辖区内志愿者的编号）。") from None
        services.duty_assign(actor=request.actor, session=session, volunteer=volunteer)

    run_action(request, add, success="已安排志愿者。")
    return redirect("activities:detail", activity_id=session.activity_id)


@require_POST
@require_perm("activities.attendance")
def duty_hours(request: ActorRequest, duty_id: int) -> HttpResponse:
    duty = selectors.duty_get(actor=request.actor, duty_id=duty_id)
    run_action(
        request,
        lambda: services.duty_hours_record(
            actor=request.actor, duty=duty, minutes=_int(request.POST.get("minutes")), confirm=True
        ),
        success="服务时长已登记并确认。",
    )
    return redirect("activities:detail", activity_id=duty.activity_id)


@require_perm("activities.stats")
def counts_page(request: ActorRequest) -> HttpResponse:
    today = timezone.localdate()
    start = query_date(request.GET, "start", label="起始日期") or today.replace(month=1, day=1)
    end = query_date(request.GET, "end", label="截止日期") or today.replace(month=12, day=31)
    if end < start:
        start, end = end, start
    division = request.GET.get("division", "")[:12]
    counts = stats.activity_counts(actor=request.actor, start=start, end=end, division=division)
    return render(
        request,
        "activities/pages/counts.html",
        {
            "counts": counts,
            "start": start,
            "end": end,
            "division": division,
            "places": place_choices(actor=request.actor, perm="activities.stats").exclude(level="community"),
        },
    )
