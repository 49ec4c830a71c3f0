"""Screening pages: campaigns with live progress per community, household visits, hazards and follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.access.selectors import reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.care.eligibility import type_misfits
from jiayuan.core.actions import posted_version
from jiayuan.core.dates import parse_date, query_date, query_int
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.codes import in_subtree
from jiayuan.divisions.models import Level
from jiayuan.divisions.selectors import division_subtree
from jiayuan.people.selectors import household_list, household_visible, people_visible

from . import selectors, services
from .models import HazardLevel, HazardStatus


@require_perm("screening.list")
def campaign_list(request):
    errors = {}
    can_manage = request.actor.has_perm("screening.manage")
    prefix = reach_of(actor=request.actor, perm="screening.manage") if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise Http404("未找到该页面")
        try:
            services.campaign_create(
                actor=request.actor,
                name=request.POST.get("name", ""),
                division_code=prefix or "",
                covered_codes=request.POST.getlist("covered") or [prefix],
                monthly=request.POST.get("monthly") == "on",
                starts_on=parse_date(request.POST.get("starts_on"), timezone.localdate()),
                ends_on=parse_date(request.POST.get("ends_on")),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "排查活动已创建。")
            return redirect("screening:campaigns")
    streets = division_subtree(prefix, level=Level.STREET).filter(special=False) if prefix else []
    return render(
        request,
        "screening/campaign_list.html",
        {
            "campaigns": selectors.campaign_list(actor=request.actor)[:100],
            "can_manage": can_manage,
            "errors": errors,
            "streets": streets,
            "today": timezone.localdate(),
        },
    )


@require_perm("screening.manage")
def checklist_page(request):
    """The household checklist's versions; publishing a new version never touches visits already recorded."""
    checklist = services.default_checklist()
    errors = {}
    if request.method == "POST":
        items = []
        for line in request.POST.get("items", "").splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                items.append((parts[0], parts[1]))
        try:
            version = services.checklist_publish(code=checklist.code, name=checklist.name, items=items)
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, f"已发布第 {version.number} 版。")
            return redirect("screening:checklist")
    latest = checklist.latest
    return render(
        request,
        "screening/checklist.html",
        {
            "checklist": checklist,
            "versions": checklist.versions.order_by("-number"),
            "errors": errors,
            "text": "\n".join(f"{i['code']} {i['label']}" for i in latest.items) if latest else "",
            "others": selectors.checklists_other(than=checklist),
        },
    )


@require_perm("screening.view")
def campaign_detail(request, campaign_id: int):
    campaign = selectors.campaign_get(actor=request.actor, campaign_id=campaign_id)
    rows = selectors.campaign_progress(
        actor=request.actor, campaign=campaign, prefix=request.GET.get("division", "")[:12]
    )
    totals = {
        "visits": sum(r.visits for r in rows),
        "hazards": sum(r.hazards for r in rows),
        "followed": sum(r.followed for r in rows),
    }
    template = "screening/partials/progress.html" if request.htmx else "screening/campaign_detail.html"
    return render(
        request,
        template,
        {
            "campaign": campaign,
            "rows": rows,
            "totals": totals,
            "can_visit": request.actor.has_perm("screening.visit"),
            "version": campaign.checklist.latest,
        },
    )


