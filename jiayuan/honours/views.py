"""Honours pages: honours held, nominations and their approval with the public notice, counts, kinds."""

from __future__ import annotations

import datetime as dt

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

from . import exports, selectors, services
from .models import AwardLevel, HolderType, NominationStatus


def _year_asked(get) -> int | None:
    return query_int(get, "year", label="年度", minimum=1949, maximum=2100)


def _filters(get) -> selectors.HonourFilters:
    return exports.honour_filters(get)  # the same filters as the list's export (数据导出)


def _choices() -> dict:
    return {
        "kinds": selectors.kind_list(),
        "levels": AwardLevel.choices,
        "holder_types": HolderType.choices,
        "this_year": timezone.localdate().year,
    }


@require_perm("honours.view")
def honour_list(request: ActorRequest) -> HttpResponse:
    filters = _filters(request.GET)
    page = paginate(selectors.honour_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "honours/pages/list.html",
        {
            "page": page,
            "filters": filters,
            "querystring": query.urlencode(),
            "can_record": request.actor.has_perm("honours.record"),
            "can_nominate": request.actor.has_perm("honours.nominate"),
            "can_export": request.actor.has_perm("honours.export"),
            **_choices(),
        },
    )


@require_perm("honours.view")
def honour_detail(request: ActorRequest, honour_id: int) -> HttpResponse:
    honour = selectors.honour_get(actor=request.actor, honour_id=honour_id)
    return render(request, "honours/pages/honour_detail.html", {"honour": honour})


@require_perm("honours.stats")
def honour_counts(request: ActorRequest) -> HttpResponse:
    year = _year_asked(request.GET)
    division = request.GET.get("division", "")[:12]
    counts = selectors.honour_counts(actor=request.actor, year=year, division=division)
    return render(
        request,
        "honours/pages/counts.html",
        {
            "counts": counts,
            "cumulative": selectors.honour_counts(actor=request.actor, division=division) if year else counts,
            "years": selectors.honour_years(actor=request.actor),
            "year": year,
            "division": division,
            "statuses": selectors.nomination_status_counts(actor=request.actor, year=year),
        },
    )


@require_perm("honours.view")
def holder_history(request: ActorRequest, holder_type: str, holder_id: int) -> HttpResponse:
    history = selectors.holder_history(actor=request.actor, holder_type=holder_type, holder_id=holder_id)
    return render(
        request,
        "honours/pages/holder.html",
        {"history": history, "holder_type": holder_type, "holder_label": HolderType(holder_type).label},
    )


# ---------------------------------------------------------------- nominations


@require_perm("honours.view")
def nomination_list(request: ActorRequest) -> HttpResponse:
    status = request.GET.get("status", "")[:16]
    filters = _filters(request.GET)
    page = paginate(
        selectors.nomination_list(actor=request.actor, filters=filters, status=status), request.GET.get("page")
    )
    awaiting = selectors.nominations_awaiting(actor=request.actor) if request.actor.has_perm("honours.approve") else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "honours/pages/nominations.html",
        {
            "page": page,
            "awaiting": awaiting,
            "status": status,
            "statuses": NominationStatus.choices,
            "filters": filters,
            "querystring": query.urlencode(),
            "can_nominate": request.actor.has_perm("honours.nominate"),
            **_choices(),
        },
    )


