"""The auditor's pages: the access log with filters, the chain check, the change history."""

from __future__ import annotations

from django.shortcuts import render

from jiayuan.access.decorators import require_perm
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_verify, access_log_write
from jiayuan.core.dates import query_date
from jiayuan.core.pagination import paginate

from . import selectors


@require_perm("audit.view")
def access_log(request):
    g = request.GET
    filters = selectors.LogFilters(
        username=g.get("username", ""),
        action=g.get("action", ""),
        object_type=g.get("object_type", ""),
        object_id=g.get("object_id", ""),
        since=query_date(g, "since", label="起始日期"),
        until=query_date(g, "until", label="截止日期"),
    )
    page = paginate(selectors.access_log_list(actor=request.actor, filters=filters), g.get("page"))
    postings = selectors.posting_labels(r.posting_id for r in page.object_list)
    rows = [
        {
            "row": r,
            "posting": postings.get(r.posting_id, ""),
            "object_label": selectors.object_type_label(r.object_type),
        }
        for r in page.object_list
    ]
    # Written after the page is read: the count was taken first, so a row added now would push one off it.
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.AUDIT_VIEW,
        object_type="audit.accesslog",
        detail={"filters": {k: v for k, v in g.items() if k != "page"}},
    )
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "actions": Action.choices,
            "object_types": selectors.object_type_choices(),
            "querystring": g.urlencode(),
            "flags": selectors.access_log_flags(actor=request.actor),
        },
    )


@require_perm("audit.verify")
def verify(request):
    ok, message = access_log_verify()
    return render(request, "audit/verify.html", {"ok": ok, "message": message})


@require_perm("audit.view")
def change_history(request):
    model = request.GET.get("model", "people.person")
    rows = selectors.change_history_list(
        actor=request.actor,
        model_label=model,
        object_id=request.GET.get("object_id", ""),
        username=request.GET.get("username", ""),
    )
    return render(
        request, "audit/history.html", {"rows": rows, "models": selectors.HISTORY_MODELS.items(), "model": model}
    )