@require_perm("screening.visit")
def visit_new(request, campaign_id: int):
    campaign = selectors.campaign_get(actor=request.actor, campaign_id=campaign_id)
    version = campaign.checklist.latest
    items = version.items if version is not None else []
    prefix = reach_of(actor=request.actor, perm="screening.visit") or ""
    communities = [
        d
        for d in division_subtree(prefix, level=Level.COMMUNITY)
        .filter(special=False)
        .select_related("parent")
        .order_by("parent_id", "code")
        if any(in_subtree(d.code, c.prefix) for c in campaign.covered.all())
    ][:200]
    households = household_list(actor=request.actor)
    errors = {}
    if request.method == "POST":
        household = None
        if request.POST.get("household"):
            household = household_visible(actor=request.actor, household_id=request.POST.get("household"))
        ids = [int(x) for x in request.POST.get("people", "").replace("，", ",").split(",") if x.strip().isdigit()]
        people = people_visible(actor=request.actor, ids=ids)
        answers = {item["code"]: request.POST.get(f"item_{item['code']}") == "on" for item in items}
        try:
            visit = services.visit_record(
                actor=request.actor,
                campaign=campaign,
                division_code=request.POST.get("division", ""),
                visited_on=parse_date(request.POST.get("visited_on")),
                answers=answers,
                household=household,
                people=people,
                notes=request.POST.get("notes", ""),
                hazard_level=request.POST.get("hazard_level") or None,
                findings=request.POST.get("findings", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            if visit.found_hazard:
                messages.warning(request, "走访已记录，发现隐患，请跟进处理。")
                return redirect("screening:hazard_detail", hazard_id=visit.hazard.pk)
            messages.success(request, "走访已记录。")
            return redirect("screening:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "screening/visit_form.html",
        {
            "campaign": campaign,
            "version": version,
            "communities": communities,
            "households": households,
            "levels": HazardLevel.choices,
            "errors": errors,
            "data": request.POST,
            "checked": {item["code"] for item in items if request.POST.get(f"item_{item['code']}") == "on"},
            "today": timezone.localdate(),
        },
    )


@require_perm("screening.list")
def visit_list(request):
    qs = selectors.visit_list(
        actor=request.actor,
        campaign_id=query_int(request.GET, "campaign", label="排查活动"),
        division=request.GET.get("division", "")[:12],
        start=query_date(request.GET, "start", label="起始日期"),
        end=query_date(request.GET, "end", label="截止日期"),
    )
    page = paginate(qs, request.GET.get("page"))
    return render(request, "screening/visit_list.html", {"page": page})


@require_perm("screening.list")
def hazard_list(request):
    qs = selectors.hazard_list(
        actor=request.actor,
        campaign_id=query_int(request.GET, "campaign", label="排查活动"),
        division=request.GET.get("division", "")[:12],
        status=request.GET.get("status", "")[:16],
        followed=request.GET.get("followed") == "1",
        start=query_date(request.GET, "start", label="起始日期"),
        end=query_date(request.GET, "end", label="截止日期"),
    )
    page = paginate(qs, request.GET.get("page"))
    return render(request, "screening/hazard_list.html", {"page": page, "statuses": HazardStatus.choices})


@require_perm("screening.view")
def hazard_detail(request, hazard_id: int):
    hazard = selectors.hazard_get(actor=request.actor, hazard_id=hazard_id)
    access_log_write(actor=request.actor, request=request, action=Action.VIEW, obj=hazard, field_classes=["sensitive"])
    labels = hazard.visit.checklist_version.labels()
    types = dictionary_items("vulnerability_type")
    today = timezone.localdate()
    people = [
        {
            "id": p.pk,
            "name": mask_name(p.name),
            "age": p.age,
            "minor": p.is_minor,
            # only the types whose sex and age conditions fit this member are offered to her
            "types": [
                t for t in types if not type_misfits(types=[t], birth_date=p.birth_date, gender=p.gender, on=today)
            ],
        }
        for p in services.hazard_people(hazard)
    ]
    return render(
        request,
        "screening/hazard_detail.html",
        {
            "hazard": hazard,
            "items": [labels.get(c, c) for c in hazard.items],
            "people": people,
            "can_follow": selectors.hazard_may(actor=request.actor, perm="screening.follow", hazard=hazard)
            and hazard.status == "open",
            "cases_ready": True,
            "case_roles": list(services.CASE_ROLES.items()),
        },
    )


@require_POST
@require_perm("screening.follow")
def hazard_follow(request, hazard_id: int):
    hazard = selectors.hazard_get(actor=request.actor, hazard_id=hazard_id, perm="screening.follow")
    action = request.POST.get("action")
    try:
        if action == "register":
            from jiayuan.care.services import care_dictionaries_ensure

            care_dictionaries_ensure()
            entries = services.hazard_to_register(
                actor=request.actor,
                hazard=hazard,
                expected_version=posted_version(request.POST) or 0,
                care_level=request.POST.get("care_level", "general"),
                types_by_person={
                    int(key.removeprefix("types_")): request.POST.getlist(key)
                    for key in request.POST
                    if key.startswith("types_") and key.removeprefix("types_").isdigit()
                },
            )
            messages.success(request, f"已将 {len(entries)} 人纳入困境妇女儿童数据库。")
            return redirect("care:entry_detail", entry_id=entries[0].pk)
        if action == "case":
            roles = {
                int(key.removeprefix("role_")): value
                for key, value in request.POST.items()
                if key.startswith("role_") and key.removeprefix("role_").isdigit()
            }
            case = services.hazard_to_case(
                actor=request.actor, hazard=hazard, expected_version=posted_version(request.POST) or 0, roles=roles
            )
            messages.success(request, "已转为个案。")
            try:
                return redirect("cases:detail", case_id=case.pk)
            except Exception:  # noqa: BLE001  (the cases pages may name their route differently)
                return redirect("screening:hazard_detail", hazard_id=hazard.pk)
        services.hazard_resolve(
            actor=request.actor,
            hazard=hazard,
            expected_version=posted_version(request.POST) or 0,
            note=request.POST.get("note", ""),
        )
        messages.success(request, "已记录化解情况。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("screening:hazard_detail", hazard_id=hazard.pk)