@require_perm("honours.nominate")
def nomination_new(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            nomination = services.nomination_create(
                actor=request.actor,
                kind_id=request.POST.get("kind", ""),
                level=request.POST.get("level", ""),
                year=request.POST.get("year", ""),
                holder_type=request.POST.get("holder_type", ""),
                holder_id=request.POST.get("holder_id", ""),
                reason=request.POST.get("reason", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "推荐已提交，进入逐级审批。")
            return redirect("honours:nomination_detail", nomination_id=nomination.pk)
    return render(
        request,
        "honours/pages/nomination_form.html",
        {"errors": errors, "data": data, **_choices()},
        status=400 if errors else 200,
    )


@require_perm("honours.view")
def nomination_detail(request: ActorRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_get(actor=request.actor, nomination_id=nomination_id)
    view = selectors.nomination_view(actor=request.actor, nomination=nomination)
    today = timezone.localdate()
    return render(
        request,
        "honours/pages/nomination_detail.html",
        {"n": nomination, "today": today, "default_end": today + dt.timedelta(days=6), **view},
    )


def _nomination_action(
    name: str, required: str, load_perm: str, service, fields: dict[str, str], success: str, *, versioned: bool = True
):
    """A form posted on one nomination: load it in the actor's reach (404 otherwise), call `service` with the
    posted `fields` ({service argument: form field}) and the version read, show the outcome, go back to it."""

    def view(request: ActorRequest, nomination_id: int) -> HttpResponse:
        nomination = selectors.nomination_get(actor=request.actor, nomination_id=nomination_id, perm=load_perm)
        values: dict[str, object] = {argument: request.POST.get(field, "") for argument, field in fields.items()}
        if versioned:
            values["expected_version"] = posted_version(request.POST) or 0
        run_action(request, lambda: service(actor=request.actor, nomination=nomination, **values), success=success)
        return redirect("honours:nomination_detail", nomination_id=nomination_id)

    view.__name__ = view.__qualname__ = name
    return require_POST(require_perm(required)(view))


nomination_decide = _nomination_action(
    "nomination_decide",
    "honours.approve",
    "honours.view",
    services.nomination_decide,
    {"decision": "decision", "comment": "comment"},
    "审批意见已提交。",
)
nomination_notice = _nomination_action(
    "nomination_notice",
    "honours.approve",
    "honours.view",
    services.nomination_notice_open,
    {"start": "notice_start", "end": "notice_end"},
    "已开始公示。",
)
nomination_resubmit = _nomination_action(
    "nomination_resubmit",
    "honours.nominate",
    "honours.nominate",
    services.nomination_resubmit,
    {"comment": "comment", "reason": "reason"},
    "已重新提交。",
)
nomination_withdraw = _nomination_action(
    "nomination_withdraw", "honours.nominate", "honours.nominate", services.nomination_withdraw, {}, "推荐已撤回。"
)
objection_add = _nomination_action(
    "objection_add",
    "honours.record",
    "honours.record",
    services.objection_record,
    {"received_on": "received_on", "content": "content"},
    "异议已登记，请核实。",
    versioned=False,
)


@require_POST
@require_perm("honours.record")
def objection_resolve(request: ActorRequest, objection_id: int) -> HttpResponse:
    objection = selectors.objection_get(actor=request.actor, objection_id=objection_id)
    run_action(
        request,
        lambda: services.objection_resolve(
            actor=request.actor,
            objection=objection,
            upheld=request.POST.get("result") == "upheld",
            finding=request.POST.get("finding", ""),
        ),
        success="核实结果已记录。",
    )
    return redirect("honours:nomination_detail", nomination_id=objection.nomination_id)


# ---------------------------------------------------------------- recording and kinds


@require_perm("honours.record")
def honour_new(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            honour = services.honour_record(
                actor=request.actor,
                kind_id=request.POST.get("kind", ""),
                level=request.POST.get("level", ""),
                year=request.POST.get("year", ""),
                holder_type=request.POST.get("holder_type", ""),
                holder_id=request.POST.get("holder_id", ""),
                granted_on=request.POST.get("granted_on") or None,
                granted_by=request.POST.get("granted_by", ""),
                document_no=request.POST.get("document_no", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "荣誉已登记。")
            return redirect("honours:detail", honour_id=honour.pk)
    return render(
        request,
        "honours/pages/honour_form.html",
        {"errors": errors, "data": request.POST, **_choices()},
        status=400 if errors else 200,
    )


@require_perm("honours.view")
def kind_list(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    can_edit = request.actor.has_perm("honours.kind_edit")
    if request.method == "POST" and can_edit:
        try:
            if request.POST.get("toggle"):
                kind = selectors.kind_get(kind_id=int(request.POST["toggle"]))
                services.honour_kind_toggle(actor=request.actor, kind=kind, active=not kind.is_active)
            else:
                services.honour_kind_create(
                    actor=request.actor,
                    name=request.POST.get("name", ""),
                    holder_type=request.POST.get("holder_type", ""),
                )
        except (ApplicationError, ValueError) as exc:
            errors = exc.form_errors() if isinstance(exc, ApplicationError) else {"form": "请求不正确。"}
        else:
            messages.success(request, "荣誉类别已保存。")
            return redirect("honours:kinds")
    return render(
        request,
        "honours/pages/kinds.html",
        {
            "kinds": selectors.kind_list(active_only=False),
            "holder_types": HolderType.choices,
            "can_edit": can_edit,
            "errors": errors,
            "data": request.POST,
        },
        status=400 if errors else 200,
    )
