"""Venue pages: the list with filters (shared with its Excel export), one venue, create and edit, coverage."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.core.dates import parse_date
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate

from . import exports, selectors, services
from .models import VenueType


def _filters(get) -> selectors.VenueFilters:
    return exports.venue_filters(get)  # the same filters as the list's export (数据导出)


@require_perm("venues.list")
def venue_list(request: ActorRequest) -> HttpResponse:
    filters = _filters(request.GET)
    page = paginate(selectors.venue_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "types": VenueType.choices,
        "places": selectors.place_choices(actor=request.actor, perm="venues.list"),
        "querystring": query.urlencode(),
        "can_edit": request.actor.has_perm("venues.edit"),
        "can_export": request.actor.has_perm("venues.export"),
    }
    template = "venues/partials/results.html" if request.htmx else "venues/pages/list.html"
    return render(request, template, context)


@require_perm("venues.view")
def venue_detail(request: ActorRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_get(actor=request.actor, venue_id=venue_id)
    return render(
        request,
        "venues/pages/detail.html",
        {"venue": venue, "can_edit": request.actor.has_perm("venues.edit")},
    )


def _input(post) -> services.VenueInput:
    return services.VenueInput(
        type=post.get("type", ""),
        name=post.get("name", ""),
        division_code=post.get("division_code", ""),
        address=post.get("address", ""),
        longitude=post.get("longitude", ""),
        latitude=post.get("latitude", ""),
        opening_hours=post.get("opening_hours", ""),
        contact_post=post.get("contact_post", ""),
        contact_phone=post.get("contact_phone", ""),
        organisation_id=post.get("organisation_id", ""),
        area_m2=post.get("area_m2", ""),
        opened_on=parse_date(post.get("opened_on")),
        is_active=post.get("is_active") == "1",
        note=post.get("note", ""),
    )


def _form(request: ActorRequest, *, data, errors: dict, venue=None) -> HttpResponse:
    return render(
        request,
        "venues/pages/form.html",
        {
            "venue": venue,
            "data": data,
            "errors": errors,
            "types": VenueType.choices,
            "places": selectors.place_choices(actor=request.actor),
            "organisations": selectors.organisation_choices(actor=request.actor),
        },
    )


@require_perm("venues.edit")
def venue_create(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    data = services.VenueInput(type=request.GET.get("type", "")[:32])
    if request.method == "POST":
        data = _input(request.POST)
        try:
            venue = services.venue_create(actor=request.actor, data=data)
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "阵地已登记。")
            return redirect("venues:detail", venue_id=venue.pk)
    return _form(request, data=data, errors=errors)


@require_perm("venues.edit")
def venue_edit(request: ActorRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_get(actor=request.actor, venue_id=venue_id, perm="venues.edit")
    errors: dict[str, str] = {}
    data = services.venue_input_from(venue)
    if request.method == "POST":
        data = _input(request.POST)
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        try:
            services.venue_update(actor=request.actor, venue=venue, data=data, expected_version=version)
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "阵地信息已保存。")
            return redirect("venues:detail", venue_id=venue.pk)
    return _form(request, data=data, errors=errors, venue=venue)


@require_perm("venues.stats")
def venue_coverage(request: ActorRequest) -> HttpResponse:
    division = request.GET.get("division", "")[:12]
    rows = selectors.venue_coverage(actor=request.actor, division=division)
    return render(
        request,
        "venues/pages/coverage.html",
        {
            "rows": rows,
            "division": division,
            "places": selectors.place_choices(actor=request.actor, perm="venues.stats").exclude(level="community"),
        },
    )
