"""The register pages: entries, reviews, plan measures, one plan and one ledger per person."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.care import selectors, services
from jiayuan.care.models import (
    SKILL_KIND,
    VULNERABILITY_KIND,
    CareLevel,
    EntryStatus,
    LedgerKind,
)
from jiayuan.core.actions import posted_version, run_action
from jiayuan.core.dates import parse_date, query_date
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.dictionaries.services import dictionary_items

from .common import _communities


def _register_filters(get) -> selectors.RegisterFilters:
    status = get.get("status", EntryStatus.ACTIVE)
    return selectors.RegisterFilters(
        type=get.get("type", "")[:48],
        level=get.get("level", "")[:16],
        division=get.get("division", "")[:12],
        due=get.get("due") == "1",
        paired=get.get("paired", ""),
        status="" if status == "all" else status[:16],
        entered_from=query_date(get, "entered_from", label="纳入起始日期"),
        entered_to=query_date(get, "entered_to", label="纳入截止日期"),
        exited_from=query_date(get, "exited_from", label="退出起始日期"),
        exited_to=query_date(get, "exited_to", label="退出截止日期"),
        minor=get.get("minor") == "1",
    )


@require_perm("care.list")
def register_list(request):
    filters = _register_filters(request.GET)
    page = paginate(selectors.register_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.register_rows(page.object_list),
        "filters": filters,
        "types": dictionary_items(VULNERABILITY_KIND),
        "levels": CareLevel.choices,
        "communities": _communities(request.actor),
        "querystring": query.urlencode(),
        "status": request.GET.get("status", EntryStatus.ACTIVE),
        "can_dictionaries": request.actor.has_perm("care.dictionary_edit"),
    }
    template = "care/partials/register_results.html" if request.htmx else "care/register_list.html"
    return render(request, template, context)


@require_perm("care.edit")
def register_create(request):
    person = selectors.person_for_care(
        actor=request.actor, person_id=request.GET.get("person") or request.POST.get("person"), perm="care.edit"
    )
    errors = {}
    if request.method == "POST":
        try:
            entry = services.register_entry_create(
                actor=request.actor,
                person=person,
                type_codes=request.POST.getlist("types"),
                need_codes=request.POST.getlist("needs"),
                care_level=request.POST.get("care_level", ""),
                review_cycle_days=request.POST.get("review_cycle_days", "90"),
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已纳入困境妇女儿童数据库。")
            return redirect("care:entry_detail", entry_id=entry.pk)
    return render(
        request,
        "care/register_form.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "errors": errors,
            "data": request.POST,
            "types": dictionary_items(VULNERABILITY_KIND),
            "skills": dictionary_items(SKILL_KIND),
            "levels": CareLevel.choices,
        },
    )


@require_perm("care.view")
def entry_detail(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id)
    person = entry.person
    access_log_write(
        actor=request.actor, request=request, action=Action.VIEW, obj=entry, field_classes=["personal", "sensitive"]
    )
    actor = request.actor
    plan = selectors.person_plan(actor=actor, person=person)
    context = {
        "entry": entry,
        "person": person,
        "name": mask_name(person.name),
        "history": selectors.person_entries(actor=actor, person=person),
        "reviews": entry.reviews.select_related("worker")[:20],
        "plan": plan,
        "ledger": selectors.person_ledger(actor=actor, person=person)[:10],
        "pairings": selectors.pairing_list(actor=actor, status="").filter(person=person),
        "relief": selectors.relief_list(actor=actor).filter(person=person),
        "can_edit": selectors.care_may(actor=actor, perm="care.edit", obj=entry) and entry.status == EntryStatus.ACTIVE,
        "can_pair": actor.has_perm("care.pairing_edit") and entry.status == EntryStatus.ACTIVE,
        "can_apply": actor.has_perm("care.relief_request") and entry.status == EntryStatus.ACTIVE,
        "levels": CareLevel.choices,
        "today": timezone.localdate(),
        "types": dictionary_items(VULNERABILITY_KIND),
        "current_types": set(entry.types.values_list("code", flat=True)),
        "corrections": entry.corrections.select_related("by")[:20],
    }
    return render(request, "care/entry_detail.html", context)


@require_POST
@require_perm("care.edit")
def entry_correct(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id, perm="care.edit")
    run_action(
        request,
        lambda: services.register_entry_correct_types(
            actor=request.actor,
            entry=entry,
            type_codes=request.POST.getlist("types"),
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request.POST) or 0,
        ),
        success="困境类型已更正，更正记录已保存。",
    )
    return redirect("care:entry_detail", entry_id=entry.pk)


@require_POST
@require_perm("care.edit")
def entry_review(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id, perm="care.edit")
    run_action(
        request,
        lambda: services.register_review_record(
            actor=request.actor,
            entry=entry,
            expected_version=posted_version(request.POST) or 0,
            summary=request.POST.get("summary", ""),
            care_level=request.POST.get("care_level") or None,
        ),
        success="复核已记录。",
    )
    return redirect("care:entry_detail", entry_id=entry.pk)


@require_POST
@require_perm("care.exit")
def entry_exit(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id, perm="care.exit")
    run_action(
        request,
        lambda: services.register_entry_exit(
            actor=request.actor,
            entry=entry,
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request.POST) or 0,
        ),
        success="已退出困境妇女儿童数据库，记录保留。",
    )
    return redirect("care:entry_detail", entry_id=entry.pk)


@require_perm("care.list")
def review_list(request):
    qs = selectors.review_list(
        actor=request.actor,
        division=request.GET.get("division", ""),
        start=query_date(request.GET, "start", label="起始日期"),
        end=query_date(request.GET, "end", label="截止日期"),
        on_time=request.GET.get("on_time") == "1",
    )
    page = paginate(qs, request.GET.get("page"))
    rows = [
        {
            "entry_id": r.entry_id,
            "name": mask_name(r.entry.person.name),
            "due_on": r.due_on,
            "reviewed_on": r.reviewed_on,
            "on_time": r.on_time,
            "worker": r.worker,
        }
        for r in page.object_list
    ]
    return render(request, "care/review_list.html", {"page": page, "rows": rows})


@require_perm("care.list")
def measure_list(request):
    qs = selectors.measure_list(
        actor=request.actor,
        division=request.GET.get("division", ""),
        start=query_date(request.GET, "start", label="起始日期"),
        end=query_date(request.GET, "end", label="截止日期"),
        on_time=request.GET.get("on_time") == "1",
        overdue=request.GET.get("overdue") == "1",
    )
    page = paginate(qs, request.GET.get("page"))
    return render(request, "care/measure_list.html", {"page": page, "today": timezone.localdate()})


@require_perm("care.view")
def plan_page(request, person_id: int):
    person = selectors.person_for_care(actor=request.actor, person_id=person_id)
    plan = selectors.person_plan(actor=request.actor, person=person)
    errors = {}
    if request.method == "POST":
        if not selectors.care_may(actor=request.actor, perm="care.edit", obj=person):
            raise Http404("未找到该记录")
        try:
            if request.POST.get("action") == "measure":
                if plan is None:
                    raise ApplicationError("请先保存帮扶计划。")
                services.plan_measure_add(
                    actor=request.actor,
                    plan=plan,
                    content=request.POST.get("content", ""),
                    responsible=request.POST.get("responsible", ""),
                    due_on=parse_date(request.POST.get("due_on")),
                )
                messages.success(request, "措施已添加。")
            else:
                services.plan_save(
                    actor=request.actor,
                    person=person,
                    needs_found=request.POST.get("needs_found", ""),
                    goals=request.POST.get("goals", ""),
                    review_on=parse_date(request.POST.get("review_on")),
                    expected_version=(posted_version(request.POST) or 0) if plan else None,
                )
                messages.success(request, "帮扶计划已保存（旧版本已保留）。")
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            return redirect("care:plan", person_id=person.pk)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=plan or person,
        field_classes=["sensitive"],
    )
    return render(
        request,
        "care/plan.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "plan": plan,
            "errors": errors,
            "measures": plan.measures.all() if plan else [],
            "versions": selectors.plan_versions(plan) if plan else [],
            "can_edit": selectors.care_may(actor=request.actor, perm="care.edit", obj=person),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_perm("care.edit")
def measure_done(request, measure_id: int):
    measure = selectors.measure_get(actor=request.actor, measure_id=measure_id)
    run_action(
        request,
        lambda: services.plan_measure_done(
            actor=request.actor, measure=measure, expected_version=posted_version(request.POST) or 0
        ),
    )
    return redirect("care:plan", person_id=measure.plan.person_id)


@require_perm("care.view")
def ledger_page(request, person_id: int):
    person = selectors.person_for_care(actor=request.actor, person_id=person_id)
    errors = {}
    if request.method == "POST":
        try:
            services.ledger_add(
                actor=request.actor,
                person=person,
                kind=request.POST.get("kind", ""),
                on=parse_date(request.POST.get("on")),
                content=request.POST.get("content", ""),
                amount=request.POST.get("amount") or None,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已记入台账。")
            return redirect("care:ledger", person_id=person.pk)
    kind = request.GET.get("kind", "")[:16]
    page = paginate(selectors.person_ledger(actor=request.actor, person=person, kind=kind), request.GET.get("page"))
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=person,
        field_classes=["sensitive"],
        detail={"page": "care_ledger"},
    )
    return render(
        request,
        "care/ledger.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "page": page,
            "kinds": LedgerKind.choices,
            "kind": kind,
            "errors": errors,
            "data": request.POST if errors else {},
            "can_add": selectors.care_may(actor=request.actor, perm="care.ledger_add", obj=person),
            "today": timezone.localdate(),
        },
    )


def reverse_entry(entry) -> str:
    return reverse("care:entry_detail", kwargs={"entry_id": entry.pk})
