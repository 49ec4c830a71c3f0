"""Export pages: the list of one's exports (with the approval-history form), one export's progress and file, and
the page that starts an export of any kind (a small one downloads at once, a large one goes to the background)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from jiayuan.access.decorators import require_perm
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate

from .exports import (
    APPROVALS,
    PERM,
    export_access,
    export_download,
    export_kind,
    export_list,
    export_params,
    export_preview,
    export_request,
    export_start,
    immediate_rows,
)
from .models import ExportRun, RunStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_PERM = PERM  # every holder of an export right holds this one: the list of one's own exports


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@require_perm(PAGE_PERM)
def export_list_page(request):
    today = timezone.localdate()
    form = {"start": f"{today.year}-01-01", "end": today.isoformat()}
    error = ""
    if request.method == "POST":
        form = {"start": request.POST.get("start", ""), "end": request.POST.get("end", "")}
        start, end = _date(form["start"]), _date(form["end"])
        try:
            if start is None or end is None:
                raise ApplicationError("请按 2026-01-31 的格式填写起止日期。")
            run = export_request(actor=request.actor, kind=APPROVALS, start=start, end=end)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("imports:export", run_id=run.pk)
    page = paginate(export_list(actor=request.actor), request.GET.get("page"))
    return render(
        request, "imports/exports.html", {"page": page, "form": form, "error": error}, status=400 if error else 200
    )


@require_perm(PAGE_PERM)
def export_page(request, run_id: int):
    run = export_access(actor=request.actor, run_id=run_id)
    return render(request, "imports/export.html", {"run": run})


@require_perm(PAGE_PERM)
def export_status(request, run_id: int):
    """The progress of one export (polled while it runs); once finished, the download link."""
    run = export_access(actor=request.actor, run_id=run_id)
    template = (
        "imports/partials/export_progress.html" if request.GET.get("full") else "imports/partials/export_row.html"
    )
    return render(request, template, {"run": run})


@require_perm(PAGE_PERM)
def export_file(request, run_id: int) -> HttpResponseBase:
    try:
        handle, filename, _ = export_download(actor=request.actor, run_id=run_id, request=request)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return _file_response(handle, filename, run_id)


def _file_response(handle, filename: str, run_id: int) -> FileResponse:
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export-{run_id}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def export_flow(request: HttpRequest, *, kind: str, params: Mapping[str, str], back: str) -> HttpResponseBase:
    """Start an export of `kind` (the caller has checked its permission). GET: a small export downloads at once;
    a large one shows how many rows and asks to confirm (nothing is written by a GET). POST: start it — a small
    one downloads, a large one is queued and the export's page follows its progress. Refusals (over the limit
    without the bulk right, a bad period) are a Chinese page and nothing is kept."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        plan = export_preview(actor=actor, kind=kind, params=params)
        if request.method != "POST" and plan.total > immediate_rows():
            return render(
                request,
                "imports/export_confirm.html",
                {"plan": plan, "spec": export_kind(kind), "back": back, "params": export_params(kind, params)},
            )
        run = export_start(actor=actor, kind=kind, params=params, request=request)
    except ApplicationError as exc:
        return render(request, "imports/export_refused.html", {"message": exc.message, "back": back}, status=400)
    if run.status == RunStatus.SUCCESS and plan.total <= immediate_rows():  # written during the request
        handle, filename, _ = export_download(actor=actor, run_id=run.pk, request=request)
        return _file_response(handle, filename, run.pk)
    return redirect("imports:export", run_id=run.pk)


def _kind_view(kind: str):
    spec = export_kind(kind)

    @require_perm(spec.perm)
    def start(request):
        # The filters come by POST from a list's export button (a name typed never lands in a URL), or in the
        # query string of a link without personal values.
        query = (request.POST if request.method == "POST" else request.GET).copy()
        back = query.pop("back", [""])[-1]
        if not back.startswith("/") or back.startswith("//"):
            back = spec.back
        query.pop("csrfmiddlewaretoken", None)
        return export_flow(request, kind=kind, params=query.dict(), back=back)

    start.__name__ = f"export_{kind}"
    return start


def kind_views() -> dict[str, Callable[..., HttpResponseBase]]:
    """The start page of every kind registered so far (URLs are read after every app is ready)."""
    from .exports import export_kinds

    return {kind: _kind_view(kind) for kind, spec in export_kinds().items() if spec.start_page}


__all__ = ["ExportRun", "export_flow", "kind_views"]
