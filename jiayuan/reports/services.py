"""Writes of the reports module: template versions, sentences, report runs and the logged downloads."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError, NotFound, StaleEditError

from . import documents
from . import figures as catalogue
from .figures.base import Period
from .models import ReportRun, ReportSentence, ReportTemplate, RunStatus
from .selectors import FigureContext, Scope, breakdown, scope_resolve, visible_figures

TEMPLATE_PERM = "reports.template_edit"
GENERATE_PERM = "reports.generate"


def federation_code(scope: Scope) -> str:
    """The federation whose template and sentences a place's report uses: its district (or the city)."""
    if scope.level in ("street", "community"):
        return scope.code[:6]
    return scope.code


def _federation_scope(actor: Actor, division: str, perm: str) -> Scope:
    scope = scope_resolve(actor=actor, division=division)
    broadest = policy.reach(actor, perm)
    if broadest is None or not scope.prefix.startswith(broadest) or not scope.code:
        raise NotFound("未找到该区划")
    return scope


# ------------------------------------------------------------------------------------------- template


def template_current(division_code: str) -> tuple[int, bytes, ReportTemplate | None]:
    """The template in use for a federation: its newest upload, else the built-in one (version 0)."""
    row = ReportTemplate.objects.filter(division_id=division_code).order_by("-number").first()
    if row is None:
        return 0, documents.default_template_bytes(), None
    with row.file.open("rb") as fh:
        return row.number, fh.read(), row


def template_upload(*, actor: Actor, division: str, data: bytes, name: str, note: str = "") -> ReportTemplate:
    """A new version of the federation's Word template; a broken one is refused and the previous one stays."""
    scope = _federation_scope(actor, division, TEMPLATE_PERM)
    code = federation_code(scope)
    if not (name or "").lower().endswith(".docx"):
        raise ApplicationError("请上传 Word 文档（.docx 格式）。")
    documents.template_check(data)
    try:
        with transaction.atomic():
            top = ReportTemplate.objects.filter(division_id=code).aggregate(n=Max("number"))["n"] or 0
            row = ReportTemplate(
                division_id=code, number=top + 1, name=name[:200], note=note[:200], uploaded_by=actor.user
            )
            row.file.save(f"template-{code}-v{top + 1}.docx", ContentFile(data), save=False)
            row.save()
    except IntegrityError:
        raise ApplicationError("他人刚刚上传了新版本模板，请刷新页面后重试。") from None
    return row


# ------------------------------------------------------------------------------------------- sentences


def sentences_for(division_code: str) -> list[documents.Sentence]:
    """The federation's sentences: the built-in ones, each replaced by the federation's edited copy if any."""
    edited = {s.code: s for s in ReportSentence.objects.filter(division_id=division_code)}
    result = []
    for s in documents.default_sentences():
        row = edited.get(s.code)
        result.append(documents.Sentence(s.code, s.section, s.order, row.text if row else s.text))
    return result


def sentence_update(*, actor: Actor, division: str, code: str, text: str, version: int | None = None) -> ReportSentence:
    """Change the words of one sentence of the federation's report (the placeholders are checked)."""
    scope = _federation_scope(actor, division, TEMPLATE_PERM)
    fed = federation_code(scope)
    default = next((s for s in documents.default_sentences() if s.code == code), None)
    if default is None:
        raise NotFound("未找到该句子")
    text = (text or "").strip()
    documents.sentence_check(text)
    with transaction.atomic():
        row = ReportSentence.objects.select_for_update().filter(division_id=fed, code=code).first()
        if row is None:
            if version not in (None, 0):
                raise StaleEditError()
            return ReportSentence.objects.create(
                division_id=fed,
                code=code,
                section=default.section,
                order=default.order,
                text=text,
                updated_by=actor.user,
            )
        if version is not None and version != row.version:
            raise StaleEditError()
        row.text = text
        row.updated_by = actor.user
        row.version += 1
        row.save(update_fields=["text", "updated_by", "version", "updated_at"])
        return row


# ------------------------------------------------------------------------------------------- report runs


