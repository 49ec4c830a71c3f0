"""Child-friendly city pages: coverage, projects with assessments, councils, the action library, the map."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.core.actions import posted_version, run_action
from jiayuan.core.dates import query_int
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate

from . import selectors, services
from .models import ActionStatus, AssessmentKind, ProjectLevel, ProjectStatus, ProjectType


def _year_asked(get) -> int | None:
    return query_int(get, "year", label="年度", minimum=2000, maximum=2100)


@require_perm("childfriendly.view")
def home(request: ActorRequest) -> HttpResponse:
    context: dict = {"counts": None, "table": None}
    if request.actor.has_perm("childfriendly.stats"):
        try:
            context["table"] = selectors.coverage_table(actor=request.actor, division=request.GET.get("division", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        context["counts"] = selectors.project_counts(actor=request.actor)
    context["types"] = ProjectType.choices
    context["statuses"] = ProjectStatus.choices
    return render(request, "childfriendly/pages/home.html", context)


@require_perm("childfriendly.view")
def project_list(request: ActorRequest) -> HttpResponse:
    filters = selectors.ProjectFilters(
        type=request.GET.get("type", "")[:16],
        level=request.GET.get("level", "")[:16],
        status=request.GET.get("status", "")[:16],
        year=_year_asked(request.GET),
    )
    errors: dict[str, str] = {}
    if request.method == "POST" and request.actor.has_perm("childfriendly.edit"):
        try:
            project = services.project_create(
                actor=request.actor,
                name=request.POST.get("name", ""),
                type=request.POST.get("type", ""),
                level=request.POST.get("level", ""),
                year=request.POST.get("year", ""),
                division_code=request.POST.get("division", ""),
                lead=request.POST.get("lead", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "项目已登记。")
            return redirect("childfriendly:project", project_id=project.pk)
    page = paginate(selectors.project_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "childfriendly/pages/projects.html",
        {
            "page": page,
            "filters": filters,
            "querystring": query.urlencode(),
            "types": ProjectType.choices,
            "levels": ProjectLevel.choices,
            "statuses": ProjectStatus.choices,
            "errors": errors,
            "data": request.POST,
            "can_edit": request.actor.has_perm("childfriendly.edit"),
            "this_year": timezone.localdate().year,
        },
        status=400 if errors else 200,
    )


@require_perm("childfriendly.view")
def project_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.actor, project_id=project_id)
    versions = selectors.versions_for(project)
    return render(
        request,
        "childfriendly/pages/project.html",
        {
            "project": project,
            "assessments": selectors.project_assessments(actor=request.actor, project=project),
            "versions": versions,
            "current_versions": [v for v in versions if not v.is_retired],
            "kinds": AssessmentKind.choices,
            "can_assess": request.actor.has_perm("childfriendly.assess"),
            "can_edit": request.actor.has_perm("childfriendly.edit"),
            "can_accept": request.actor.has_perm("childfriendly.accept"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_perm("childfriendly.edit")
def project_advance(request: ActorRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.actor, project_id=project_id)
    run_action(
        request,
        lambda: services.project_advance(
            actor=request.actor,
            project=project,
            status=request.POST.get("status", ""),
            expected_version=posted_version(request.POST) or 0,
            on=request.POST.get("on") or None,
        ),
        success="项目状态已更新。",
    )
    return redirect("childfriendly:project", project_id=project.pk)


@require_POST
@require_perm("childfriendly.assess")
def assessment_new(request: ActorRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.actor, project_id=project_id, perm="childfriendly.assess")

    def act() -> None:
        version = selectors.version_get(version_id=request.POST.get("version_id"))
        services.assessment_record(
            actor=request.actor,
            project=project,
            version=version,
            kind=request.POST.get("kind", ""),
            on=request.POST.get("on", ""),
            answers=dict.fromkeys(request.POST.getlist("met"), True),
            questionnaire_score=request.POST.get("questionnaire_score") or None,
            note=request.POST.get("note", ""),
        )

    run_action(request, act, success="评估结果已保存。")
    return redirect("childfriendly:project", project_id=project.pk)


@require_perm("childfriendly.view")
def standards(request: ActorRequest) -> HttpResponse:
    return render(request, "childfriendly/pages/standards.html", {"standards": selectors.standard_list()})


@require_perm("childfriendly.view")
def council_list(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST" and request.actor.has_perm("childfriendly.edit"):
        try:
            council = services.council_create(
                actor=request.actor,
                division_code=request.POST.get("division", ""),
                name=request.POST.get("name", ""),
                founded_on=request.POST.get("founded_on", ""),
                members=request.POST.get("members") or 0,
            )
        except (ApplicationError, ValueError) as exc:
            errors = exc.form_errors() if isinstance(exc, ApplicationError) else {"members": "人数应为数字。"}
        else:
            messages.success(request, "儿童议事会已登记。")
            return redirect("childfriendly:council", council_id=council.pk)
    page = paginate(selectors.council_list(actor=request.actor), request.GET.get("page"))
    return render(
        request,
        "childfriendly/pages/councils.html",
        {
            "page": page,
            "errors": errors,
            "data": request.POST,
            "can_edit": request.actor.has_perm("childfriendly.edit"),
        },
        status=400 if errors else 200,
    )


@require_perm("childfriendly.view")
def council_detail(request: ActorRequest, council_id: int) -> HttpResponse:
    council = selectors.council_get(actor=request.actor, council_id=council_id)
    return render(
        request,
        "childfriendly/pages/council.html",
        {
            "council": council,
            "sessions": selectors.council_sessions(actor=request.actor, council=council),
            "can_edit": request.actor.has_perm("childfriendly.edit"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_perm("childfriendly.edit")
def session_new(request: ActorRequest, council_id: int) -> HttpResponse:
    council = selectors.council_get(actor=request.actor, council_id=council_id, perm="childfriendly.edit")

    def act() -> None:
        session = services.session_record(
            actor=request.actor,
            council=council,
            held_on=request.POST.get("held_on", ""),
            topic=request.POST.get("topic", ""),
            attendance=int(request.POST.get("attendance") or 0) if request.POST.get("attendance", "0").isdigit() else 0,
        )
        for line in request.POST.get("proposals", "").splitlines():
            if line.strip():
                services.proposal_add(actor=request.actor, session=session, title=line.strip())

    run_action(request, act, success="议事活动已登记。")
    return redirect("childfriendly:council", council_id=council.pk)


@require_POST
@require_perm("childfriendly.edit")
def proposal_answer(request: ActorRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.actor, proposal_id=proposal_id, perm="childfriendly.edit")
    run_action(
        request,
        lambda: services.proposal_answer(
            actor=request.actor,
            proposal=proposal,
            answer=request.POST.get("answer", ""),
            adopted=request.POST.get("adopted") == "1",
            expected_version=posted_version(request.POST) or 0,
        ),
        success="答复已保存。",
    )
    return redirect("childfriendly:council", council_id=proposal.session.council_id)


@require_perm("childfriendly.view")
def action_list(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST" and request.actor.has_perm("childfriendly.edit"):
        try:
            services.action_item_save(
                actor=request.actor,
                division_code=request.POST.get("division", ""),
                year=request.POST.get("year", ""),
                item=request.POST.get("item", ""),
                lead_department=request.POST.get("lead_department", ""),
                target=request.POST.get("target", ""),
                status=request.POST.get("status", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "行动项目已保存。")
            return redirect("childfriendly:actions")
    year = _year_asked(request.GET)
    page = paginate(selectors.action_list(actor=request.actor, year=year), request.GET.get("page"))
    return render(
        request,
        "childfriendly/pages/actions.html",
        {
            "page": page,
            "errors": errors,
            "data": request.POST,
            "statuses": ActionStatus.choices,
            "can_edit": request.actor.has_perm("childfriendly.edit"),
            "this_year": timezone.localdate().year,
        },
        status=400 if errors else 200,
    )


@require_perm("venues.list")
def facility_map(request: ActorRequest) -> HttpResponse:
    from jiayuan.venues.models import VenueType

    districts = selectors.map_districts(actor=request.actor)
    district = request.GET.get("district", "") or (districts[0].code if districts else "")
    type_ = request.GET.get("type", VenueType.NURSING_ROOM)
    if type_ not in VenueType.values:
        type_ = VenueType.NURSING_ROOM
    data = selectors.facility_map(actor=request.actor, district=district, type=type_)
    return render(
        request,
        "childfriendly/pages/map.html",
        {
            **data,
            "districts": districts,
            "type": type_,
            "type_label": VenueType(type_).label,
            "types": VenueType.choices,
            "map_data": {"outline": data["outline"], "points": data["points"], "name": data["district"].name},
        },
    )
