"""Service project pages: list, create, edit (with the version read), detail with progress against targets."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.core.dates import parse_date
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.venues.selectors import organisation_choices, place_choices

from .. import selectors, services, stats
from ..models import ProjectKind
from .organiser import SESSION_ROWS, XLSX, _int, _moment  # noqa: F401


@require_perm("activities.project_view")
def project_list(request: ActorRequest) -> HttpResponse:
    page = paginate(selectors.project_list(actor=request.actor), request.GET.get("page"))
    return render(
        request,
        "activities/pages/projects.html",
        {"page": page, "can_edit": request.actor.has_perm("activities.project_edit")},
    )


def _project_input(post) -> services.ProjectInput:
    return services.ProjectInput(
        name=post.get("name", ""),
        kind=post.get("kind", ""),
        division_code=post.get("division_code", ""),
        provider_id=post.get("provider_id") or None,
        provider_name=post.get("provider_name", ""),
        starts_on=parse_date(post.get("starts_on")),
        ends_on=parse_date(post.get("ends_on")),
        budget=post.get("budget", "0"),
        target_activities=post.get("target_activities", "0"),
        target_attendances=post.get("target_attendances", "0"),
        target_hours=post.get("target_hours", "0"),
        description=post.get("description", ""),
    )


def _project_form(request: ActorRequest, *, data, errors: dict, project=None) -> HttpResponse:
    return render(
        request,
        "activities/pages/project_form.html",
        {
            "project": project,
            "errors": errors,
            "data": data,
            "kinds": ProjectKind.choices,
            "places": place_choices(actor=request.actor, perm="activities.project_edit"),
            "providers": organisation_choices(actor=request.actor, perm="activities.project_edit"),
        },
        status=400 if errors else 200,
    )


@require_perm("activities.project_edit")
def project_create(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            project = services.project_create(actor=request.actor, data=_project_input(request.POST))
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "服务项目已建立。")
            return redirect("activities:project_detail", project_id=project.pk)
    return _project_form(request, data=request.POST, errors=errors)


@require_perm("activities.project_edit")
def project_edit(request: ActorRequest, project_id: int) -> HttpResponse:
    """Edit a project after its creation; the form carries the version read, a concurrent edit is refused."""
    project = selectors.project_get(actor=request.actor, project_id=project_id, perm="activities.project_edit")
    if request.method == "POST":
        try:
            services.project_update(
                actor=request.actor,
                project=project,
                data=_project_input(request.POST),
                expected_version=_int(request.POST.get("version")),
            )
        except ApplicationError as exc:
            return _project_form(request, data=request.POST, errors=exc.form_errors(), project=project)
        messages.success(request, "服务项目已修改。")
        return redirect("activities:project_detail", project_id=project.pk)
    current = services.project_input_of(project)
    data = {key: "" if value is None else str(value) for key, value in current.__dict__.items()}
    data["version"] = str(project.version)
    return _project_form(request, data=data, errors={}, project=project)


@require_perm("activities.project_view")
def project_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.actor, project_id=project_id)
    progress = stats.project_progress(actor=request.actor, project=project)
    return render(
        request,
        "activities/pages/project_detail.html",
        {"project": project, "progress": progress, "can_edit": request.actor.has_perm("activities.project_edit")},
    )
