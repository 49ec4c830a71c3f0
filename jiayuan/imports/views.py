"""Import pages: the list of runs, an upload form per kind, its template, and a run's result."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jiayuan.access.decorators import require_perm
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate

from . import selectors, services
from .background import import_enqueue, progress_get
from .framework import background_bytes, errors_workbook, max_rows
from .registry import SPECS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_perm("imports.view")
def run_list(request):
    page = paginate(selectors.run_list(actor=request.actor), request.GET.get("page"))
    for run in page.object_list:
        spec = SPECS.get(run.kind)
        run.kind_title = spec.title if spec else run.kind
    kinds = [
        {"title": spec.title, "url": reverse(f"imports:{spec.kind}")}
        for spec in SPECS.values()
        if request.actor.has_perm(spec.perm)
    ]
    return render(request, "imports/list.html", {"page": page, "kinds": kinds})


def _upload_view(spec):
    @require_perm(spec.perm)
    def upload(request):
        error = ""
        if request.method == "POST":
            file = request.FILES.get("file")
            if file is None:
                error = "请选择要上传的 Excel 文件（.xlsx）。"
            else:
                try:
                    if (file.size or 0) > background_bytes():
                        # A large file: checked and written by a background task, its progress on the run page.
                        run = import_enqueue(actor=request.actor, spec=spec, file=file)
                    else:
                        run = services.import_run(actor=request.actor, spec=spec, file=file, request=request)
                except ApplicationError as exc:
                    error = exc.message
                else:
                    return redirect("imports:run", run_id=run.pk)
        return render(
            request,
            "imports/upload.html",
            {
                "spec": spec,
                "error": error,
                "max_rows": max_rows(),
                "max_rows_background": max_rows(background=True),
                "background_kb": background_bytes() // 1024,
                "template_url": reverse(f"imports:{spec.kind}_template"),
            },
            status=400 if error else 200,
        )

    upload.__name__ = f"upload_{spec.kind}"
    return upload


def _template_view(spec):
    @require_perm(spec.perm)
    def template(request):
        data = services.import_template(actor=request.actor, spec=spec)
        response = HttpResponse(data, content_type=XLSX)
        filename = f"{spec.title}模板.xlsx"
        response["Content-Disposition"] = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(filename)}"
        response["Cache-Control"] = "no-store"
        return response

    template.__name__ = f"template_{spec.kind}"
    return template


UPLOAD_VIEWS = {kind: _upload_view(spec) for kind, spec in SPECS.items()}
TEMPLATE_VIEWS = {kind: _template_view(spec) for kind, spec in SPECS.items()}


@require_perm("imports.view")
def run_detail(request, run_id: int):
    run = selectors.run_get(actor=request.actor, run_id=run_id)
    spec = SPECS.get(run.kind)
    return render(
        request,
        "imports/run.html",
        {
            "run": run,
            "spec": spec,
            "truncated": run.error_count > len(run.errors),
            "can_retry": spec is not None and request.actor.has_perm(spec.perm),
            "progress": progress_get(run),
        },
    )


@require_perm("imports.view")
def run_progress(request, run_id: int):
    """The progress of a background run (polled by the run page); once finished, the page reloads itself."""
    run = selectors.run_get(actor=request.actor, run_id=run_id)
    response = render(request, "imports/partials/progress.html", {"run": run, "progress": progress_get(run)})
    if not run.in_progress:
        response["HX-Refresh"] = "true"
    return response


@require_perm("imports.view")
def run_errors(request, run_id: int):
    """The error list of a run as Excel, to fix the file against it."""
    run = selectors.run_get(actor=request.actor, run_id=run_id)
    response = HttpResponse(errors_workbook(run), content_type=XLSX)
    filename = f"导入错误清单-{run.pk}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"errors-{run.pk}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response
