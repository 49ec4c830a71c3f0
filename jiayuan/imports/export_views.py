"""Export pages: ask for the approval history of a period, follow its progress, download the file."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from jiayuan.access.decorators import require_perm
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate

from . import selectors
from .exports import APPROVALS, PERM, export_download, export_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@require_perm(PERM)
def export_list(request):
    today = timezone.localdate()
    form = {"start": f"{today.year}-01-01", "end": today.isoformat()}
    error = ""
    if request.method == "POST":
        form = {"start": request.POST.get("start", ""), "end": request.POST.get("end", "")}
        start, end = _date(form["start"]), _date(form["end"])
        try:
            if start is None or end is None:
                raise ApplicationError("请按 2026-01-31 的格式填写起止日期。")
            export_request(actor=request.actor, kind=APPROVALS, start=start, end=end)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("imports:exports")
    page = paginate(selectors.export_list(actor=request.actor).order_by("-id"), request.GET.get("page"))
    return render(
        request, "imports/exports.html", {"page": page, "form": form, "error": error}, status=400 if error else 200
    )


@require_perm(PERM)
def export_status(request, run_id: int):
    run = selectors.export_get(actor=request.actor, run_id=run_id)
    return render(request, "imports/partials/export_row.html", {"run": run})


@require_perm(PERM)
def export_file(request, run_id: int) -> HttpResponseBase:
    try:
        handle, filename = export_download(actor=request.actor, run_id=run_id, request=request)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export-{run_id}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response