def report_request(*, actor: Actor, division: str, year: int) -> ReportRun:
    """Queue the yearly report of a place; the background task writes the files and the progress."""
    scope = _federation_scope(actor, division, GENERATE_PERM)
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ApplicationError(f"年度应在 2000 年至 {today.year} 年之间。")
    from .tasks import report_generate_task

    if actor.user is None:
        raise ApplicationError("年度工作报告须由工作人员生成。")
    with transaction.atomic():
        run = ReportRun.objects.create(division_id=scope.code, year=year, created_by=actor.user, step="排队等待生成")
        # Queued in the same transaction: the database backend's task row commits with the run, or neither does.
        report_generate_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _progress(run: ReportRun, progress: int, step: str) -> None:
    run.progress, run.step = progress, step
    ReportRun.objects.filter(pk=run.pk).update(progress=progress, step=step, status=RunStatus.RUNNING)


def report_generate(*, run_id: int) -> ReportRun:
    """Compute every figure as the requesting user sees it and write the Word report and the workbook."""
    run = ReportRun.objects.select_related("division", "created_by").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    actor = Actor.for_user(run.created_by)
    try:
        _progress(run, 5, "计算各项指标")
        scope = scope_resolve(actor=actor, division=run.division_id)
        period = Period(dt.date(run.year, 1, 1), dt.date(run.year, 12, 31), "year")
        ctx = FigureContext(actor, scope, period)
        values = {f.code: ctx.figure_value(f) for f in visible_figures(actor)}
        _progress(run, 35, "汇总分组数据")
        sheets = []
        mods = catalogue.modules()
        for code, mod in mods.items():
            figs = [v for v in values.values() if v.module == code]
            if not figs:
                continue
            breakdowns = []
            for v in figs:
                fig = catalogue.figure(v.code)
                if fig is None or v.value is None or fig.kind == "ratio":
                    continue
                for dim in fig.dimensions:
                    b = breakdown(actor=actor, scope=scope, period=period, code=v.code, dimension=dim.code, ctx=ctx)
                    if b.bars:
                        breakdowns.append(b)
            sheets.append((mod.label, figs, breakdowns))
        _progress(run, 65, "生成 Excel 报表")
        title = f"{scope.name}{run.year}年工作报表"
        xlsx = documents.build_xlsx(title=title, values=values, module_sheets=sheets)
        _progress(run, 80, "生成 Word 报告")
        fed = federation_code(scope)
        number, template, _ = template_current(fed)
        sections, missing = documents.render_sentences(sentences_for(fed), values)
        context = documents.report_context(
            values=values,
            sections=sections,
            not_recorded=missing,
            scope_name=scope.name,
            year=run.year,
            period_label=period.label,
            generated_by=getattr(run.created_by, "display_name", "") or run.created_by.username,
            generated_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        )
        docx = documents.build_docx(template, context)
        with transaction.atomic():
            run.docx.save(f"report-{scope.code}-{run.year}-{run.pk}.docx", ContentFile(docx), save=False)
            run.xlsx.save(f"report-{scope.code}-{run.year}-{run.pk}.xlsx", ContentFile(xlsx), save=False)
            run.figures = {code: v.as_dict()["value"] for code, v in values.items()}
            run.template_number = number
            run.status, run.progress, run.step = RunStatus.DONE, 100, "已完成"
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:
        message = exc.message if isinstance(exc, ApplicationError) else "生成过程中出现错误，请稍后重试或联系管理员。"
        ReportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message[:500], step="生成失败", finished_at=timezone.now()
        )
        if not isinstance(exc, ApplicationError):
            raise
    run.refresh_from_db()
    return run


def report_file_open(
    *, actor: Actor, run_id: int, kind: str, request: HttpRequest | None = None
) -> tuple[IO[bytes], str]:
    """The Word or Excel file of a finished run in the actor's scope, its download written to the access log."""
    run = policy.access_by_id(actor, GENERATE_PERM, ReportRun, run_id)
    field = {"docx": run.docx, "xlsx": run.xlsx}.get(kind)
    if run.status != RunStatus.DONE or not field:
        raise NotFound("未找到该文件")
    access_log_write(
        actor=actor,
        request=request,
        action=Action.EXPORT,
        obj=run,
        detail={"file": kind, "year": run.year},
    )
    suffix = "Word 报告.docx" if kind == "docx" else "Excel 报表.xlsx"
    return field.open("rb"), f"{run.division.name}{run.year}年工作{suffix}"
