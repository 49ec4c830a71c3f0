"""Volunteer pages: the register, one volunteer with her hours and certificate, teams, records to confirm."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.access.http import ActorRequest
from jiayuan.access.selectors import reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.actions import run_action
from jiayuan.core.dates import parse_date
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.pagination import paginate
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.selectors import division_choices
from jiayuan.venues.selectors import place_choices

from . import exports, selectors, services
from .certificate import certificate_docx
from .models import SKILL_KIND, MemberRole, RecordSource, RecordStatus, TeamType

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _communities(actor, perm: str):
    prefix = reach_of(actor=actor, perm=perm)
    return division_choices(prefix) if prefix is not None else []


def _filters(get) -> selectors.VolunteerFilters:
    return exports.volunteer_filters(get)  # the same filters as the list's export (数据导出)


@require_perm("volunteers.list")
def volunteer_list(request: ActorRequest) -> HttpResponse:
    filters = _filters(request.GET)
    page = paginate(selectors.volunteer_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.volunteer_rows(page.object_list),
        "filters": filters,
        "skills": dictionary_items(SKILL_KIND),
        "communities": _communities(request.actor, "volunteers.list"),
        "querystring": query.urlencode(),
        "can_edit": request.actor.has_perm("volunteers.edit"),
        "can_export": request.actor.has_perm("volunteers.export"),
    }
    template = "volunteers/partials/results.html" if request.htmx else "volunteers/pages/list.html"
    return render(request, template, context)


@require_perm("volunteers.edit")
def volunteer_register(request: ActorRequest) -> HttpResponse:
    services.volunteer_dictionaries_ensure()
    person = None
    person_id = request.GET.get("person") or request.POST.get("person")
    if person_id:
        person = selectors.person_for_volunteering(actor=request.actor, person_id=person_id)
    errors: dict[str, str] = {}
    if request.method == "POST" and person is not None:
        try:
            volunteer = services.volunteer_register(
                actor=request.actor,
                person=person,
                consent=request.POST.get("consent") == "1",
                skill_codes=request.POST.getlist("skills"),
                availability=request.POST.get("availability", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已注册为巾帼志愿者。")
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    elif request.method == "POST":
        errors = {"person": "请填写人员编号（先在人员库登记）。"}
    return render(
        request,
        "volunteers/pages/register.html",
        {
            "person": person,
            "name": mask_name(person.name) if person else "",
            "errors": errors,
            "data": request.POST,
            "chosen": request.POST.getlist("skills"),
            "skills": dictionary_items(SKILL_KIND),
        },
    )


@require_perm("volunteers.mine")
def volunteer_me(request: ActorRequest) -> HttpResponse:
    volunteer = selectors.volunteer_of_user(request.user)
    if volunteer is None:
        raise NotFound("未找到该记录")
    return redirect("volunteers:detail", volunteer_id=volunteer.pk)


@require_perm("volunteers.view")
def volunteer_detail(request: ActorRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id)
    access_log_write(
        actor=request.actor, request=request, action=Action.VIEW, obj=volunteer, field_classes=["personal"]
    )
    records = paginate(
        selectors.volunteer_records(actor=request.actor, volunteer=volunteer), request.GET.get("page"), per_page=20
    )
    own = volunteer.user_id is not None and volunteer.user_id == request.user.pk
    return render(
        request,
        "volunteers/pages/detail.html",
        {
            "volunteer": volunteer,
            "name": volunteer.person.name if own else mask_name(volunteer.person.name),
            "summary": selectors.volunteer_hours(volunteer=volunteer),
            "teams": selectors.volunteer_teams(volunteer=volunteer),
            "skills": [s.label for s in volunteer.skills.all()],
            "records": records,
            "own": own,
            "can_confirm": request.actor.has_perm("volunteers.record_confirm") and not own,
            "can_add": request.actor.has_perm("volunteers.record_add"),
            "can_certificate": request.actor.has_perm("volunteers.certificate"),
            "can_edit": request.actor.has_perm("volunteers.edit") and not own,
            "sources": [(v, label) for v, label in RecordSource.choices if v != RecordSource.ACTIVITY],
            "actor": request.actor,
        },
    )


@require_perm("volunteers.certificate")
def volunteer_certificate(request: ActorRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.certificate")
    content = certificate_docx(volunteer=volunteer)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.EXPORT,
        obj=volunteer,
        field_classes=["personal"],
        detail={"document": "volunteer_certificate"},
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=volunteer-certificate-{volunteer.pk}.docx"
    return response


def _started_at(post) -> dt.datetime | None:
    day = parse_date(post.get("on"))
    raw = (post.get("time") or "").strip()
    if day is None or not raw:
        return None
    try:
        clock = dt.time.fromisoformat(raw)
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, clock))


@require_POST
@require_perm("volunteers.record_add")
def record_add(request: ActorRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.record_add")
    own = volunteer.user_id == request.user.pk
    run_action(
        request,
        lambda: services.service_record_create(
            actor=request.actor,
            volunteer=volunteer,
            title=request.POST.get("title", ""),
            started_at=_started_at(request.POST),
            minutes=_int(request.POST.get("minutes")),
            division_code=volunteer.division_id,
            source=request.POST.get("source", RecordSource.OTHER),
            pairing_ref=_int(request.POST.get("pairing")) or None,
            # The organiser's own entry is confirmed; a volunteer's claim waits for the organiser.
            confirm=not own and request.actor.has_perm("volunteers.record_confirm"),
        ),
        success="服务记录已登记。" if not own else "已提交，待组织者确认后计入服务时长。",
    )
    return redirect("volunteers:detail", volunteer_id=volunteer.pk)


@require_perm("volunteers.record_view")
def record_list(request: ActorRequest) -> HttpResponse:
    status = request.GET.get("status", RecordStatus.PENDING)[:16]
    page = paginate(
        selectors.record_list(actor=request.actor, status="" if status == "all" else status), request.GET.get("page")
    )
    return render(
        request,
        "volunteers/pages/records.html",
        {
            "page": page,
            "rows": [(r, mask_name(r.volunteer.person.name)) for r in page.object_list],
            "status": status,
            "can_confirm": request.actor.has_perm("volunteers.record_confirm"),
            "can_export": request.actor.has_perm("volunteers.export"),
        },
    )


@require_POST
@require_perm("volunteers.record_confirm")
def record_decide(request: ActorRequest, record_id: int) -> HttpResponse:
    record = selectors.record_get(actor=request.actor, record_id=record_id, perm="volunteers.record_confirm")
    run_action(
        request,
        lambda: services.service_record_decide(
            actor=request.actor,
            record=record,
            confirm=request.POST.get("decision") != "reject",
            expected_version=_int(request.POST.get("version")),
            note=request.POST.get("note", ""),
        ),
        success="已确认服务时长。" if request.POST.get("decision") != "reject" else "已退回该服务记录。",
    )
    back = request.POST.get("next", "")
    if back == "volunteer":
        return redirect("volunteers:detail", volunteer_id=record.volunteer_id)
    return redirect("volunteers:records")


@require_perm("volunteers.team_view")
def team_list(request: ActorRequest) -> HttpResponse:
    page = paginate(
        selectors.team_list(
            actor=request.actor, division=request.GET.get("division", "")[:12], type=request.GET.get("type", "")[:32]
        ),
        request.GET.get("page"),
    )
    return render(
        request,
        "volunteers/pages/teams.html",
        {
            "page": page,
            "types": TeamType.choices,
            "can_edit": request.actor.has_perm("volunteers.team_edit"),
            "can_export": request.actor.has_perm("volunteers.export"),
        },
    )


@require_perm("volunteers.team_edit")
def team_create(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            team = services.team_create(
                actor=request.actor,
                data=services.TeamInput(
                    name=request.POST.get("name", ""),
                    type=request.POST.get("type", ""),
                    division_code=request.POST.get("division_code", ""),
                    founded_on=parse_date(request.POST.get("founded_on")),
                ),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "队伍已建立。")
            return redirect("volunteers:team_detail", team_id=team.pk)
    return render(
        request,
        "volunteers/pages/team_form.html",
        {
            "errors": errors,
            "data": request.POST,
            "types": TeamType.choices,
            "places": place_choices(actor=request.actor, perm="volunteers.team_edit"),
        },
    )


@require_perm("volunteers.team_view")
def team_detail(request: ActorRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get(actor=request.actor, team_id=team_id)
    members = [(m, mask_name(m.volunteer.person.name)) for m in selectors.team_members(team=team)]
    return render(
        request,
        "volunteers/pages/team_detail.html",
        {
            "team": team,
            "members": members,
            "roles": MemberRole.choices,
            "can_edit": request.actor.has_perm("volunteers.team_edit"),
        },
    )


@require_POST
@require_perm("volunteers.team_edit")
def team_member_add(request: ActorRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get(actor=request.actor, team_id=team_id, perm="volunteers.team_edit")
    person_id = _int(request.POST.get("person"))

    def add():
        try:
            person = selectors.person_for_volunteering(actor=request.actor, person_id=person_id)
        except NotFound:
            raise ApplicationError("未找到该人员（请填写您辖区内人员的档案编号）。") from None
        services.team_member_add(
            actor=request.actor, team=team, person=person, role=request.POST.get("role", MemberRole.MEMBER)
        )

    run_action(request, add, success="已编入队伍。")
    return redirect("volunteers:team_detail", team_id=team.pk)


@require_perm("volunteers.edit")
def volunteer_edit(request: ActorRequest, volunteer_id: int) -> HttpResponse:
    """Her skills and availability (the registry person is edited in the people registry)."""
    volunteer = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.edit")
    errors: dict[str, str] = {}
    chosen = list(volunteer.skills.values_list("code", flat=True))
    availability = volunteer.availability
    if request.method == "POST":
        chosen, availability = request.POST.getlist("skills"), request.POST.get("availability", "")
        try:
            services.volunteer_update(
                actor=request.actor,
                volunteer=volunteer,
                expected_version=_int(request.POST.get("version")),
                skill_codes=chosen,
                availability=availability,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "志愿者信息已保存。")
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return render(
        request,
        "volunteers/pages/edit.html",
        {
            "volunteer": volunteer,
            "name": mask_name(volunteer.person.name),
            "errors": errors,
            "chosen": chosen,
            "availability": availability,
            "skills": dictionary_items(SKILL_KIND),
        },
    )


@require_POST
@require_perm("volunteers.edit")
def volunteer_withdraw(request: ActorRequest, volunteer_id: int) -> HttpResponse:
    """She withdraws her consent: off the register and every team; confirmed hours stay on record."""
    volunteer = selectors.volunteer_get(actor=request.actor, volunteer_id=volunteer_id, perm="volunteers.edit")
    run_action(
        request,
        lambda: services.volunteer_withdraw_consent(
            actor=request.actor, volunteer=volunteer, expected_version=_int(request.POST.get("version"))
        ),
        success="已登记本人撤回授权，该志愿者已退出。",
    )
    return redirect("volunteers:detail", volunteer_id=volunteer.pk)
