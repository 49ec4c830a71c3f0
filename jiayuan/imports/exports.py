"""Exports carried out by a background task, with their progress on the page: the approval history (every
submission and decision of the approvals in the user's scope). The file is written with `core.excel.SafeBook`
(text stays text), people are masked (an approver's name as 张*红; comments scrubbed of ID and phone numbers),
the request and every download are written to the access log."""

from __future__ import annotations

import datetime as dt
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError
from jiayuan.core.excel import SafeBook
from jiayuan.core.logging import scrub
from jiayuan.workflows.models import ApprovalStep, Decision
from jiayuan.workflows.registry import kinds

from .framework import run_division
from .models import ExportRun, RunStatus

APPROVALS = "approvals"
PERM = "imports.export_approvals"
BULK_PERM = "reports.bulk_export"  # the same right that lifts the limit on every export
TITLES = {APPROVALS: "审批记录导出"}
HEADERS = [
    "审批编号",
    "审批类型",
    "事项所属区划",
    "金额（元）",
    "审批状态",
    "提交轮次",
    "层级",
    "办理区划",
    "决定",
    "办理人",
    "意见",
    "时间",
]
PROGRESS_EVERY = 1000


def _steps(actor: Actor, start: dt.date, end: dt.date):
    approvals = policy.scoped(actor, PERM, ApprovalStep.approval.field.related_model)
    tz = timezone.get_current_timezone()
    return (
        ApprovalStep.objects.filter(
            approval__in=approvals.values("pk"),
            at__gte=dt.datetime.combine(start, dt.time.min, tz),
            at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
        )
        .select_related("approval", "approval__division", "division", "actor")
        .order_by("approval_id", "id")
    )


def export_request(*, actor: Actor, kind: str, start: dt.date | None, end: dt.date | None) -> ExportRun:
    """Queue an export for the actor's scope and period; the background task writes the file."""
    if kind != APPROVALS or not actor.has_perm(PERM):
        raise ApplicationError("您没有该导出权限。")
    if start is None or end is None:
        raise ApplicationError("请填写起止日期。")
    if end < start:
        raise ApplicationError("结束日期不能早于开始日期。")
    from django.conf import settings

    from .tasks import export_run_task

    limit = int(settings.REPORTS_EXPORT_LIMIT)
    total = _steps(actor, start, end).count()
    if total > limit and not actor.has_perm(BULK_PERM):
        raise ApplicationError(
            f"本次导出共 {total:,} 条，超过单次导出上限 {limit:,} 条。"
            "请缩小起止日期，或由具有“批量导出”权限的人员导出。"
        )
    with transaction.atomic():
        run = ExportRun.objects.create(
            kind=kind,
            user=actor.user,
            division=run_division(actor, PERM),
            params={"start": start.isoformat(), "end": end.isoformat()},
        )
        export_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def export_generate(*, run_id: int) -> ExportRun:
    """Write the file of a queued export as its requester sees the records (the task calls this)."""
    run = ExportRun.objects.select_related("user", "division").get(pk=run_id)
    if not run.in_progress:
        return run
    actor = Actor.for_user(run.user)
    start, end = (dt.date.fromisoformat(run.params[k]) for k in ("start", "end"))
    try:
        steps = _steps(actor, start, end)
        total = steps.count()
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=total, done=0)
        labels = {name: spec.label or "审批" for name, spec in kinds().items()}
        with tempfile.TemporaryFile() as handle:
            book = SafeBook(constant_memory=True, target=handle)
            sheet = book.sheet("审批记录")
            book.write_cells(sheet, 0, 0, [f"{run.division.name} · 审批记录 · {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"])
            book.write_cells(sheet, 1, 0, ["办理人姓名已隐藏，意见中的证件号码、电话号码已隐去。"])
            book.header(sheet, HEADERS, row=2)
            row = 3
            for step in steps.iterator(chunk_size=2000):
                approval = step.approval
                book.write_cells(
                    sheet,
                    row,
                    0,
                    [
                        approval.pk,
                        labels.get(approval.kind, "其他审批"),
                        approval.division.name,
                        float(approval.amount) if approval.amount is not None else "",
                        approval.get_status_display(),
                        step.round,
                        step.level,
                        step.division.name,
                        Decision(step.decision).label if step.decision in Decision.values else step.decision,
                        mask_name(step.actor.get_full_name()) if step.actor else "",
                        scrub(step.comment or ""),
                        timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M"),
                    ],
                )
                row += 1
                if (row - 3) % PROGRESS_EVERY == 0:
                    ExportRun.objects.filter(pk=run.pk).update(done=row - 3)
            book.close()
            handle.seek(0)
            run.file.save(f"approvals-{run.pk}.xlsx", File(handle), save=False)
        run.status, run.done, run.total = RunStatus.SUCCESS, total, total
        run.save()
        access_log_write(
            actor=actor,
            action=Action.EXPORT,
            obj=run,
            division_code=run.division_id,
            detail={"export": run.kind, "rows": total, "from": run.params["start"], "to": run.params["end"]},
        )
    except Exception:
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.REFUSED, error="导出失败，请稍后重试。")
        raise
    return run


def export_download(*, actor: Actor, run_id: int, request=None) -> tuple[File, str]:
    """The file of a finished export in the actor's scope; the download is logged."""
    run = policy.access_by_id(actor, PERM, ExportRun.objects.all(), run_id)
    if run.status != RunStatus.SUCCESS or not run.file:
        raise ApplicationError("导出尚未完成。")
    access_log_write(
        actor=actor,
        request=request,
        action=Action.EXPORT,
        obj=run,
        division_code=run.division_id,
        detail={"download": run.kind, "rows": run.total},
    )
    return run.file.open("rb"), f"{TITLES.get(run.kind, '导出')}-{run.pk}.xlsx"
