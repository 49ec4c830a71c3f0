"""Pages of the reports module: dashboards, drill-down lists, the catalogue, module statistics, the yearly report."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.selectors import reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.actions import posted_version
from jiayuan.core.dates import query_date, query_int
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.pagination import paginate
from jiayuan.imports.export_views import export_flow

from . import document_selectors, documents, drilldown, selectors, services
from . import figures as catalogue
from .exports import RECORDS
from .figures.base import Period
from .records import rows_for


def _scope_and_period(request):
    """The scope and period asked for; a bad period falls back to this year with the reason shown."""
    today = timezone.localdate()
    scope = selectors.scope_resolve(actor=request.actor, division=request.GET.get("division", ""))
    error = ""
    try:
        period = selectors.period_parse(request.GET, today=today)
    except ApplicationError as exc:
        error = exc.message
        period = Period(today.replace(month=1, day=1), today.replace(month=12, day=31), "year")
    return scope, period, error


def _chart_data(board: selectors.Dashboard) -> dict:
    return {
        "trends": [
            {
                "title": f"{t.figure.label}（{t.figure.unit}）",
                "months": t.months,
                "current": [float(v) for v in t.current],
                "previous": [float(v) for v in t.previous],
                "links": t.links,
                "current_label": f"{board.period.start.year}年",
                "previous_label": f"{board.period.start.year - 1}年",
            }
            for t in board.trends
        ],
        "breakdowns": [
            {
                "title": f"{b.figure.label}（按{b.label}）",
                "labels": [bar.label for bar in b.bars],
                "values": [float(bar.value) for bar in b.bars],
                "links": [bar.link for bar in b.bars],
            }
            for b in board.breakdowns
        ],
    }


@require_perm("reports.view")
def dashboard(request):
    scope, period, error = _scope_and_period(request)
    board = selectors.dashboard(actor=request.actor, scope=scope, period=period)
    today = timezone.localdate()
    context = {
        "board": board,
        "error": error,
        "charts": _chart_data(board),
        "divisions": selectors.scope_choices(actor=request.actor),
        "params": request.GET,
        "kind": period.kind,
        "years": list(range(today.year, today.year - 6, -1)),
        "can_generate": request.actor.has_perm("reports.generate"),
    }
    return render(request, "reports/pages/dashboard.html", context)


@require_perm("reports.view")
@require_GET
def home_panel(request):
    """The workbench's panel: this year's headline figures for the user's own area, each a way into its records."""
    scope, period, _ = _scope_and_period(request)
    figures = selectors.headline(actor=request.actor, scope=scope, period=period)
    return render(request, "reports/partials/home_figures.html", {"figures": figures, "scope": scope, "period": period})


@require_perm("reports.view")
def records(request):
    scope, period, error = _scope_and_period(request)
    if error:
        raise NotFound("未找到该统计期")
    code = request.GET.get("figure", "")
    if not code:
        return redirect("reports:catalogue")
    try:
        fig, qs = drilldown.figure_records(
            actor=request.actor,
            scope=scope,
            period=period,
            code=code,
            dimension=request.GET.get("dim", ""),
            key=request.GET.get("key", ""),
            part=request.GET.get("part", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reports:dashboard")
    page = paginate(qs, request.GET.get("page"))
    headers, rows = rows_for(page.object_list)
    drill = None
    if fig.code != code:  # a ratio: the records of its denominator or numerator
        drill = drilldown.ratio_drill(
            actor=request.actor,
            scope=scope,
            period=period,
            code=code,
            part=request.GET.get("part", ""),
            page_ids=[obj.pk for obj in page.object_list],
        )
        value = drill.listed
        if drill.marks_numerator:
            headers = [*headers, f"计入“{drill.numerator.label}”"]
            marks = ["是" if obj.pk in drill.numerator_ids else "否" for obj in page.object_list]
            rows = [[*row, mark] for row, mark in zip(rows, marks, strict=True)]
    else:
        value = selectors.figure_values(actor=request.actor, scope=scope, period=period, codes=[code])[0]
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.LIST,
        object_type=qs.model._meta.label_lower,
        division_code=scope.code,
        detail={"figure": fig.code, "results": page.paginator.count},
    )
    query = request.GET.copy()
    query.pop("page", None)
    sides = request.GET.copy()
    sides.pop("page", None)
    sides.pop("part", None)
    return render(
        request,
        "reports/pages/records.html",
        {
            "fig": fig,
            "value": value,
            "scope": scope,
            "period": period,
            "page": page,
            "headers": headers,
            "rows": rows,
            "querystring": query.urlencode(),
            "dimension": request.GET.get("dim", ""),
            "key": request.GET.get("key", ""),
            "can_export": request.actor.has_perm("reports.export"),
            "drill": drill,
            "sides_querystring": sides.urlencode(),
        },
    )


@require_perm("reports.export")
def records_export(request):
    """The records behind a figure to Excel: a small list downloads at once, a large one is confirmed and written
    in the background (its progress and file on the export's page)."""
    if not request.GET.get("figure"):
        return redirect("reports:catalogue")
    back = "/reports/records/?" + request.GET.urlencode()
    return export_flow(request, kind=RECORDS, params=request.GET.dict(), back=back)


@require_perm("reports.view")
def catalogue_page(request):
    mods = catalogue.modules()
    groups = []
    for code, mod in mods.items():
        figs = [f for f in catalogue.figures().values() if f.module == code]
        groups.append({"module": mod, "figures": [(f, documents.var_name(f.code)) for f in figs]})
    return render(request, "reports/pages/catalogue.html", {"groups": groups})


# ------------------------------------------------------------------------------------------- module statistics


@require_perm("cases.stats")
def cases_stats(request):
    from .stats.cases import case_stats

    today = timezone.localdate()
    date_from = query_date(request.GET, "from", today.replace(month=1, day=1), label="起始日期")
    date_to = query_date(request.GET, "to", today, label="截止日期")
    prefix = reach_of(actor=request.actor, perm="cases.stats") or ""
    wanted = request.GET.get("division", "")[:12]
    if wanted and wanted.startswith(prefix):
        prefix = wanted
    figures = case_stats(actor=request.actor, prefix=prefix, date_from=date_from, date_to=date_to)
    return render(
        request,
        "reports/pages/cases_stats.html",
        {
            "s": figures,
            "date_from": date_from,
            "date_to": date_to,
            "division": prefix,
            "divisions": selectors.module_stats_divisions(actor=request.actor, perm="cases.stats"),
        },
    )


@require_perm("care.stats")
def care_stats(request):
    from .stats.care import care_stats as compute

    today = timezone.localdate()
    start = query_date(request.GET, "start", today.replace(month=1, day=1), label="起始日期")
    end = query_date(request.GET, "end", today, label="截止日期")
    result = compute(actor=request.actor, prefix=request.GET.get("division", "")[:12], start=start, end=end)
    scopes = selectors.module_stats_divisions(actor=request.actor, perm="care.stats")
    return render(request, "reports/pages/care_stats.html", {"stats": result, "scopes": scopes})


# ------------------------------------------------------------------------------------------- yearly report


def _report_context(request, scope, *, form_errors=None):
    fed = services.federation_code(scope)
    versions = document_selectors.template_versions(federation=fed)
    today = timezone.localdate()
    return {
        "scope": scope,
        "federation": fed,
        "runs": document_selectors.run_list(actor=request.actor, scope=scope),
        "versions": versions,
        "current_version": versions[0].number if versions else 0,
        "divisions": selectors.scope_choices(actor=request.actor),
        "years": list(range(today.year, today.year - 6, -1)),
        "year": query_int(request.GET, "year", today.year, label="年份", minimum=2000, maximum=2100),
        "can_edit_template": request.actor.has_perm("reports.template_edit"),
        "errors": form_errors or {},
    }


@require_perm("reports.generate")
def report_page(request):
    scope = selectors.scope_resolve(actor=request.actor, division=request.GET.get("division", ""))
    return render(request, "reports/pages/report.html", _report_context(request, scope))


@require_POST
@require_perm("reports.generate")
def report_generate(request):
    division = request.POST.get("division", "")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    try:
        run = services.report_request(actor=request.actor, division=division, year=year)
    except ApplicationError as exc:
        scope = selectors.scope_resolve(actor=request.actor, division=division)
        ctx = _report_context(request, scope, form_errors={"generate": exc.message})
        return render(request, "reports/pages/report.html", ctx, status=400)
    messages.success(request, f"已开始生成 {run.year} 年工作报告，完成后可在下方下载。")
    return redirect(f"/reports/report/?division={run.division_id}&run={run.pk}")


@require_perm("reports.generate")
def run_status(request, run_id: int):
    run = document_selectors.run_get(actor=request.actor, run_id=run_id)
    return render(request, "reports/partials/run_row.html", {"run": run})


@require_perm("reports.generate")
def run_download(request, run_id: int, kind: str):
    handle, name = services.report_file_open(actor=request.actor, run_id=run_id, kind=kind, request=request)
    return FileResponse(handle, as_attachment=True, filename=name)


@require_perm("reports.generate")
def template_download(request):
    scope = selectors.scope_resolve(actor=request.actor, division=request.GET.get("division", ""))
    fed = services.federation_code(scope)
    number = request.GET.get("version", "")
    if number.isdigit() and int(number) > 0:
        row = document_selectors.template_version_get(federation=fed, number=int(number))
        handle = row.file.open("rb")
        version = row.number
    else:
        version, data, _ = services.template_current(fed)
        handle = io.BytesIO(data)
    return FileResponse(handle, as_attachment=True, filename=f"{scope.name}工作报告模板-第{version}版.docx")


@require_POST
@require_perm("reports.template_edit")
def template_upload(request):
    division = request.POST.get("division", "")
    upload = request.FILES.get("template")
    scope = selectors.scope_resolve(actor=request.actor, division=division)
    try:
        if upload is None:
            raise ApplicationError("请选择要上传的 Word 模板文件（.docx）。")
        if upload.size > documents.MAX_TEMPLATE_BYTES:
            raise ApplicationError("模板文件超过 5 MB，请删除其中的大图片后重新上传。")
        row = services.template_upload(
            actor=request.actor,
            division=division,
            data=upload.read(),
            name=upload.name,
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        ctx = _report_context(request, scope, form_errors={"template": exc.message})
        return render(request, "reports/pages/report.html", ctx, status=400)
    messages.success(request, f"模板已保存为第 {row.number} 版，之后生成的报告将使用该版本。")
    return redirect(f"/reports/report/?division={scope.code}")


@require_perm("reports.template_edit")
def sentences(request):
    division = request.POST.get("division") or request.GET.get("division", "")
    scope = selectors.scope_resolve(actor=request.actor, division=division)
    fed = services.federation_code(scope)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        code = request.POST.get("code", "")
        typed[code] = request.POST.get("text", "")
        try:
            services.sentence_update(
                actor=request.actor,
                division=scope.code,
                code=code,
                text=typed[code],
                version=posted_version(request.POST),
            )
        except ApplicationError as exc:
            errors[code] = exc.message
        else:
            messages.success(request, "句子已保存。")
            return redirect(f"/reports/sentences/?division={scope.code}#s-{code}")
    rows = document_selectors.sentence_rows(federation=fed)
    items = []
    for s in services.sentences_for(fed):
        row = rows.get(s.code)
        items.append(
            {
                "code": s.code,
                "section": s.section,
                "text": typed.get(s.code, s.text),
                "version": row.version if row else 0,
                "error": errors.get(s.code, ""),
            }
        )
    status = 400 if errors else 200
    return render(request, "reports/pages/sentences.html", {"scope": scope, "items": items}, status=status)
